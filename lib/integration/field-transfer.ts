import { z } from "zod";
import type { ErpTable } from "../db/generated/enums.ts";
import { bindLookup, clearLookup } from "../dataverse/odata-bind.ts";
import {
  DATAVERSE_ENTITIES,
  dataverseAttributesOf,
  ERP_FIELDS,
  findDataverseAttribute,
  isGuidType,
  isLookupType,
  isNumericType,
  isOptionType,
  isTextType,
  type DataverseAttribute,
  type ErpFieldDef,
} from "./field-catalog.ts";
import type { FieldMappingDef, LookupErpKey, TextStep } from "./mapping-schema.ts";

// Field transfer (BC §2b.4) as pure functions: for each field mapping of a pair, the value of E in ERP form, the value
// of D in Dataverse form, and each one translated into the other side's form (text steps, value maps, lookups through
// couplings, max-length checks). Values are "comparable": trimmed text with "" ≡ null, numbers as numbers, GUIDs
// lower-case. The coupling's snapshot keeps, per field, the agreed value in BOTH forms ({e, d}); comparing each side
// against its own form makes change detection exact even when transformations are not inverses of each other
// (e.g. "de" in Dataverse is "DE" in an ERP code field) and when a lookup could not be translated.

export type Comparable = string | number | boolean | null;
export type ErpRecord = Record<string, unknown>;
export type DataverseRecord = Record<string, unknown>;
export type PassDirection = "TO_INTEGRATION_TABLE" | "FROM_INTEGRATION_TABLE";

export type SnapshotEntry = { e: Comparable; d: Comparable };
/** Coupling.snapshot: field key → the value both sides agreed on at the last successful sync, in both forms. */
export type Snapshot = Record<string, SnapshotEntry>;

const comparableSchema = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const snapshotEntrySchema = z.object({ e: comparableSchema, d: comparableSchema });

/** Reads Coupling.snapshot; entries that do not parse are dropped (the field then has no base, see sync-decision). */
export function parseSnapshot(json: unknown): Snapshot {
  if (typeof json !== "object" || json === null || Array.isArray(json)) return {};
  const out: Snapshot = {};
  for (const [key, value] of Object.entries(json)) {
    const entry = snapshotEntrySchema.safeParse(value);
    if (entry.success) out[key] = entry.data;
  }
  return out;
}

// A reserved key of Coupling.snapshot (field keys always contain ":"): the lookups a pass wrote empty under Clear Value
// on Failed Sync, each with that pass. Their entries stay {e: null, d: null} — the source's value counts as a change,
// the cleared side's blank does not — and the mark lets the run find the pair again once a parent couples
// (cleared-lookups.ts), since nothing else about the pair changes then. The generated column
// Coupling."hasClearedLookups" (migration coupling_cleared_lookups) names the key too.
export const CLEARED_LOOKUPS_KEY = "~cleared";

export type ClearedMarks = Record<string, PassDirection>;

/** The cleared-lookup marks of a stored Coupling.snapshot. */
export function clearedMarks(json: unknown): ClearedMarks {
  if (typeof json !== "object" || json === null || Array.isArray(json)) return {};
  const marks = (json as Record<string, unknown>)[CLEARED_LOOKUPS_KEY];
  if (typeof marks !== "object" || marks === null || Array.isArray(marks)) return {};
  const out: ClearedMarks = {};
  for (const [key, pass] of Object.entries(marks)) if (pass === "TO_INTEGRATION_TABLE" || pass === "FROM_INTEGRATION_TABLE") out[key] = pass;
  return out;
}

/**
 * The snapshot to store with its marks: the lookups `cleared` now by `pass`, plus earlier marks whose field is still
 * blank on both sides in the new snapshot (not sent yet) and whose source still holds a value (`isHeld`, when known).
 * A mark whose field got a value, or whose source was emptied meanwhile, is dropped.
 */
export function withClearedMarks(
  snapshot: Snapshot,
  previous: ClearedMarks,
  cleared: readonly string[],
  pass: PassDirection,
  isHeld: (key: string, pass: PassDirection) => boolean = () => true,
): Record<string, unknown> {
  const marks: ClearedMarks = {};
  const blank = (key: string) => snapshot[key] !== undefined && snapshot[key].e === null && snapshot[key].d === null;
  for (const [key, markPass] of Object.entries(previous)) if (blank(key) && isHeld(key, markPass)) marks[key] = markPass;
  for (const key of cleared) if (blank(key)) marks[key] = pass;
  return Object.keys(marks).length > 0 ? { ...snapshot, [CLEARED_LOOKUPS_KEY]: marks } : snapshot;
}

// ───────────── lookups ─────────────

export type LookupQuery = {
  /** The mapping whose couplings translate the value. */
  mapping: string;
  erpKey: LookupErpKey;
  /** "erp": value is the ERP key (code / no / id) → answer the coupled Dataverse id; "dataverse": the reverse. */
  from: "erp" | "dataverse";
  value: string;
};

/** The parent named by its human key (ERP No./Code, Dataverse primary name or natural key); `advice`: what to do, when more than "couple it". */
export type LookupParent = { noun: string; ref: string; advice?: string };

export type LookupAnswer =
  | { status: "coupled"; value: string }
  /** notCoupled: the related record exists but has no coupling; notFound: no such related record at all. */
  | { status: "notCoupled" | "notFound"; parent: LookupParent };

export type ResolveLookup = (query: LookupQuery) => LookupAnswer;

// Fallback names of the default mappings' records, for answers nobody gave (the I/O layer normally names the parent).
const MAPPING_NOUNS: Record<string, { erp: string; dataverse: string }> = {
  CUSTOMER: { erp: "customer", dataverse: "account" },
  CONTACT: { erp: "contact", dataverse: "contact" },
  SALESPEOPLE: { erp: "salesperson", dataverse: "user" },
  CURRENCY: { erp: "currency", dataverse: "currency" },
};

export function lookupKey(query: LookupQuery): string {
  return `${query.mapping}|${query.from}|${query.from === "dataverse" ? query.value.toLowerCase() : query.value}`;
}

/**
 * A resolver over answers the I/O layer fetched in bulk (see lookupQueries). A query nobody answered counts as
 * not coupled — the safe reading: the record waits instead of pointing at the wrong parent.
 */
export function lookupResolver(answers: Iterable<readonly [LookupQuery, LookupAnswer]>): ResolveLookup {
  const map = new Map<string, LookupAnswer>();
  for (const [query, answer] of answers) map.set(lookupKey(query), answer);
  return (query) =>
    map.get(lookupKey(query)) ?? {
      status: "notCoupled",
      parent: { noun: MAPPING_NOUNS[query.mapping]?.[query.from] ?? query.mapping.toLowerCase(), ref: query.value },
    };
}

// ───────────── context ─────────────

export type TransferContext = {
  erpTable: ErpTable;
  dataverseEntity: string;
  /** Defaults to field-catalog.ts. */
  erpFields?: readonly ErpFieldDef[];
  /** Defaults to field-catalog.ts; pass metadata read from the org to check its real lengths. */
  dataverseAttributes?: readonly DataverseAttribute[];
};

type ResolvedContext = { erpTable: ErpTable; dataverseEntity: string; erpFields: readonly ErpFieldDef[]; attributes: readonly DataverseAttribute[] };

function resolveContext(context: TransferContext): ResolvedContext {
  return {
    erpTable: context.erpTable,
    dataverseEntity: context.dataverseEntity,
    erpFields: context.erpFields ?? ERP_FIELDS[context.erpTable],
    attributes: context.dataverseAttributes ?? dataverseAttributesOf(context.dataverseEntity),
  };
}

/** Stable key of a field mapping in snapshots and conflict details: "<erpField>:<dataverseAttribute>" (either may be empty). */
export function fieldKey(fm: Pick<FieldMappingDef, "erpField" | "dataverseAttribute">): string {
  return `${fm.erpField ?? ""}:${fm.dataverseAttribute ?? ""}`;
}

export function allowsPass(direction: FieldMappingDef["direction"], pass: PassDirection): boolean {
  return direction === "BIDIRECTIONAL" || direction === pass;
}

/** The field mappings a pass writes (BC ITS `BuildTempIntegrationFieldMapping`): enabled, direction = pass or Bi. */
export function passFieldMappings<T extends FieldMappingDef>(fieldMappings: readonly T[], pass: PassDirection): T[] {
  return fieldMappings.filter((fm) => fm.isEnabled && allowsPass(fm.direction, pass));
}

// ───────────── normalisation ─────────────

function normalizeText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const s = (typeof value === "string" ? value : String(value)).trim();
  return s === "" ? null : s;
}

function toNumber(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "string" && value.trim() === "") return null;
  // Prisma Decimal, bigint and numeric strings all format to a parseable decimal.
  const n = typeof value === "number" ? value : Number(String(value).trim());
  return Number.isFinite(n) ? n : Number.NaN;
}

const GUID = /^\{?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\}?$/i;

function normalizeGuidValue(value: unknown): string | null {
  const s = normalizeText(value);
  if (s === null) return null;
  const match = GUID.exec(s);
  return match ? match[1].toLowerCase() : s.toLowerCase();
}

function normalizeBoolean(value: unknown): boolean | null {
  if (value === null || value === undefined || value === "") return null;
  if (typeof value === "boolean") return value;
  const s = String(value).trim().toLowerCase();
  if (s === "true" || s === "1" || s === "yes") return true;
  if (s === "false" || s === "0" || s === "no") return false;
  return null;
}

function inferComparable(value: unknown): Comparable {
  if (value === null || value === undefined) return null;
  if (typeof value === "number" || typeof value === "boolean") return value;
  if (typeof value === "bigint") return Number(value);
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "object") {
    const n = toNumber(value);
    return n !== null && !Number.isNaN(n) ? n : normalizeText(value);
  }
  return normalizeText(value);
}

/** E's value of one field in comparable ERP form. Non-nullable decimals read blank as 0, as the database stores them. */
export function normalizeErpValue(field: ErpFieldDef | undefined, value: unknown): Comparable {
  if (!field) return inferComparable(value);
  switch (field.type) {
    case "text":
      return normalizeText(value);
    case "code": {
      const s = normalizeText(value);
      return s === null ? null : s.toUpperCase();
    }
    case "decimal":
    case "integer": {
      const n = toNumber(value);
      if (n === null) return field.isNullable ? null : 0;
      return Number.isNaN(n) ? null : n;
    }
    case "boolean":
      return normalizeBoolean(value);
    case "enum": {
      const s = normalizeText(value);
      return s === null ? null : s.toUpperCase();
    }
    case "uuid":
      return normalizeGuidValue(value);
  }
}

/** D's value of one column in comparable Dataverse form. */
export function normalizeDataverseValue(attribute: DataverseAttribute | undefined, value: unknown): Comparable {
  if (!attribute) return inferComparable(value);
  if (isTextType(attribute.type)) return normalizeText(value);
  if (isGuidType(attribute.type)) return normalizeGuidValue(value);
  if (isNumericType(attribute.type) || isOptionType(attribute.type)) {
    const n = toNumber(value);
    return n === null || Number.isNaN(n) ? null : n;
  }
  if (attribute.type === "Boolean") return normalizeBoolean(value);
  if (attribute.type === "DateTime") {
    if (value === null || value === undefined || value === "") return null;
    const t = value instanceof Date ? value.getTime() : Date.parse(String(value));
    return Number.isNaN(t) ? normalizeText(value) : new Date(t).toISOString();
  }
  return inferComparable(value);
}

/** Equality of comparable values: decimals numerically (2500.5 ≡ 2500.50), everything else exactly. */
export function sameValue(a: Comparable | undefined, b: Comparable | undefined): boolean {
  const x = a ?? null;
  const y = b ?? null;
  if (typeof x === "number" && typeof y === "number") return Math.abs(x - y) <= 1e-9 * Math.max(1, Math.abs(x), Math.abs(y));
  return x === y;
}

function applySteps(value: string, steps: readonly TextStep[] | undefined): string {
  let out = value;
  for (const step of steps ?? []) {
    if (step === "trim") out = out.trim();
    if (step === "uppercase") out = out.toUpperCase();
    if (step === "lowercase") out = out.toLowerCase();
  }
  return out;
}

// ───────────── translation ─────────────

export type TransferErrorKind = "overLength" | "unmappedValue" | "invalidValue" | "lookup";

export type TransferError = {
  fieldKey: string;
  kind: TransferErrorKind;
  errorClass: "PERMANENT" | "WAITING_FOR_PARENT";
  /** One sentence about this field; sync-decision wraps it into the record's message. */
  message: string;
  /** A lookup that may be written empty instead (Clear Value on Failed Sync). */
  isClearable: boolean;
  parent?: LookupParent & { mapping: string };
};

export type Translation = { ok: true; value: Comparable } | { ok: false; error: TransferError };

export type FieldState = {
  key: string;
  mapping: FieldMappingDef;
  erpLabel: string;
  dataverseLabel: string;
  /** E's value (ERP form). For a constant written to Dataverse, the constant. */
  erp: Comparable;
  /** D's value (Dataverse form). For a constant written to the ERP, the constant. */
  dataverse: Comparable;
  /** E's value as it would be written to Dataverse. */
  erpAsDataverse: Translation;
  /** D's value as it would be written to the ERP. */
  dataverseAsErp: Translation;
};

export type CompareInput = {
  context: TransferContext;
  fieldMappings: readonly FieldMappingDef[];
  /** Null when there is no ERP record (not created yet, or deleted). */
  erp: ErpRecord | null;
  /** Null when there is no Dataverse record. Lookups by logical name (use fromWebApiRow for `_x_value`). */
  dataverse: DataverseRecord | null;
  resolveLookup: ResolveLookup;
};

/** Every enabled field mapping of the pair, with both values and both translations. */
export function compareFields(input: CompareInput): FieldState[] {
  const ctx = resolveContext(input.context);
  const out: FieldState[] = [];
  for (const fm of input.fieldMappings) if (fm.isEnabled) out.push(fieldState(preparedField(fm, ctx), input, ctx));
  return out;
}

/** What a field mapping's comparison needs that does not depend on the record: its key, definitions and labels. */
type PreparedField = Labels & {
  fm: FieldMappingDef;
  erpFieldName: string | null;
  attributeName: string | null;
  erpField: ErpFieldDef | undefined;
  attribute: DataverseAttribute | undefined;
  erpFields: readonly ErpFieldDef[];
  attributes: readonly DataverseAttribute[];
  dataverseEntity: string;
};

// A run compares the same field mappings for thousands of records: the lookups of their definitions (linear scans of
// the catalog) and labels are done once per field mapping and context, not once per record.
const preparedFields = new WeakMap<FieldMappingDef, PreparedField>();

function preparedField(fm: FieldMappingDef, ctx: ResolvedContext): PreparedField {
  const hit = preparedFields.get(fm);
  if (
    hit &&
    hit.erpFields === ctx.erpFields &&
    hit.attributes === ctx.attributes &&
    hit.dataverseEntity === ctx.dataverseEntity &&
    hit.erpFieldName === fm.erpField &&
    hit.attributeName === fm.dataverseAttribute
  ) {
    return hit;
  }
  const erpField = fm.erpField ? ctx.erpFields.find((f) => f.name === fm.erpField) : undefined;
  const prepared: PreparedField = {
    key: fieldKey(fm),
    erpLabel: erpField?.label ?? fm.erpField ?? "(constant)",
    dataverseLabel: fm.dataverseAttribute ? `${ctx.dataverseEntity}.${fm.dataverseAttribute}` : "(constant)",
    fm,
    erpFieldName: fm.erpField,
    attributeName: fm.dataverseAttribute,
    erpField,
    attribute: fm.dataverseAttribute ? findDataverseAttribute(ctx.attributes, fm.dataverseAttribute) : undefined,
    erpFields: ctx.erpFields,
    attributes: ctx.attributes,
    dataverseEntity: ctx.dataverseEntity,
  };
  preparedFields.set(fm, prepared);
  return prepared;
}

function fieldState(p: PreparedField, input: CompareInput, ctx: ResolvedContext): FieldState {
  const { fm, erpField, attribute, key, erpLabel, dataverseLabel } = p;

  if (!fm.erpField) {
    // Constant written to Dataverse: E "holds" the constant, so a changed constant shows up as an ERP-side change.
    const erp = normalizeText(fm.constantValue);
    const dataverse = normalizeDataverseValue(attribute, input.dataverse?.[fm.dataverseAttribute!]);
    const erpAsDataverse = toDataverseForm(fm, attribute, erp, ctx, p, input.resolveLookup);
    return { key, mapping: fm, erpLabel, dataverseLabel, erp, dataverse, erpAsDataverse, dataverseAsErp: { ok: true, value: erp } };
  }
  if (!fm.dataverseAttribute) {
    const dataverse = normalizeText(fm.constantValue);
    const erp = normalizeErpValue(erpField, input.erp?.[fm.erpField]);
    const dataverseAsErp = toErpForm(fm, erpField, dataverse, p, input.resolveLookup);
    return { key, mapping: fm, erpLabel, dataverseLabel, erp, dataverse, erpAsDataverse: { ok: true, value: dataverse }, dataverseAsErp };
  }
  const erp = normalizeErpValue(erpField, input.erp?.[fm.erpField]);
  const dataverse = normalizeDataverseValue(attribute, input.dataverse?.[fm.dataverseAttribute]);
  return {
    key,
    mapping: fm,
    erpLabel,
    dataverseLabel,
    erp,
    dataverse,
    erpAsDataverse: toDataverseForm(fm, attribute, erp, ctx, p, input.resolveLookup),
    dataverseAsErp: toErpForm(fm, erpField, dataverse, p, input.resolveLookup),
  };
}

/**
 * D's value of every enabled field mapping with a Dataverse column, in comparable form (what compareFields reports
 * as `dataverse`), without translating anything: for callers that only need Dataverse's side of a row.
 */
export function dataverseValues(context: TransferContext, fieldMappings: readonly FieldMappingDef[], dataverse: DataverseRecord): { key: string; mapping: FieldMappingDef; dataverse: Comparable }[] {
  const ctx = resolveContext(context);
  const out: { key: string; mapping: FieldMappingDef; dataverse: Comparable }[] = [];
  for (const fm of fieldMappings) {
    if (!fm.isEnabled || !fm.dataverseAttribute) continue;
    const p = preparedField(fm, ctx);
    out.push({ key: p.key, mapping: fm, dataverse: normalizeDataverseValue(p.attribute, dataverse[fm.dataverseAttribute]) });
  }
  return out;
}

type Labels = { key: string; erpLabel: string; dataverseLabel: string };

function failure(labels: Labels, kind: TransferErrorKind, message: string, extra: Partial<TransferError> = {}): Translation {
  return {
    ok: false,
    error: { fieldKey: labels.key, kind, errorClass: "PERMANENT", message, isClearable: false, ...extra },
  };
}

function lookupFailure(fm: FieldMappingDef, labels: Labels, answer: Exclude<LookupAnswer, { status: "coupled" }>): Translation {
  const { noun, ref } = answer.parent;
  const message =
    answer.status === "notFound" ? `its ${noun} ${ref} does not exist` : `its ${noun} ${ref} is not coupled`;
  return failure(labels, "lookup", message, {
    errorClass: "WAITING_FOR_PARENT",
    isClearable: fm.clearValueOnFailedSync,
    parent: { ...answer.parent, mapping: fm.transformation!.lookup!.mapping },
  });
}

function toDataverseForm(
  fm: FieldMappingDef,
  attribute: DataverseAttribute | undefined,
  erp: Comparable,
  ctx: ResolvedContext,
  labels: Labels,
  resolveLookup: ResolveLookup,
): Translation {
  const t = fm.transformation;
  if (erp === null) return { ok: true, value: null };
  if (t?.lookup) {
    const answer = resolveLookup({ mapping: t.lookup.mapping, erpKey: t.lookup.erpKey, from: "erp", value: String(erp) });
    if (answer.status !== "coupled") return lookupFailure(fm, labels, answer);
    return { ok: true, value: normalizeGuidValue(answer.value) };
  }
  if (t?.valueMap) {
    const entry = t.valueMap.find((e) => e.erp.toUpperCase() === String(erp).toUpperCase());
    if (!entry) {
      return failure(labels, "unmappedValue", `the value "${erp}" of ${labels.erpLabel} has no counterpart for ${labels.dataverseLabel} — add it to the field mapping's value map`);
    }
    return { ok: true, value: normalizeDataverseValue(attribute, entry.dataverse) };
  }
  const stepped = typeof erp === "string" ? applySteps(erp, t?.toDataverse) : erp;
  if (!attribute) return { ok: true, value: inferComparable(stepped) };
  const value = normalizeDataverseValue(attribute, stepped);
  if (value === null && stepped !== null && normalizeText(stepped) !== null) {
    return failure(labels, "invalidValue", `the value "${erp}" of ${labels.erpLabel} is not valid for ${labels.dataverseLabel} (${attribute.type})`);
  }
  if (typeof value === "string" && attribute.maxLength !== undefined && value.length > attribute.maxLength) {
    return failure(
      labels,
      "overLength",
      `${labels.erpLabel} is ${value.length} characters long, but the Dataverse column ${ctx.dataverseEntity}.${attribute.logicalName} allows at most ${attribute.maxLength}`,
    );
  }
  return { ok: true, value };
}

function toErpForm(
  fm: FieldMappingDef,
  field: ErpFieldDef | undefined,
  dataverse: Comparable,
  labels: Labels,
  resolveLookup: ResolveLookup,
): Translation {
  const t = fm.transformation;
  if (dataverse === null) return { ok: true, value: normalizeErpValue(field, null) };
  if (t?.lookup) {
    const answer = resolveLookup({ mapping: t.lookup.mapping, erpKey: t.lookup.erpKey, from: "dataverse", value: String(dataverse) });
    if (answer.status !== "coupled") return lookupFailure(fm, labels, answer);
    return { ok: true, value: normalizeErpValue(field, answer.value) };
  }
  if (t?.valueMap) {
    const entry = t.valueMap.find((e) =>
      typeof dataverse === "string" && typeof e.dataverse === "string" ? e.dataverse.toLowerCase() === dataverse.toLowerCase() : sameValue(inferComparable(e.dataverse), dataverse),
    );
    if (!entry) {
      return failure(labels, "unmappedValue", `the value ${JSON.stringify(dataverse)} of ${labels.dataverseLabel} has no counterpart for ${labels.erpLabel} — add it to the field mapping's value map`);
    }
    return { ok: true, value: normalizeErpValue(field, entry.erp) };
  }
  const stepped = typeof dataverse === "string" ? applySteps(dataverse, t?.toErp) : dataverse;
  if (!field) return { ok: true, value: inferComparable(stepped) };
  const value = normalizeErpValue(field, stepped);
  if (field.type === "enum" && typeof value === "string" && field.enumValues && !field.enumValues.includes(value)) {
    return failure(labels, "invalidValue", `the value ${JSON.stringify(dataverse)} of ${labels.dataverseLabel} is not one of ${field.enumValues.join(", ")} (${labels.erpLabel}) — add a value map`);
  }
  if (value === null && normalizeText(stepped) !== null) {
    return failure(labels, "invalidValue", `the value ${JSON.stringify(dataverse)} of ${labels.dataverseLabel} is not valid for ${labels.erpLabel}`);
  }
  if (typeof value === "string" && field.maxLength !== undefined && [...value].length > field.maxLength) {
    return failure(
      labels,
      "overLength",
      `${labels.dataverseLabel} is ${[...value].length} characters long, but the ERP field ${labels.erpLabel} allows at most ${field.maxLength}`,
    );
  }
  return { ok: true, value };
}

/**
 * The snapshot to store when a pair is coupled without synchronizing ("sync after coupling: none"): only the fields
 * on which both records already agree get a base; the others are sent by the next pass of their source side.
 */
export function agreedSnapshot(states: readonly FieldState[]): Snapshot {
  const out: Snapshot = {};
  for (const s of states) {
    const agrees =
      s.mapping.direction === "FROM_INTEGRATION_TABLE"
        ? s.dataverseAsErp.ok && sameValue(s.dataverseAsErp.value, s.erp)
        : s.erpAsDataverse.ok && sameValue(s.erpAsDataverse.value, s.dataverse);
    if (agrees) out[s.key] = { e: s.erp, d: s.dataverse };
  }
  return out;
}

/** Which mapped fields moved on each side since the snapshot (fields without a base are listed apart). */
export function changesSince(states: readonly FieldState[], snapshot: Snapshot): { erp: string[]; dataverse: string[]; withoutBase: string[] } {
  const out = { erp: [] as string[], dataverse: [] as string[], withoutBase: [] as string[] };
  for (const s of states) {
    const b = snapshot[s.key];
    if (!b) {
      out.withoutBase.push(s.key);
      continue;
    }
    if (!sameValue(s.erp, b.e)) out.erp.push(s.key);
    if (!sameValue(s.dataverse, b.d)) out.dataverse.push(s.key);
  }
  return out;
}

/** The lookups a pair needs answered, so the I/O layer can fetch them with one query per mapping. */
export function lookupQueries(fieldMappings: readonly FieldMappingDef[], context: TransferContext, erp: ErpRecord | null, dataverse: DataverseRecord | null): LookupQuery[] {
  const ctx = resolveContext(context);
  const out: LookupQuery[] = [];
  for (const fm of fieldMappings) {
    const lookup = fm.transformation?.lookup;
    if (!fm.isEnabled || !lookup) continue;
    if (erp && fm.erpField) {
      const value = normalizeErpValue(preparedField(fm, ctx).erpField, erp[fm.erpField]);
      if (value !== null) out.push({ mapping: lookup.mapping, erpKey: lookup.erpKey, from: "erp", value: String(value) });
    }
    if (dataverse && fm.dataverseAttribute) {
      const value = normalizeGuidValue(dataverse[fm.dataverseAttribute]);
      if (value !== null) out.push({ mapping: lookup.mapping, erpKey: lookup.erpKey, from: "dataverse", value });
    }
  }
  return out;
}

// ───────────── payloads ─────────────

/** A value ready for the ERP column: blank text is "", blank non-nullable numbers are 0 (prisma/schema.prisma defaults). */
export function erpWriteValue(field: ErpFieldDef | undefined, value: Comparable): string | number | boolean | null {
  if (value !== null) return value;
  if (!field) return null;
  if (field.type === "text" || field.type === "code") return "";
  if ((field.type === "decimal" || field.type === "integer") && !field.isNullable) return 0;
  return null;
}

export function erpWritePayload(writes: Record<string, Comparable>, context: TransferContext): Record<string, string | number | boolean | null> {
  const ctx = resolveContext(context);
  const out: Record<string, string | number | boolean | null> = {};
  for (const [name, value] of Object.entries(writes)) out[name] = erpWriteValue(ctx.erpFields.find((f) => f.name === name), value);
  return out;
}

/**
 * The Web API body for Dataverse writes (logical names → properties): lookups become `<nav>@odata.bind` (or a null
 * bind to clear them). `lookupTargets` names the target entity of multi-target lookups (contact.parentcustomerid →
 * "account", ownerid → "team"); otherwise the first target is used. Navigation names follow reference §4.5.
 */
export function toWebApiPayload(
  entity: string,
  writes: Record<string, Comparable>,
  lookupTargets: Record<string, string> = {},
  attributes: readonly DataverseAttribute[] = dataverseAttributesOf(entity),
): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(writes)) {
    const attribute = findDataverseAttribute(attributes, name);
    if (!attribute || !isLookupType(attribute.type)) {
      body[name] = value;
      continue;
    }
    const targets = attribute.targets ?? [];
    const target = lookupTargets[name] ?? targets[0];
    // Customer lookups have one navigation property per target (parentcustomerid_account); Owner keeps `ownerid`.
    const navigation = attribute.type === "Customer" ? `${name}_${target}` : name;
    if (value === null) {
      Object.assign(body, clearLookup(navigation));
      continue;
    }
    const entitySet = DATAVERSE_ENTITIES[target]?.entitySet ?? `${target}s`;
    Object.assign(body, bindLookup(navigation, entitySet, String(value)));
  }
  return body;
}

/** A Web API row as the engine compares it: `_x_value` lookups under their logical name, annotations dropped. */
export function fromWebApiRow(row: Record<string, unknown>): DataverseRecord {
  const out: DataverseRecord = {};
  for (const [key, value] of Object.entries(row)) {
    if (key.includes("@")) continue;
    const lookup = /^_(.+)_value$/.exec(key);
    out[lookup ? lookup[1] : key] = value;
  }
  return out;
}

/** The lookup targets of a mapping's field mappings, for toWebApiPayload (from the related mappings' entities). */
export function lookupTargetsOf(
  fieldMappings: readonly FieldMappingDef[],
  mappings: readonly { name: string; dataverseEntity: string }[],
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const fm of fieldMappings) {
    const lookup = fm.transformation?.lookup;
    const related = lookup ? mappings.find((m) => m.name === lookup.mapping) : undefined;
    if (fm.dataverseAttribute && related) out[fm.dataverseAttribute] = related.dataverseEntity;
  }
  return out;
}
