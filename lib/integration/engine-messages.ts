import { CATALOGS } from "../../i18n/catalogs.ts";
import type { Locale } from "../../i18n/locales.ts";
import { fieldLabel, renderText, type MessageParam, type ServerMessageKey } from "../actions/server-message.ts";

// The engine writes its messages in English (the database, the API, error signatures and the "same error twice" rule
// all work on that text); so do the coupling and uncoupling jobs, Find for Deleted and the connection test, whose
// stored wordings are in the same catalog. For people they are shown in their language: each stored message is recognised against
// the English wording of the `serverMessages.engine` catalog, parts included (a failure lists the reasons of each
// field), and rendered again from the catalog. Text that no wording matches — rows written before a wording changed,
// Dataverse's own messages — is shown as stored.

type Template = { key: ServerMessageKey; pattern: RegExp; names: string[]; literalLength: number };

const MAX_DEPTH = 4;

/** Parameters that may hold whole sentences or lists; any other stays within one clause, so a fragment's wording
 * cannot claim a whole message. */
const SENTENCE_PARAMS = new Set(["reason", "reasons", "detail", "advice", "steps", "parents", "fields", "conflictFields"]);

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

const ENGINE_EN: Record<string, string> = CATALOGS.en.serverMessages.engine;

// A run's summary ("3 inserted, 1 failed.") is a list of counters: its `counts` parameter matches only such a list, so
// the summary's short wording claims no other message (the longer wording with the pending note names it `summary`).
// A `count` is a number, so a counter's wording ("{count} failed") claims neither a longer sentence nor a detail such
// as "Authentication failed".
const COUNTER_PART = Object.entries(ENGINE_EN)
  .filter(([key]) => key.startsWith("runCount") || key === "runNothingChanged")
  .map(([, english]) => escapeRegExp(english).replace("\\{count\\}", "\\d+"))
  .join("|");
const PARAM_PATTERNS: Record<string, string> = { count: "\\d[\\d,.]*", counts: `(?:${COUNTER_PART})(?:, (?:${COUNTER_PART}))*` };

function paramPattern(name: string): string {
  return PARAM_PATTERNS[name] ?? (SENTENCE_PARAMS.has(name) ? "[\\s\\S]+?" : "(?:(?!\\. |; )[\\s\\S])+?");
}

function compile(key: string, english: string): Template {
  const names: string[] = [];
  let source = "";
  let literalLength = 0;
  for (const [index, part] of english.split(/\{(\w+)\}/).entries()) {
    if (index % 2 === 1) {
      names.push(part);
      source += `(?<${part}>${paramPattern(part)})`;
    } else {
      source += escapeRegExp(part);
      literalLength += part.length;
    }
  }
  return { key: `engine.${key}` as ServerMessageKey, pattern: new RegExp(`^${source}$`), names, literalLength };
}

// Most specific wording first, so a short fragment never claims a whole sentence.
const TEMPLATES: Template[] = Object.entries(ENGINE_EN)
  .map(([key, english]) => compile(key, english))
  .sort((a, b) => b.literalLength - a.literalLength);

/** Parameters that hold several fragments, and what joins them. */
const LIST_PARAMS = new Map([
  ["reasons", "; "],
  ["counts", ", "],
  ["summary", ", "],
]);

// Parameters that name records: an ERP record ("customer C00010"), a Dataverse record ("Dataverse account 'Contoso'")
// or an ERP table ("customer", also `table2`…) or Dataverse table ("account", `dvNoun`, `dvNoun2`…). A `record` may be
// of either side (the synchronization engine names the source or target record of a pass). Their nouns are recognised
// against the catalog's English nouns and shown translated; anything else stays as stored.
const TABLE_NOUNS = new Map(Object.entries(CATALOGS.en.serverMessages.tableNouns).map(([table, noun]) => [noun as string, table]));
const DATAVERSE_NOUNS = new Map(Object.entries(CATALOGS.en.serverMessages.dataverseNouns).map(([entity, noun]) => [noun as string, entity]));

function tableNoun(value: string): MessageParam | null {
  const table = TABLE_NOUNS.get(value);
  return table ? { key: `tableNouns.${table}` as ServerMessageKey } : null;
}

function dataverseNoun(value: string): MessageParam | null {
  const entity = DATAVERSE_NOUNS.get(value);
  return entity ? { key: `dataverseNouns.${entity}` as ServerMessageKey } : null;
}

/** Parameters that list field labels ("Name, City and Phone No."): each label and the list shown in the language. */
const LABEL_LIST_PARAMS = new Set(["fields", "conflictFields"]);

function labelList(value: string): MessageParam {
  return listOf(value.split(/, | and /).map((label) => fieldLabel(label)));
}

/** "a, b and c" in the reader's language. */
function listOf(items: MessageParam[]): MessageParam {
  const last = items[items.length - 1];
  if (items.length === 1) return last;
  const first = items.slice(1, -1).reduce<MessageParam>((list, item) => ({ key: "names.list", params: { first: list, rest: item } }), items[0]);
  return { key: "names.listLast", params: { first, last } };
}

/**
 * The parents a record waits for ("its salesperson SP1 is not coupled and its currency EUR does not exist"), or the
 * ones to couple first ("the salesperson and the currency").
 */
function parentList(locale: Locale, value: string, depth: number): MessageParam {
  return listOf(
    value.split(/(?:, | and )(?=its |the )/).map((part) => {
      const noun = part.startsWith("the ") ? (tableNoun(part.slice(4)) ?? dataverseNoun(part.slice(4))) : null;
      return noun ? { key: "names.theRecord", params: { noun } } : localizeFragment(locale, part, depth + 1);
    }),
  );
}

function recordParam(name: string, value: string): MessageParam | null {
  if (/^table\d*$/.test(name)) return tableNoun(value);
  if (/^dvNoun\d*$/.test(name)) return dataverseNoun(value);
  if (name === "parentNoun" || /^noun\d*$/.test(name)) return tableNoun(value) ?? dataverseNoun(value);
  if (LABEL_LIST_PARAMS.has(name)) return labelList(value);
  if (name === "record" && value.startsWith("Dataverse ")) return recordParam("dataverse", value);
  if (name === "record" && !value.includes(" ")) return tableNoun(value);
  if (name === "record") {
    const space = value.indexOf(" ");
    const table = space > 0 ? TABLE_NOUNS.get(value.slice(0, space)) : undefined;
    if (!table) return null;
    return { key: "names.erpRecord", params: { noun: { key: `tableNouns.${table}` as ServerMessageKey }, no: value.slice(space + 1) } };
  }
  if (name === "dataverse") {
    const match = /^Dataverse (\S+) ([\s\S]+)$/.exec(value);
    const entity = match ? DATAVERSE_NOUNS.get(match[1]) : undefined;
    if (!match || !entity) return null;
    return { key: "names.dataverseRecord", params: { noun: { key: `dataverseNouns.${entity}` as ServerMessageKey }, name: match[2] } };
  }
  return null;
}

function localizeFragment(locale: Locale, english: string, depth: number): string {
  if (depth > MAX_DEPTH) return english;
  for (const template of TEMPLATES) {
    const match = template.pattern.exec(english);
    if (!match) continue;
    const params: Record<string, MessageParam> = {};
    for (const name of template.names) {
      const value = match.groups?.[name] ?? "";
      const separator = LIST_PARAMS.get(name);
      if (separator) params[name] = value.split(separator).map((part) => localizeFragment(locale, part, depth + 1)).join(separator);
      else if (name === "parents") params[name] = parentList(locale, value, depth);
      else params[name] = recordParam(name, value) ?? localizeFragment(locale, value, depth + 1);
    }
    // "Couple the {parentNoun} first" names one table; several ("the salesperson and the currency") are the list of
    // the wording with {parents}.
    if (template.names.includes("parentNoun") && typeof params.parentNoun === "string") continue;
    return renderText(locale, { key: template.key, params });
  }
  return english;
}

/** An engine message (stored in English) in the reader's language; unrecognised text is returned unchanged. */
export function localizeEngineMessage(locale: Locale, english: string): string;
export function localizeEngineMessage(locale: Locale, english: string | null): string | null;
export function localizeEngineMessage(locale: Locale, english: string | null): string | null {
  if (english === null || locale === "en") return english;
  return localizeFragment(locale, english, 0);
}
