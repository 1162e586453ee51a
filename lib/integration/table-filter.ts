import { z } from "zod";
import { fieldLabel, fieldText, quotingFieldText, type MessageParam, type ServerMessage, type ServerMessageKey } from "../actions/server-message.ts";
import type { ErpTable } from "../db/generated/enums.ts";
import {
  and,
  contains,
  dateTime,
  endsWith,
  eq,
  ge,
  guid,
  gt,
  isGuid,
  le,
  lt,
  ne,
  normalizeGuid,
  startsWith,
  type Filter,
  type LiteralValue,
} from "../dataverse/odata-query.ts";
import {
  ERP_FIELDS,
  isLookupType,
  isNumericType,
  isOptionType,
  isTextType,
  type DataverseAttribute,
  type ErpFieldDef,
} from "./field-catalog.ts";

// The structured filter of a table mapping (BC's Table Filter / Integration Table Filter, §1.1): a list of
// conditions that must all hold. Stored as JSON on IntegrationTableMapping, validated against the fields of its side,
// and translated here — never by string concatenation — into a Prisma `where` (ERP) or an OData $filter built with
// lib/dataverse's escaping builder (Dataverse). The same model evaluates in memory for config templates and previews.

export const FILTER_OPERATORS = [
  "eq",
  "ne",
  "contains",
  "startswith",
  "endswith",
  "empty",
  "notEmpty",
  "gt",
  "ge",
  "lt",
  "le",
] as const;
export type FilterOperator = (typeof FILTER_OPERATORS)[number];

export type FilterValue = string | number | boolean | null;
export type FilterCondition = { field: string; operator: FilterOperator; value?: FilterValue };
export type TableFilter = FilterCondition[];

export type FilterFieldKind = "text" | "number" | "boolean" | "enum" | "option" | "guid" | "datetime";

/** A field a filter may name, whatever its side. `path` is what the query names (e.g. `_ownerid_value`). */
export type FilterField = {
  name: string;
  label: string;
  kind: FilterFieldKind;
  path: string;
  enumValues?: readonly string[];
};

const OPERATORS_BY_KIND: Record<FilterFieldKind, readonly FilterOperator[]> = {
  text: ["eq", "ne", "contains", "startswith", "endswith", "empty", "notEmpty"],
  number: ["eq", "ne", "gt", "ge", "lt", "le"],
  boolean: ["eq", "ne"],
  enum: ["eq", "ne"],
  option: ["eq", "ne"],
  guid: ["eq", "ne", "empty", "notEmpty"],
  datetime: ["gt", "ge", "lt", "le", "empty", "notEmpty"],
};

const OPERATOR_LABELS: Record<FilterOperator, string> = {
  eq: "is",
  ne: "is not",
  contains: "contains",
  startswith: "starts with",
  endswith: "ends with",
  empty: "is empty",
  notEmpty: "is not empty",
  gt: "is greater than",
  ge: "is at least",
  lt: "is less than",
  le: "is at most",
};

export function operatorsFor(kind: FilterFieldKind): readonly FilterOperator[] {
  return OPERATORS_BY_KIND[kind];
}

export function erpFilterFields(table: ErpTable, fields: readonly ErpFieldDef[] = ERP_FIELDS[table]): FilterField[] {
  return fields.map((f) => {
    const kind: FilterFieldKind =
      f.type === "text" || f.type === "code"
        ? "text"
        : f.type === "decimal" || f.type === "integer"
          ? "number"
          : f.type === "uuid"
            ? "guid"
            : f.type;
    return { name: f.name, label: f.label, kind, path: f.name, enumValues: f.enumValues };
  });
}

export function dataverseFilterFields(attributes: readonly DataverseAttribute[]): FilterField[] {
  return attributes.map((a) => {
    const label = a.label ?? a.logicalName;
    if (isLookupType(a.type)) return { name: a.logicalName, label, kind: "guid", path: `_${a.logicalName}_value` };
    if (a.type === "Uniqueidentifier") return { name: a.logicalName, label, kind: "guid", path: a.logicalName };
    if (isTextType(a.type)) return { name: a.logicalName, label, kind: "text", path: a.logicalName };
    if (isOptionType(a.type)) return { name: a.logicalName, label, kind: "option", path: a.logicalName };
    if (isNumericType(a.type)) return { name: a.logicalName, label, kind: "number", path: a.logicalName };
    if (a.type === "Boolean") return { name: a.logicalName, label, kind: "boolean", path: a.logicalName };
    return { name: a.logicalName, label, kind: "datetime", path: a.logicalName };
  });
}

// Field messages are made with fieldText (or quotingFieldText when they quote what was typed), so the mapping editor
// shows them in the reader's language while the API and stored validation results keep the English text.

const operatorText = (op: FilterOperator): ServerMessage => ({ key: `filterOperators.${op}` as ServerMessageKey });
const quoted = (text: MessageParam): ServerMessage => ({ key: "filters.quoted", params: { text } });

/** "\"is\", \"is not\"" as a message parameter: each operator quoted, in the reader's language. */
function operatorList(ops: readonly FilterOperator[]): MessageParam {
  const [first, ...rest] = ops;
  if (rest.length === 0) return quoted(operatorText(first));
  return { key: "names.list", params: { first: quoted(operatorText(first)), rest: operatorList(rest) } };
}

const conditionShape = z.strictObject(
  {
    field: z.string({ error: fieldText("filters.chooseField") }).trim().min(1, fieldText("filters.chooseField")),
    operator: z.enum(FILTER_OPERATORS, { error: fieldText("filters.chooseOperator", { operators: FILTER_OPERATORS.join(", ") }) }),
    value: z.union([z.string(), z.number(), z.boolean(), z.null()], { error: fieldText("filters.valueType") }).optional(),
  },
  { error: (issue) => (issue.code === "unrecognized_keys" ? quotingFieldText("filters.unknownKey", { keys: (issue.keys ?? []).join(", ") }) : undefined) },
);

type Checked = { ok: true; condition: FilterCondition } | { ok: false; path: "field" | "operator" | "value"; message: string };

/** Validates one condition against the side's fields and returns it with its value in canonical form. */
export function checkCondition(condition: FilterCondition, fields: readonly FilterField[]): Checked {
  const field = fields.find((f) => f.name === condition.field);
  if (!field) {
    return { ok: false, path: "field", message: quotingFieldText("filters.unknownField", { field: condition.field }) };
  }
  const allowed = OPERATORS_BY_KIND[field.kind];
  if (!allowed.includes(condition.operator)) {
    const operator = quoted(operatorText(condition.operator));
    return { ok: false, path: "operator", message: fieldText("filters.operatorNotAllowed", { label: fieldLabel(field.label), operator, operators: operatorList(allowed) }) };
  }
  if (condition.operator === "empty" || condition.operator === "notEmpty") {
    return { ok: true, condition: { field: field.name, operator: condition.operator } };
  }
  const value = coerceValue(field, condition.value);
  if (!value.ok) return { ok: false, path: "value", message: value.message };
  return { ok: true, condition: { field: field.name, operator: condition.operator, value: value.value } };
}

function coerceValue(field: FilterField, raw: FilterValue | undefined): { ok: true; value: FilterValue } | { ok: false; message: string } {
  const label = fieldLabel(field.label);
  const missing = { ok: false as const, message: fieldText("filters.enterValue", { label }) };
  if (raw === undefined || raw === null || (typeof raw === "string" && raw.trim() === "")) {
    return missing;
  }
  switch (field.kind) {
    case "text":
      return typeof raw === "string" ? { ok: true, value: raw.trim() } : { ok: true, value: String(raw) };
    case "number":
    case "option": {
      const n = typeof raw === "number" ? raw : typeof raw === "string" ? Number(raw.trim()) : Number.NaN;
      if (!Number.isFinite(n)) return { ok: false, message: fieldText("filters.needsNumber", { label }) };
      if (field.kind === "option" && !Number.isInteger(n)) return { ok: false, message: fieldText("filters.needsWholeNumber", { label }) };
      return { ok: true, value: n };
    }
    case "boolean": {
      if (typeof raw === "boolean") return { ok: true, value: raw };
      const s = String(raw).trim().toLowerCase();
      if (s === "true" || s === "yes") return { ok: true, value: true };
      if (s === "false" || s === "no") return { ok: true, value: false };
      return { ok: false, message: fieldText("filters.needsBoolean", { label }) };
    }
    case "enum": {
      const s = String(raw).trim().toUpperCase();
      if (field.enumValues && !field.enumValues.includes(s)) {
        return { ok: false, message: fieldText("filters.oneOf", { label, values: field.enumValues.join(", ") }) };
      }
      return { ok: true, value: s };
    }
    case "guid": {
      const s = String(raw);
      if (!isGuid(s)) return { ok: false, message: fieldText("filters.needsGuid", { label }) };
      return { ok: true, value: normalizeGuid(s) };
    }
    case "datetime": {
      const s = String(raw).trim();
      if (Number.isNaN(Date.parse(s))) return { ok: false, message: fieldText("filters.needsDate", { label }) };
      return { ok: true, value: new Date(s).toISOString() };
    }
  }
}

const MAX_CONDITIONS = 20;

/** zod schema of a filter on one side; the parsed result is canonical (trimmed, typed values). */
export function tableFilterSchema(fields: readonly FilterField[]) {
  return z
    .array(conditionShape, { error: fieldText("filters.notList") })
    .max(MAX_CONDITIONS, fieldText("filters.maxConditions", { max: MAX_CONDITIONS }))
    .superRefine((conditions, ctx) => {
      conditions.forEach((condition, index) => {
        const checked = checkCondition(condition, fields);
        if (!checked.ok) ctx.addIssue({ code: "custom", path: [index, checked.path], message: checked.message });
      });
    })
    .transform((conditions) =>
      conditions.map((condition) => {
        const checked = checkCondition(condition, fields);
        return checked.ok ? checked.condition : condition;
      }),
    );
}

/** Reads a stored filter; anything unreadable is reported, never guessed. */
export function parseTableFilter(json: unknown, fields: readonly FilterField[]) {
  return tableFilterSchema(fields).safeParse(json);
}

function fieldOf(fields: readonly FilterField[], name: string): FilterField {
  const field = fields.find((f) => f.name === name);
  if (!field) throw new Error(`Filter names unknown field "${name}"; validate the filter with tableFilterSchema first.`);
  return field;
}

export type PrismaWhere = Record<string, unknown>;

/** Prisma `where` for the ERP table. Text matching with contains/startswith/endswith is case-insensitive, like Dataverse's. */
export function toPrismaWhere(filter: TableFilter, fields: readonly FilterField[]): PrismaWhere {
  const parts = filter.map((condition) => prismaCondition(condition, fieldOf(fields, condition.field)));
  return parts.length === 0 ? {} : { AND: parts };
}

function prismaCondition(c: FilterCondition, field: FilterField): PrismaWhere {
  const name = field.name;
  // Text columns default to "" (never null) and nullable uuid columns use null for blank (prisma/schema.prisma).
  const blank = field.kind === "text" ? "" : null;
  switch (c.operator) {
    case "eq":
      return { [name]: c.value };
    case "ne":
      return field.kind === "guid" ? { OR: [{ [name]: { not: c.value } }, { [name]: null }] } : { NOT: { [name]: c.value } };
    case "contains":
      return { [name]: { contains: c.value, mode: "insensitive" } };
    case "startswith":
      return { [name]: { startsWith: c.value, mode: "insensitive" } };
    case "endswith":
      return { [name]: { endsWith: c.value, mode: "insensitive" } };
    case "empty":
      return { [name]: blank };
    case "notEmpty":
      return { NOT: { [name]: blank } };
    case "gt":
    case "ge":
    case "lt":
    case "le":
      return { [name]: { [{ gt: "gt", ge: "gte", lt: "lt", le: "lte" }[c.operator]]: c.value } };
  }
}

/** OData $filter for the Dataverse entity (undefined when the filter is empty), built with lib/dataverse's builder. */
export function toODataFilter(filter: TableFilter, fields: readonly FilterField[]): Filter | undefined {
  if (filter.length === 0) return undefined;
  return and(...filter.map((condition) => odataCondition(condition, fieldOf(fields, condition.field))));
}

function odataLiteral(field: FilterField, value: FilterValue | undefined): LiteralValue {
  if (value === undefined || value === null) return null;
  if (field.kind === "guid") return guid(String(value));
  if (field.kind === "datetime") return dateTime(String(value));
  return value;
}

function odataCondition(c: FilterCondition, field: FilterField): Filter {
  const path = field.path;
  const value = odataLiteral(field, c.value);
  switch (c.operator) {
    case "eq":
      return eq(path, value);
    case "ne":
      return ne(path, value);
    case "contains":
      return contains(path, String(c.value));
    case "startswith":
      return startsWith(path, String(c.value));
    case "endswith":
      return endsWith(path, String(c.value));
    // Dataverse stores blank text as null, so "empty" is a null test on every kind.
    case "empty":
      return eq(path, null);
    case "notEmpty":
      return ne(path, null);
    case "gt":
      return gt(path, value);
    case "ge":
      return ge(path, value);
    case "lt":
      return lt(path, value);
    case "le":
      return le(path, value);
  }
}

/** In-memory evaluation (config templates, previews, Find for Deleted on already-loaded rows). */
export function matchesFilter(filter: TableFilter, fields: readonly FilterField[], record: Record<string, unknown>): boolean {
  return filter.every((condition) => matchesCondition(condition, fieldOf(fields, condition.field), record[condition.field]));
}

function canonical(field: FilterField, raw: unknown): FilterValue {
  if (raw === undefined || raw === null) return null;
  switch (field.kind) {
    case "text": {
      const s = String(raw).trim();
      return s === "" ? null : s;
    }
    case "number":
    case "option": {
      const n = Number(typeof raw === "object" ? String(raw) : raw);
      return Number.isFinite(n) ? n : null;
    }
    case "boolean":
      return Boolean(raw);
    case "guid": {
      const s = String(raw);
      return isGuid(s) ? normalizeGuid(s) : null;
    }
    case "datetime": {
      const t = raw instanceof Date ? raw.getTime() : Date.parse(String(raw));
      return Number.isNaN(t) ? null : new Date(t).toISOString();
    }
    case "enum":
      return String(raw);
  }
}

function matchesCondition(c: FilterCondition, field: FilterField, raw: unknown): boolean {
  const actual = canonical(field, raw);
  const expected = c.value ?? null;
  const lower = (v: FilterValue) => String(v ?? "").toLowerCase();
  switch (c.operator) {
    case "empty":
      return actual === null;
    case "notEmpty":
      return actual !== null;
    case "eq":
      return actual === expected;
    case "ne":
      return actual !== expected;
    case "contains":
      return actual !== null && lower(actual).includes(lower(expected));
    case "startswith":
      return actual !== null && lower(actual).startsWith(lower(expected));
    case "endswith":
      return actual !== null && lower(actual).endsWith(lower(expected));
    case "gt":
    case "ge":
    case "lt":
    case "le": {
      if (actual === null || expected === null) return false;
      const a = field.kind === "datetime" ? Date.parse(String(actual)) : Number(actual);
      const b = field.kind === "datetime" ? Date.parse(String(expected)) : Number(expected);
      return c.operator === "gt" ? a > b : c.operator === "ge" ? a >= b : c.operator === "lt" ? a < b : a <= b;
    }
  }
}

/** "Blocked is NONE and City starts with 'Ber'" — for the mapping page and job messages. */
export function describeFilter(filter: TableFilter, fields: readonly FilterField[]): string {
  if (filter.length === 0) return "all records";
  return filter
    .map((c) => {
      const label = fields.find((f) => f.name === c.field)?.label ?? c.field;
      const op = OPERATOR_LABELS[c.operator];
      return c.operator === "empty" || c.operator === "notEmpty" ? `${label} ${op}` : `${label} ${op} ${JSON.stringify(c.value)}`;
    })
    .join(" and ");
}
