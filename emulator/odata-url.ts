import { DataverseFault, faults } from "./odata-errors.ts";

// Parsing of Web API resource paths ("accounts(accountnumber='A1')/name"), key predicates and query strings.

export type KeyPredicate = { kind: "id"; id: string } | { kind: "alternate"; values: Record<string, unknown>; text: string };

export type ResourcePath = {
  segment: string;
  keyText: string | null;
  rest: string[];
};

const guidOnly = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

export function isGuid(value: string): boolean {
  return guidOnly.test(value);
}

function safeDecode(text: string): string {
  if (!text.includes("%")) return text;
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

export function parseResourcePath(rawPath: string): ResourcePath {
  const path = safeDecode(rawPath);
  let index = 0;
  while (index < path.length && path[index] !== "(" && path[index] !== "/") index += 1;
  const segment = path.slice(0, index);
  let keyText: string | null = null;
  if (path[index] === "(") {
    let depth = 0;
    let inQuote = false;
    let end = -1;
    for (let cursor = index; cursor < path.length; cursor += 1) {
      const char = path[cursor];
      if (char === "'") inQuote = !inQuote;
      if (inQuote) continue;
      if (char === "(") depth += 1;
      if (char === ")") {
        depth -= 1;
        if (depth === 0) {
          end = cursor;
          break;
        }
      }
    }
    if (end === -1) throw faults.querySyntax(`Bad Request - Error in query syntax.`);
    keyText = path.slice(index + 1, end);
    index = end + 1;
  }
  const restText = path.slice(index);
  const rest = restText.split("/").filter((part) => part.length > 0);
  return { segment, keyText, rest };
}

function parseKeyValue(raw: string): unknown {
  const text = raw.trim();
  if (text.startsWith("'")) {
    if (!text.endsWith("'") || text.length < 2) throw faults.querySyntax(`There is an unterminated literal at position ${text.length} in '${text}'.`);
    return text.slice(1, -1).replace(/''/g, "'");
  }
  if (isGuid(text)) return text.toLowerCase();
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  if (text === "true" || text === "false") return text === "true";
  if (text === "null") return null;
  throw faults.querySyntax(`Bad Request - Error in query syntax.`);
}

function splitTopLevel(text: string, separator: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let inQuote = false;
  let start = 0;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index];
    if (char === "'") inQuote = !inQuote;
    if (inQuote) continue;
    if (char === "(") depth += 1;
    else if (char === ")") depth -= 1;
    else if (char === separator && depth === 0) {
      parts.push(text.slice(start, index));
      start = index + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

export function parseKeyPredicate(keyText: string, primaryIdAttribute: string, entity: string): KeyPredicate {
  const trimmed = keyText.trim().replace(/^\{(.*)\}$/, "$1");
  if (isGuid(trimmed)) return { kind: "id", id: trimmed.toLowerCase() };
  const values: Record<string, unknown> = {};
  for (const part of splitTopLevel(keyText, ",")) {
    const equals = part.indexOf("=");
    if (equals === -1) throw faults.invalidKey(entity);
    const name = part.slice(0, equals).trim();
    values[name] = parseKeyValue(part.slice(equals + 1));
  }
  const names = Object.keys(values);
  if (names.length === 1 && names[0] === primaryIdAttribute) {
    const id = values[primaryIdAttribute];
    if (typeof id !== "string" || !isGuid(id)) throw faults.invalidKey(entity);
    return { kind: "id", id };
  }
  return { kind: "alternate", values, text: keyText };
}

export type QueryOptions = {
  raw: string;
  options: Map<string, string>;
  aliases: Map<string, string>;
};

const supportedOptions = new Set(["$select", "$filter", "$orderby", "$top", "$expand", "$count", "$skiptoken", "$deltatoken", "$apply"]);
const unsupportedOptions = new Set(["$skip", "$search", "$format"]);

export function parseQuery(raw: string): QueryOptions {
  const options = new Map<string, string>();
  const aliases = new Map<string, string>();
  if (raw.length === 0) return { raw, options, aliases };
  for (const pair of raw.split("&")) {
    if (pair.length === 0) continue;
    const equals = pair.indexOf("=");
    const rawName = equals === -1 ? pair : pair.slice(0, equals);
    const rawValue = equals === -1 ? "" : pair.slice(equals + 1);
    const name = safeDecode(rawName.includes("+") ? rawName.replace(/\+/g, " ") : rawName);
    const value = safeDecode(rawValue.includes("+") ? rawValue.replace(/\+/g, " ") : rawValue);
    if (name.startsWith("@")) {
      aliases.set(name, value);
      continue;
    }
    if (!name.startsWith("$")) continue;
    if (unsupportedOptions.has(name)) throw new DataverseFault(400, "0x80060888", `The query parameter ${name} is not supported`);
    // Query option names are case-sensitive in Dataverse; a wrongly cased one is not recognised.
    if (!supportedOptions.has(name)) throw new DataverseFault(400, "0x80060888", `The query parameter ${name} is not supported`);
    if (options.has(name)) throw new DataverseFault(400, "0x80060888", `Query option '${name}' was specified more than once, but it must be specified at most once.`);
    options.set(name, value);
  }
  return { raw, options, aliases };
}

export function withoutOption(raw: string, names: string[]): string {
  return raw
    .split("&")
    .filter((pair) => pair.length > 0 && !names.includes(safeDecode(pair.split("=")[0])))
    .join("&");
}

export { splitTopLevel };

// Prefer: several values, comma separated, possibly across repeated headers; include-annotations values are quoted lists.
export type Preferences = {
  returnRepresentation: boolean;
  maxPageSize: number | null;
  includeAnnotations: string | null;
  trackChanges: boolean;
  continueOnError: boolean;
};

export function parsePrefer(header: string | undefined): Preferences {
  const prefs: Preferences = { returnRepresentation: false, maxPageSize: null, includeAnnotations: null, trackChanges: false, continueOnError: false };
  if (!header) return prefs;
  const parts: string[] = [];
  let inQuote = false;
  let start = 0;
  for (let index = 0; index < header.length; index += 1) {
    const char = header[index];
    if (char === '"') inQuote = !inQuote;
    if (char === "," && !inQuote) {
      parts.push(header.slice(start, index));
      start = index + 1;
    }
  }
  parts.push(header.slice(start));
  for (const part of parts) {
    const trimmed = part.trim();
    const equals = trimmed.indexOf("=");
    const name = (equals === -1 ? trimmed : trimmed.slice(0, equals)).trim().toLowerCase();
    const value = equals === -1 ? "" : trimmed.slice(equals + 1).trim();
    if (name === "return" && value === "representation") prefs.returnRepresentation = true;
    else if (name === "odata.maxpagesize") {
      const size = Number.parseInt(value, 10);
      if (Number.isFinite(size) && size > 0) prefs.maxPageSize = size;
    } else if (name === "odata.include-annotations") prefs.includeAnnotations = value.replace(/^"|"$/g, "");
    else if (name === "odata.track-changes") prefs.trackChanges = true;
    else if (name === "odata.continue-on-error") prefs.continueOnError = true;
  }
  return prefs;
}

export function annotationMatcher(list: string | null): (name: string) => boolean {
  if (!list) return () => false;
  const patterns = list.split(",").map((item) => item.trim()).filter((item) => item.length > 0);
  return (name) =>
    patterns.some((pattern) => {
      if (pattern === "*") return true;
      if (pattern.startsWith("-")) return false;
      if (pattern.endsWith(".*")) return name.startsWith(pattern.slice(0, -1));
      return pattern === name;
    });
}
