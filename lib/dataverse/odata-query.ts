// OData query building for the Dataverse Web API (reference §3). Every user value goes through `literal()`, which
// renders it as one OData literal token: a string can never close its quotes, a number can never carry an operator,
// and identifiers are checked against a strict pattern, so no value can change what a filter means.

const guidPattern = /^\{?([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\}?$/;
const identifierPattern = /^[A-Za-z_][A-Za-z0-9_]*$/;
const propertyPathPattern = /^[A-Za-z_][A-Za-z0-9_]*(\/[A-Za-z_][A-Za-z0-9_]*)*$/;
const dateOnlyPattern = /^\d{4}-\d{2}-\d{2}$/;

export class ODataQueryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ODataQueryError";
  }
}

// Values that need a typed literal because their JS type alone is ambiguous (a GUID or a date is also a string).
export type TypedLiteral =
  | { readonly kind: "guid"; readonly value: string }
  | { readonly kind: "dateOnly"; readonly value: string }
  | { readonly kind: "dateTime"; readonly value: string };

export type LiteralValue = string | number | bigint | boolean | null | Date | TypedLiteral;

export function guid(value: string): TypedLiteral {
  return { kind: "guid", value: normalizeGuid(value) };
}

export function dateOnly(value: string | Date): TypedLiteral {
  const text = value instanceof Date ? value.toISOString().slice(0, 10) : value;
  if (!dateOnlyPattern.test(text) || Number.isNaN(Date.parse(text))) throw new ODataQueryError(`Not a date (yyyy-MM-dd): ${JSON.stringify(text)}`);
  return { kind: "dateOnly", value: text };
}

export function dateTime(value: string | Date): TypedLiteral {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) throw new ODataQueryError(`Not a date-time: ${JSON.stringify(String(value))}`);
  return { kind: "dateTime", value: formatDateTime(date) };
}

export function isGuid(value: string): boolean {
  return guidPattern.test(value);
}

export function normalizeGuid(value: string): string {
  const match = guidPattern.exec(value.trim());
  if (!match) throw new ODataQueryError(`Not a GUID: ${JSON.stringify(value)}`);
  return match[1].toLowerCase();
}

// Whole seconds are written without fractions, like Dataverse's own timestamps.
function formatDateTime(date: Date): string {
  const iso = date.toISOString();
  return iso.endsWith(".000Z") ? `${iso.slice(0, -5)}Z` : iso;
}

export function escapeString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

export function literal(value: LiteralValue): string {
  if (value === null) return "null";
  if (typeof value === "string") return escapeString(value);
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new ODataQueryError(`Not a finite number: ${value}`);
    // String(1e21) is "1e+21"; OData wants the exponent without "+".
    return String(value).replace("e+", "e");
  }
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new ODataQueryError("Invalid Date");
    return formatDateTime(value);
  }
  switch (value.kind) {
    case "guid":
      return normalizeGuid(value.value);
    case "dateOnly":
      return dateOnly(value.value).value;
    case "dateTime":
      return dateTime(value.value).value;
  }
  throw new ODataQueryError(`Unsupported literal: ${JSON.stringify(value)}`);
}

export function identifier(name: string): string {
  if (!identifierPattern.test(name)) throw new ODataQueryError(`Not a valid property name: ${JSON.stringify(name)}`);
  return name;
}

export function propertyPath(path: string): string {
  if (!propertyPathPattern.test(path)) throw new ODataQueryError(`Not a valid property path: ${JSON.stringify(path)}`);
  return path;
}

// Filter expressions are an opaque type: the only ways to make one are the builders below (which escape) and
// `rawFilter`, which is for trusted, developer-written text only.
export type Filter = { readonly odata: string; readonly __filter: true };

function makeFilter(odata: string): Filter {
  return { odata, __filter: true };
}

export function rawFilter(text: string): Filter {
  return makeFilter(text);
}

type Comparison = "eq" | "ne" | "gt" | "ge" | "lt" | "le";

function compare(op: Comparison) {
  return (path: string, value: LiteralValue): Filter => makeFilter(`${propertyPath(path)} ${op} ${literal(value)}`);
}

export const eq = compare("eq");
export const ne = compare("ne");
export const gt = compare("gt");
export const ge = compare("ge");
export const lt = compare("lt");
export const le = compare("le");

export function and(...filters: Array<Filter | null | undefined | false>): Filter {
  return join("and", filters);
}

export function or(...filters: Array<Filter | null | undefined | false>): Filter {
  return join("or", filters);
}

function join(op: "and" | "or", filters: Array<Filter | null | undefined | false>): Filter {
  const parts = filters.filter((f): f is Filter => Boolean(f));
  if (parts.length === 0) throw new ODataQueryError(`${op}() needs at least one filter`);
  if (parts.length === 1) return parts[0];
  return makeFilter(parts.map((f) => `(${f.odata})`).join(` ${op} `));
}

export function not(filter: Filter): Filter {
  return makeFilter(`not (${filter.odata})`);
}

// Dataverse treats % _ [ ] as SQL LIKE wildcards inside contains/startswith/endswith (reference §3.2);
// bracketing them makes a user's text match literally.
export function escapeLikeWildcards(value: string): string {
  return value.replace(/[%_[\]]/g, (c) => `[${c}]`);
}

function textFunction(name: "contains" | "startswith" | "endswith") {
  return (path: string, value: string): Filter =>
    makeFilter(`${name}(${propertyPath(path)},${escapeString(escapeLikeWildcards(value))})`);
}

export const contains = textFunction("contains");
export const startsWith = textFunction("startswith");
export const endsWith = textFunction("endswith");

// Dataverse rejects the OData `in` operator; an `or` chain of `eq` works everywhere.
export function inList(path: string, values: LiteralValue[]): Filter {
  if (values.length === 0) throw new ODataQueryError("inList() needs at least one value");
  return or(...values.map((v) => eq(path, v)));
}

// Tagged template: `odataFilter\`name eq ${userValue} and revenue gt ${n}\`` — the template text is trusted code,
// every interpolation becomes a literal.
export function odataFilter(strings: TemplateStringsArray, ...values: LiteralValue[]): Filter {
  let text = strings[0];
  values.forEach((value, i) => {
    text += literal(value) + strings[i + 1];
  });
  return makeFilter(text);
}

export type OrderBy = { path: string; descending?: boolean };
export type Expand = { navigation: string; select?: string[]; filter?: Filter; orderBy?: OrderBy[]; top?: number };

export type QueryOptions = {
  select?: string[];
  filter?: Filter;
  orderBy?: OrderBy[];
  top?: number;
  expand?: Expand[];
  count?: boolean;
};

function orderByText(orderBy: OrderBy[]): string {
  return orderBy.map((o) => `${propertyPath(o.path)}${o.descending ? " desc" : ""}`).join(",");
}

function positiveInteger(value: number, what: string): number {
  if (!Number.isInteger(value) || value < 0) throw new ODataQueryError(`${what} must be a non-negative integer, got ${value}`);
  return value;
}

function expandText(expand: Expand): string {
  const nested: string[] = [];
  if (expand.select?.length) nested.push(`$select=${expand.select.map(identifier).join(",")}`);
  if (expand.filter) nested.push(`$filter=${expand.filter.odata}`);
  if (expand.orderBy?.length) nested.push(`$orderby=${orderByText(expand.orderBy)}`);
  if (expand.top !== undefined) nested.push(`$top=${positiveInteger(expand.top, "$top")}`);
  const name = identifier(expand.navigation);
  return nested.length ? `${name}(${nested.join(";")})` : name;
}

// Encodes a query option value for the URL. encodeURIComponent leaves ' ( ) * ! unescaped, which OData needs
// literally, and escapes & # + ? / : and spaces, which would otherwise break the URL or the literal (reference §3.2).
function encodeOptionValue(value: string): string {
  return encodeURIComponent(value);
}

// Returns the query string including the leading "?" (or "" when there are no options).
export function buildQueryString(options: QueryOptions = {}): string {
  const parts: string[] = [];
  if (options.select?.length) parts.push(`$select=${encodeOptionValue(options.select.map(identifier).join(","))}`);
  if (options.filter) parts.push(`$filter=${encodeOptionValue(options.filter.odata)}`);
  if (options.orderBy?.length) parts.push(`$orderby=${encodeOptionValue(orderByText(options.orderBy))}`);
  if (options.top !== undefined) parts.push(`$top=${positiveInteger(options.top, "$top")}`);
  if (options.expand?.length) parts.push(`$expand=${encodeOptionValue(options.expand.map(expandText).join(","))}`);
  if (options.count) parts.push("$count=true");
  return parts.length ? `?${parts.join("&")}` : "";
}

export type KeyValue = string | number | bigint | boolean | TypedLiteral;

// Entity key segment: a GUID gives `(guid)`; an object gives an alternate key `(accountnumber='A''1',...)`.
// Request URLs need the literal URL-encoded; @odata.bind values inside a JSON body are taken as written.
export function keySegment(key: string | Record<string, KeyValue>, options: { urlEncode?: boolean } = {}): string {
  if (typeof key === "string") return `(${normalizeGuid(key)})`;
  const entries = Object.entries(key);
  if (entries.length === 0) throw new ODataQueryError("An alternate key needs at least one property");
  const encode = options.urlEncode === false ? (text: string) => text : encodeURIComponent;
  return `(${entries.map(([name, value]) => `${identifier(name)}=${encode(literal(value))}`).join(",")})`;
}

export function entitySetName(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new ODataQueryError(`Not a valid entity set name: ${JSON.stringify(name)}`);
  return name;
}

export type EntityKey = string | Record<string, KeyValue>;

export function entityPath(entitySet: string, key: EntityKey, options: { urlEncode?: boolean } = {}): string {
  return `${entitySetName(entitySet)}${keySegment(key, options)}`;
}
