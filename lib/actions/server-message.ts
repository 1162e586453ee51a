import { createTranslator } from "next-intl";
import type { z } from "zod";
import { en as zodEn, fr as zodFr, it as zodIt, sv as zodSv } from "zod/v4/locales";
import { CATALOGS } from "../../i18n/catalogs.ts";
import type { Locale } from "../../i18n/locales.ts";
import type serverEn from "../../messages/server/en.json";

// Messages the server shows to people (action errors, field messages, engine errors) are described by a key of the
// `serverMessages` catalog plus parameters, and rendered in English where they are raised. The server-action boundary
// renders them again in the reader's language; the API and the database keep the English text.

type Leaves<T, P extends string = ""> = {
  [K in keyof T & string]: T[K] extends string ? `${P}${K}` : Leaves<T[K], `${P}${K}.`>;
}[keyof T & string];

export type ServerMessageKey = Leaves<(typeof serverEn)["serverMessages"]>;

export type MessageParam = string | number | ServerMessage;

export type ServerMessage = {
  key: ServerMessageKey;
  params?: Record<string, MessageParam>;
  /** Rendered in lower case, e.g. a field label inside a sentence ("Enter name."). */
  lowerCase?: boolean;
};

/** A zod issue: translated from its code and parameters by zod's own locale when no catalog message describes it. */
export type ZodIssueText = { zodIssue: z.core.$ZodIssue };

/** What a message shown to a person can be: described by the catalog, a zod issue, or literal text (kept as is). */
export type LocalText = ServerMessage | ZodIssueText | string;

export function serverMessage(key: ServerMessageKey, params?: Record<string, MessageParam>): ServerMessage {
  return params ? { key, params } : { key };
}

type Translate = (key: string, values?: Record<string, string | number>) => string;

const translators = new Map<Locale, { translate: Translate; missing: Set<string> }>();

function translatorFor(locale: Locale) {
  const cached = translators.get(locale);
  if (cached) return cached;
  const missing = new Set<string>();
  const t = createTranslator({
    locale,
    messages: CATALOGS[locale],
    namespace: "serverMessages",
    onError: (error) => {
      missing.add(error.message);
    },
    getMessageFallback: ({ key }) => `\u0000${key}`,
  }) as unknown as Translate;
  const entry = { translate: t, missing };
  translators.set(locale, entry);
  return entry;
}

const ZOD_LOCALES: Record<Locale, () => { localeError: (issue: never) => unknown }> = { en: zodEn, it: zodIt, sv: zodSv, fr: zodFr };

// A finished zod issue no longer carries the input, whose type zod's wording names ("received string"): a value of
// that type, read back from the English message, stands in for it.
const SAMPLE_INPUTS: Record<string, unknown> = { string: "", number: 0, boolean: false, array: [], null: null, object: {}, NaN: Number.NaN };

function withSampleInput(issue: z.core.$ZodIssue): z.core.$ZodIssue {
  if (issue.code !== "invalid_type") return issue;
  const received = /received (\S+)$/.exec(issue.message)?.[1];
  return received && received in SAMPLE_INPUTS ? ({ ...issue, input: SAMPLE_INPUTS[received] } as z.core.$ZodIssue) : issue;
}

function zodIssueText(locale: Locale, issue: z.core.$ZodIssue, zodWording = false): string {
  if (locale === "en" && !zodWording) return issue.message;
  const localeError = ZOD_LOCALES[locale]().localeError;
  const out = localeError(withSampleInput(issue) as never);
  if (typeof out === "string") return out;
  if (out && typeof out === "object" && "message" in out && typeof out.message === "string") return out.message;
  return issue.message;
}

/** The text of a message in a language; a key missing from that language falls back to English. */
export function renderText(locale: Locale, text: LocalText): string {
  if (typeof text === "string") return text;
  if ("zodIssue" in text) return zodIssueText(locale, text.zodIssue);
  const values: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(text.params ?? {})) values[name] = typeof value === "object" ? renderText(locale, value) : value;
  const out = translatorFor(locale).translate(text.key, values);
  if (out.startsWith("\u0000")) return locale === "en" ? text.key : renderText("en", text);
  return text.lowerCase ? out.toLowerCase() : out;
}

// ───────────── field messages of zod schemas ─────────────

// Schemas are built once at start-up with English messages; each message a schema builder makes through fieldText is
// remembered with its description, so a zod issue's message can be rendered again in another language. Only builders
// with fixed labels and limits register, which keeps the map small; it is capped in case one ever does not.
const FIELD_MESSAGE_LIMIT = 5_000;
const fieldMessages = new Map<string, ServerMessage>();

/** The English text of a schema's field message, remembered so the message can be translated later. */
export function fieldText(key: ServerMessageKey, params?: Record<string, MessageParam>): string {
  const message = serverMessage(key, params);
  const english = renderText("en", message);
  if (fieldMessages.size < FIELD_MESSAGE_LIMIT) fieldMessages.set(english, message);
  return english;
}

// A field message that quotes what a person typed (a field name, a key) has no bound, so it is not remembered: its
// wording is recognised instead, the quoted part kept as typed.
type FieldPattern = { key: ServerMessageKey; pattern: RegExp; names: string[] };
const fieldPatterns = new Map<ServerMessageKey, FieldPattern>();

function compileFieldPattern(key: ServerMessageKey): FieldPattern {
  const english = key.split(".").reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], CATALOGS.en.serverMessages) as string;
  const names: string[] = [];
  let source = "";
  for (const [index, part] of english.split(/\{(\w+)\}/).entries()) {
    if (index % 2 === 1) names.push(part);
    source += index % 2 === 1 ? `(?<${part}>[\\s\\S]*?)` : part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }
  return { key, pattern: new RegExp(`^${source}$`), names };
}

/** The English text of a field message quoting typed text; recognised by its wording when shown in another language. */
export function quotingFieldText(key: ServerMessageKey, params: Record<string, string>): string {
  if (!fieldPatterns.has(key)) fieldPatterns.set(key, compileFieldPattern(key));
  return renderText("en", serverMessage(key, params));
}

function recognisedFieldText(english: string): ServerMessage | null {
  for (const { key, pattern, names } of fieldPatterns.values()) {
    const match = pattern.exec(english);
    if (match) return serverMessage(key, Object.fromEntries(names.map((name) => [name, match.groups?.[name] ?? ""])));
  }
  return null;
}

/** A field label as a translatable parameter; an unknown label stays as written. */
export function fieldLabel(english: string, lowerCase = false): MessageParam {
  const key = LABEL_KEYS.get(english);
  if (!key) return lowerCase ? english.toLowerCase() : english;
  return { key: `labels.${key}` as ServerMessageKey, lowerCase };
}

const LABEL_KEYS = new Map(Object.entries(CATALOGS.en.serverMessages.labels).map(([key, english]) => [english as string, key]));

/** How a zod issue is shown: the catalog message a schema builder gave it, else zod's own wording in the language. */
export function issueText(issue: z.core.$ZodIssue): LocalText {
  const described = fieldMessages.get(issue.message) ?? recognisedFieldText(issue.message);
  if (described) return described;
  if (issue.code === "unrecognized_keys") {
    const message = serverMessage("fields.unknownFields", { count: issue.keys.length, keys: issue.keys.join(", ") });
    if (renderText("en", message) === issue.message) return message;
  }
  // zod's own English wording can be had in the other languages too; a schema's custom wording without a catalog
  // message stays English rather than lose what it says.
  return zodIssueText("en", issue, true) === issue.message ? { zodIssue: issue } : issue.message;
}

/** A field message known only by its English text (e.g. built by a schema builder): its description, if any. */
export function describeFieldText(english: string): LocalText {
  return fieldMessages.get(english) ?? recognisedFieldText(english) ?? english;
}
