import { z } from "zod";
import type {
  DeletionConflictResolution,
  ErpTable,
  SyncDirection,
  UpdateConflictResolution,
} from "../db/generated/enums.ts";
import {
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
import { fieldLabel, fieldText, quotingFieldText, serverMessage } from "../actions/server-message.ts";
import { dataverseFilterFields, erpFilterFields, tableFilterSchema, type TableFilter } from "./table-filter.ts";

// The shape of a table mapping and its field mappings as plain data (what default-mappings.ts seeds and what the
// mapping page / API v1 edit), with the validations of BC §1.1/§1.2 as field-level messages. The types mirror the
// Prisma columns of IntegrationTableMapping / IntegrationFieldMapping, so a row converts one-to-one; the JSON columns
// (`transformation`, filters) are parsed with the schemas below.

export const SYNC_DIRECTIONS = ["BIDIRECTIONAL", "TO_INTEGRATION_TABLE", "FROM_INTEGRATION_TABLE"] as const satisfies readonly SyncDirection[];
export const ERP_TABLES = ["CUSTOMER", "CONTACT", "SALESPERSON", "CURRENCY"] as const satisfies readonly ErpTable[];
export const UPDATE_CONFLICT_RESOLUTIONS = [
  "NONE",
  "SEND_UPDATE_TO_INTEGRATION",
  "GET_UPDATE_FROM_INTEGRATION",
] as const satisfies readonly UpdateConflictResolution[];
export const DELETION_CONFLICT_RESOLUTIONS = ["NONE", "RESTORE_RECORDS", "REMOVE_COUPLING"] as const satisfies readonly DeletionConflictResolution[];

export const SCHEDULE_MIN_SECONDS = 5;
export const SCHEDULE_MAX_SECONDS = 86_400;

export const TEXT_STEPS = ["trim", "uppercase", "lowercase"] as const;
export type TextStep = (typeof TEXT_STEPS)[number];

/** Which ERP field of the related record the lookup value holds (Customer.salespersonCode holds a Salesperson code). */
export const LOOKUP_ERP_KEYS = ["id", "no", "code"] as const;
export type LookupErpKey = (typeof LOOKUP_ERP_KEYS)[number];

export type LookupSpec = {
  /** The table mapping whose couplings translate the value (e.g. "SALESPEOPLE"). */
  mapping: string;
  erpKey: LookupErpKey;
};

export type ValueMapEntry = { erp: string; dataverse: string | number | boolean };

/**
 * Stored in IntegrationFieldMapping.transformation. Steps run on text on the way to the named side; a value map
 * translates both ways (so it must be one-to-one); a lookup translates through the couplings of another mapping.
 */
export type Transformation = {
  toDataverse?: TextStep[];
  toErp?: TextStep[];
  valueMap?: ValueMapEntry[];
  lookup?: LookupSpec;
};

export type FieldMappingDef = {
  /** Null on one side (BC: field no. 0) makes a constant-only mapping writing `constantValue` to the other side. */
  erpField: string | null;
  dataverseAttribute: string | null;
  direction: SyncDirection;
  constantValue: string | null;
  transformation: Transformation | null;
  clearValueOnFailedSync: boolean;
  notNull: boolean;
  isEnabled: boolean;
  useForMatchBasedCoupling: boolean;
  caseSensitiveMatching: boolean;
  matchPriority: number;
  isUserDefined: boolean;
  sortOrder: number;
};

export type TableMappingSettings = {
  name: string;
  erpTable: ErpTable;
  dataverseEntity: string;
  direction: SyncDirection;
  tableFilter: TableFilter;
  integrationTableFilter: TableFilter;
  syncOnlyCoupledRecords: boolean;
  updateConflictResolution: UpdateConflictResolution;
  deletionConflictResolution: DeletionConflictResolution;
  dependencies: string[];
  syncAfterMatchBasedCoupling: boolean;
  createNewIfNoMatch: boolean;
  isEnabled: boolean;
  scheduleSeconds: number;
};

export type TableMappingDef = TableMappingSettings & { fieldMappings: FieldMappingDef[] };

// Field messages are made with fieldText (or quotingFieldText when they quote what was typed), so the mapping editor
// shows them in the reader's language while the API keeps the English text.
const strictError = (issue: { code?: string; keys?: string[] }) => {
  if (issue.code !== "unrecognized_keys") return undefined;
  const keys = (issue.keys ?? []).join(", ");
  return (issue.keys ?? []).length > 1 ? quotingFieldText("mappings.unknownKeys", { keys }) : quotingFieldText("filters.unknownKey", { keys });
};

const textStepSchema = z.enum(TEXT_STEPS, { error: fieldText("mappings.textStep", { steps: TEXT_STEPS.join(", ") }) });

export const transformationSchema = z
  .strictObject(
    {
      toDataverse: z.array(textStepSchema).max(5, fieldText("mappings.maxSteps", { max: 5 })).optional(),
      toErp: z.array(textStepSchema).max(5, fieldText("mappings.maxSteps", { max: 5 })).optional(),
      valueMap: z
        .array(
          z.strictObject({
            erp: z.string({ error: fieldText("mappings.enterErpValue") }).trim().min(1, fieldText("mappings.enterErpValue")).max(100, fieldText("fields.atMostCharacters", { max: 100 })),
            dataverse: z.union([z.string().trim().min(1, fieldText("mappings.enterDataverseValue")), z.number(), z.boolean()], {
              error: fieldText("mappings.dataverseValueType"),
            }),
          }),
        )
        .min(1, fieldText("mappings.valueMapMin"))
        .max(500, fieldText("mappings.valueMapMax", { max: 500 }))
        .optional(),
      lookup: z
        .strictObject({
          mapping: z.string({ error: fieldText("mappings.chooseLookupMapping") }).trim().min(1, fieldText("mappings.chooseLookupMapping")),
          erpKey: z.enum(LOOKUP_ERP_KEYS, { error: fieldText("mappings.erpKeyOneOf", { keys: LOOKUP_ERP_KEYS.join(", ") }) }),
        })
        .optional(),
    },
    { error: strictError },
  )
  .superRefine((t, ctx) => {
    if (t.lookup && (t.valueMap || t.toDataverse?.length || t.toErp?.length)) {
      ctx.addIssue({ code: "custom", path: ["lookup"], message: fieldText("mappings.lookupCombined") });
    }
    if (!t.valueMap) return;
    const seenErp = new Map<string, number>();
    const seenDataverse = new Map<string, number>();
    t.valueMap.forEach((entry, index) => {
      // One-to-one, so the From direction can translate back without guessing.
      const erpKey = entry.erp.toUpperCase();
      if (seenErp.has(erpKey)) {
        ctx.addIssue({ code: "custom", path: ["valueMap", index, "erp"], message: quotingFieldText("mappings.erpValueMapped", { value: entry.erp, entry: String(seenErp.get(erpKey)! + 1) }) });
      }
      seenErp.set(erpKey, index);
      const dvKey = JSON.stringify(entry.dataverse);
      if (seenDataverse.has(dvKey)) {
        ctx.addIssue({ code: "custom", path: ["valueMap", index, "dataverse"], message: quotingFieldText("mappings.dataverseValueMapped", { value: dvKey, entry: String(seenDataverse.get(dvKey)! + 1) }) });
      }
      seenDataverse.set(dvKey, index);
    });
  });

/** Reads IntegrationFieldMapping.transformation; a stored value that does not parse is treated as none and reported. */
export function parseTransformation(json: unknown): { ok: true; value: Transformation | null } | { ok: false; message: string } {
  if (json === null || json === undefined) return { ok: true, value: null };
  const parsed = transformationSchema.safeParse(json);
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, message: parsed.error.issues.map((i) => i.message).join(" ") };
}

const directionSchema = z.enum(SYNC_DIRECTIONS, { error: fieldText("mappings.directionOneOf") });

export const fieldMappingShape = z.strictObject(
  {
    id: z.uuid({ error: fieldText("mappings.fieldMappingId") }).optional(),
    erpField: z.string().trim().max(60, fieldText("fields.atMostCharacters", { max: 60 })).nullable().default(null).transform((v) => (v === "" ? null : v)),
    dataverseAttribute: z
      .string()
      .trim()
      .toLowerCase()
      .max(100, fieldText("fields.atMostCharacters", { max: 100 }))
      .nullable()
      .default(null)
      .transform((v) => (v === "" ? null : v)),
    direction: directionSchema,
    constantValue: z.string().max(100, fieldText("mappings.constantMax", { max: 100 })).nullable().default(null).transform((v) => (v === "" ? null : v)),
    transformation: transformationSchema.nullable().default(null),
    clearValueOnFailedSync: z.boolean().default(false),
    notNull: z.boolean().default(false),
    isEnabled: z.boolean().default(true),
    useForMatchBasedCoupling: z.boolean().default(false),
    caseSensitiveMatching: z.boolean().default(false),
    matchPriority: z
      .number({ error: fieldText("mappings.matchPriorityWhole") })
      .int(fieldText("mappings.matchPriorityWhole"))
      .min(0, fieldText("mappings.matchPriorityMin"))
      .max(1000, fieldText("mappings.matchPriorityMax", { max: 1000 }))
      .default(0),
    isUserDefined: z.boolean().default(true),
    sortOrder: z.number().int().min(0).default(0),
  },
  { error: strictError },
);

export type FieldMappingInput = z.input<typeof fieldMappingShape>;

export const tableMappingShape = z.strictObject(
  {
    name: z
      .string({ error: fieldText("mappings.enterName") })
      .trim()
      .toUpperCase()
      .min(1, fieldText("mappings.enterName"))
      .max(20, fieldText("mappings.nameMax", { max: 20 }))
      .regex(/^[A-Z0-9][A-Z0-9 _-]*$/, fieldText("mappings.nameCharacters")),
    erpTable: z.enum(ERP_TABLES, { error: fieldText("mappings.erpTableOneOf", { tables: ERP_TABLES.join(", ") }) }),
    dataverseEntity: z.string({ error: fieldText("mappings.chooseDataverseTable") }).trim().toLowerCase().min(1, fieldText("mappings.chooseDataverseTable")).max(100),
    direction: directionSchema,
    tableFilter: z.unknown().default([]),
    integrationTableFilter: z.unknown().default([]),
    syncOnlyCoupledRecords: z.boolean().default(true),
    updateConflictResolution: z.enum(UPDATE_CONFLICT_RESOLUTIONS, {
      error: fieldText("mappings.updateConflictOneOf"),
    }).default("NONE"),
    deletionConflictResolution: z.enum(DELETION_CONFLICT_RESOLUTIONS, {
      error: fieldText("mappings.deletionConflictOneOf"),
    }).default("NONE"),
    dependencies: z.array(z.string().trim().toUpperCase().min(1)).max(20, fieldText("mappings.maxDependencies", { max: 20 })).default([]),
    syncAfterMatchBasedCoupling: z.boolean().default(false),
    createNewIfNoMatch: z.boolean().default(false),
    isEnabled: z.boolean().default(true),
    scheduleSeconds: z
      .number({ error: fieldText("mappings.scheduleNumber") })
      .int(fieldText("mappings.scheduleWhole"))
      .min(SCHEDULE_MIN_SECONDS, fieldText("mappings.scheduleMin", { min: SCHEDULE_MIN_SECONDS }))
      .max(SCHEDULE_MAX_SECONDS, fieldText("mappings.scheduleMax", { max: SCHEDULE_MAX_SECONDS }))
      .default(60),
    fieldMappings: z.array(fieldMappingShape).max(200, fieldText("mappings.maxFieldMappings", { max: 200 })).default([]),
  },
  { error: strictError },
);

export type TableMappingInput = z.input<typeof tableMappingShape>;

/** What the validation needs to know beyond the input itself. */
export type MappingValidationContext = {
  /** Attribute metadata of the input's Dataverse table (from the org, or field-catalog.ts). Empty: attributes are not checked. */
  dataverseAttributes: readonly DataverseAttribute[];
  /** Every other existing mapping (the edited one may be included; it is replaced by the input). */
  mappings: readonly { name: string; erpTable: ErpTable; dataverseEntity: string; dependencies: readonly string[] }[];
  erpFields?: (table: ErpTable) => readonly ErpFieldDef[];
};

type Issue = { path: (string | number)[]; message: string };

const allowsTo = (d: SyncDirection) => d !== "FROM_INTEGRATION_TABLE";
const allowsFrom = (d: SyncDirection) => d !== "TO_INTEGRATION_TABLE";

/** The schema for one mapping edit, with every cross-field and metadata check. Parse output is TableMappingDef. */
export function tableMappingSchema(context: MappingValidationContext) {
  return tableMappingShape.transform((input, ctx): TableMappingDef => {
    const issues = validateTableMapping(input, context);
    for (const issue of issues) ctx.addIssue({ code: "custom", path: issue.path, message: issue.message });
    const erpFields = (context.erpFields ?? ((t: ErpTable) => ERP_FIELDS[t]))(input.erpTable);
    const erpFilter = tableFilterSchema(erpFilterFields(input.erpTable, erpFields)).safeParse(input.tableFilter);
    const dvFilter = tableFilterSchema(dataverseFilterFields(context.dataverseAttributes)).safeParse(input.integrationTableFilter);
    return {
      ...input,
      tableFilter: erpFilter.success ? erpFilter.data : [],
      integrationTableFilter: dvFilter.success ? dvFilter.data : [],
      fieldMappings: input.fieldMappings.map(({ id: _id, ...fm }) => fm),
    };
  });
}

type ParsedTableMapping = z.output<typeof tableMappingShape>;
type ParsedFieldMapping = z.output<typeof fieldMappingShape>;

function validateTableMapping(input: ParsedTableMapping, context: MappingValidationContext): Issue[] {
  const issues: Issue[] = [];
  const erpFields = (context.erpFields ?? ((t: ErpTable) => ERP_FIELDS[t]))(input.erpTable);
  const attributes = context.dataverseAttributes;

  const erpFilter = tableFilterSchema(erpFilterFields(input.erpTable, erpFields)).safeParse(input.tableFilter);
  if (!erpFilter.success) for (const i of erpFilter.error.issues) issues.push({ path: ["tableFilter", ...pathOf(i.path)], message: i.message });
  if (attributes.length > 0) {
    const dvFilter = tableFilterSchema(dataverseFilterFields(attributes)).safeParse(input.integrationTableFilter);
    if (!dvFilter.success) {
      for (const i of dvFilter.error.issues) issues.push({ path: ["integrationTableFilter", ...pathOf(i.path)], message: i.message });
    }
  }

  const enabled = input.fieldMappings.filter((fm) => fm.isEnabled);
  // BC §1.1: the table's direction needs at least one enabled field mapping that carries data that way.
  if (allowsTo(input.direction) && !enabled.some((fm) => allowsTo(fm.direction))) {
    issues.push({ path: ["direction"], message: fieldText("mappings.noneSendsTo") });
  }
  if (allowsFrom(input.direction) && !enabled.some((fm) => allowsFrom(fm.direction))) {
    issues.push({ path: ["direction"], message: fieldText("mappings.noneGetsFrom") });
  }

  input.fieldMappings.forEach((fm, index) => {
    for (const issue of validateFieldMapping(fm, input, erpFields, attributes, context)) {
      issues.push({ path: ["fieldMappings", index, ...issue.path], message: issue.message });
    }
  });

  // Two enabled mappings writing the same destination would fight over it.
  const writers = new Map<string, number>();
  input.fieldMappings.forEach((fm, index) => {
    if (!fm.isEnabled) return;
    const targets: string[] = [];
    if (allowsTo(fm.direction) && fm.dataverseAttribute) targets.push(`dv:${fm.dataverseAttribute}`);
    if (allowsFrom(fm.direction) && fm.erpField) targets.push(`erp:${fm.erpField}`);
    for (const target of targets) {
      const previous = writers.get(target);
      if (previous !== undefined) {
        const toDataverse = target.startsWith("dv:");
        const message = toDataverse
          ? quotingFieldText("mappings.alreadyWritesColumn", { index: String(previous + 1), column: target.slice(3) })
          : quotingFieldText("mappings.alreadyWritesField", { index: String(previous + 1), field: target.slice(4) });
        issues.push({ path: ["fieldMappings", index, toDataverse ? "dataverseAttribute" : "erpField"], message });
      } else {
        writers.set(target, index);
      }
    }
  });

  issues.push(...validateDependencies(input, context));
  return issues;
}

function pathOf(path: readonly PropertyKey[]): (string | number)[] {
  return path.map((p) => (typeof p === "number" ? p : String(p)));
}

function validateDependencies(input: ParsedTableMapping, context: MappingValidationContext): Issue[] {
  const issues: Issue[] = [];
  const names = new Set(context.mappings.map((m) => m.name));
  const seen = new Set<string>();
  input.dependencies.forEach((dependency, index) => {
    if (dependency === input.name) {
      issues.push({ path: ["dependencies", index], message: fieldText("mappings.dependsOnItself") });
    } else if (!names.has(dependency)) {
      issues.push({ path: ["dependencies", index], message: quotingFieldText("mappings.noMappingNamed", { name: dependency }) });
    } else if (seen.has(dependency)) {
      issues.push({ path: ["dependencies", index], message: quotingFieldText("mappings.listedTwice", { name: dependency }) });
    }
    seen.add(dependency);
  });
  if (issues.length > 0) return issues;

  const graph = new Map<string, readonly string[]>(context.mappings.map((m) => [m.name, m.dependencies]));
  graph.set(input.name, input.dependencies);
  const cycle = findCycle(input.name, graph);
  if (cycle) {
    const index = input.dependencies.indexOf(cycle[1]);
    issues.push({ path: ["dependencies", Math.max(index, 0)], message: quotingFieldText("mappings.dependencyCycle", { cycle: cycle.join(" → ") }) });
  }
  return issues;
}

function findCycle(start: string, graph: Map<string, readonly string[]>): string[] | null {
  const visit = (node: string, trail: string[]): string[] | null => {
    for (const next of graph.get(node) ?? []) {
      if (next === start) return [...trail, next];
      if (trail.includes(next)) continue;
      const found = visit(next, [...trail, next]);
      if (found) return found;
    }
    return null;
  };
  return visit(start, [start]);
}

function validateFieldMapping(
  fm: ParsedFieldMapping,
  table: ParsedTableMapping,
  erpFields: readonly ErpFieldDef[],
  attributes: readonly DataverseAttribute[],
  context: MappingValidationContext,
): Issue[] {
  const issues: Issue[] = [];
  const add = (path: string, message: string) => issues.push({ path: [path], message });
  const checkAttributes = attributes.length > 0;

  if (!fm.erpField && !fm.dataverseAttribute) {
    add("erpField", fieldText("mappings.chooseFieldOrColumn"));
    return issues;
  }

  const erpField = fm.erpField ? erpFields.find((f) => f.name === fm.erpField) : undefined;
  if (fm.erpField && !erpField) add("erpField", quotingFieldText("mappings.erpTableNoField", { table: table.erpTable, field: fm.erpField }));
  const attribute = fm.dataverseAttribute && checkAttributes ? findDataverseAttribute(attributes, fm.dataverseAttribute) : undefined;
  if (fm.dataverseAttribute && checkAttributes && !attribute) {
    add("dataverseAttribute", quotingFieldText("mappings.dataverseTableNoColumn", { table: table.dataverseEntity, column: fm.dataverseAttribute }));
  }

  // BC §1.2: a field number of 0 on one side makes a constant-only mapping that writes the other side.
  if (!fm.erpField || !fm.dataverseAttribute) {
    if (fm.constantValue === null) {
      add("constantValue", fieldText(fm.erpField ? "mappings.enterConstantErp" : "mappings.enterConstantDataverse"));
    }
    if (!fm.erpField && fm.direction !== "TO_INTEGRATION_TABLE") {
      add("direction", fieldText("mappings.constantToDataverseOnly"));
    }
    if (!fm.dataverseAttribute && fm.direction !== "FROM_INTEGRATION_TABLE") {
      add("direction", fieldText("mappings.constantToErpOnly"));
    }
    if (fm.transformation?.lookup) add("transformation", fieldText("mappings.constantNoLookup"));
    if (fm.useForMatchBasedCoupling) add("useForMatchBasedCoupling", fieldText("mappings.constantNoMatch"));
  } else if (fm.constantValue !== null) {
    add("constantValue", fieldText("mappings.constantReplaces"));
  }

  if (fm.clearValueOnFailedSync && fm.notNull) {
    add("clearValueOnFailedSync", fieldText("mappings.clearAndNotNull"));
  }
  if (fm.clearValueOnFailedSync && !fm.transformation?.lookup) {
    add("clearValueOnFailedSync", fieldText("mappings.clearOnlyLookups"));
  }
  if (fm.notNull && (!allowsTo(fm.direction) || (attribute && !isGuidType(attribute.type)))) {
    add("notNull", fieldText("mappings.notNullOnlyGuid"));
  }
  if (fm.erpField && erpField?.isReadOnly && allowsFrom(fm.direction) && !fm.constantValue) {
    add("direction", fieldText("mappings.erpFieldReadOnly", { label: fieldLabel(erpField.label) }));
  }
  if (attribute?.isReadOnly && allowsTo(fm.direction)) {
    add("direction", fieldText("mappings.columnReadOnly", { column: attribute.logicalName }));
  }

  const lookup = fm.transformation?.lookup;
  if (lookup) {
    const related = context.mappings.find((m) => m.name === lookup.mapping) ?? (lookup.mapping === table.name ? table : undefined);
    if (!related) {
      issues.push({ path: ["transformation", "lookup", "mapping"], message: quotingFieldText("mappings.noMappingNamed", { name: lookup.mapping }) });
    } else {
      const relatedFields = (context.erpFields ?? ((t: ErpTable) => ERP_FIELDS[t]))(related.erpTable);
      if (!relatedFields.some((f) => f.name === lookup.erpKey)) {
        issues.push({ path: ["transformation", "lookup", "erpKey"], message: quotingFieldText("mappings.erpTableNoField", { table: related.erpTable, field: lookup.erpKey }) });
      }
      if (attribute && attribute.targets && !attribute.targets.includes(related.dataverseEntity)) {
        issues.push({
          path: ["transformation", "lookup", "mapping"],
          message: fieldText("mappings.lookupTargets", { column: attribute.logicalName, targets: attribute.targets.join(" or "), mapping: related.name, entity: related.dataverseEntity }),
        });
      }
    }
    if (attribute && !isLookupType(attribute.type)) {
      add("dataverseAttribute", fieldText("mappings.notLookupColumn", { column: attribute.logicalName }));
    }
  } else if (attribute && isLookupType(attribute.type) && fm.erpField) {
    add("transformation", fieldText("mappings.isLookup", { column: attribute.logicalName }));
  }

  if (erpField && attribute && !lookup && !isLookupType(attribute.type)) {
    const problem = typeProblem(erpField, attribute, fm.transformation?.valueMap !== undefined);
    if (problem) add("dataverseAttribute", problem);
  }
  if (attribute && fm.transformation?.valueMap && isOptionType(attribute.type)) {
    fm.transformation.valueMap.forEach((entry, index) => {
      if (typeof entry.dataverse !== "number" || !Number.isInteger(entry.dataverse)) {
        issues.push({ path: ["transformation", "valueMap", index, "dataverse"], message: fieldText("mappings.optionWholeNumber", { column: attribute.logicalName }) });
      }
    });
  }
  if (fm.constantValue !== null) {
    const problem = constantProblem(fm.constantValue, fm.erpField ? erpField : undefined, fm.dataverseAttribute ? attribute : undefined);
    if (problem) add("constantValue", problem);
  }
  return issues;
}

function typeProblem(erp: ErpFieldDef, attribute: DataverseAttribute, hasValueMap: boolean): string | null {
  const t = attribute.type;
  const pair = serverMessage("mappings.typePair", { label: fieldLabel(erp.label), erpType: erp.type, column: attribute.logicalName, type: t });
  if (hasValueMap) {
    if (isOptionType(t) || t === "Boolean" || isTextType(t) || isNumericType(t)) return null;
    return fieldText("mappings.noValueMap", { pair });
  }
  switch (erp.type) {
    case "text":
    case "code":
      return isTextType(t) ? null : fieldText(isOptionType(t) || t === "Boolean" ? "mappings.notCompatibleAddValueMap" : "mappings.notCompatible", { pair });
    case "decimal":
      return t === "Money" || t === "Decimal" || t === "Double" ? null : fieldText("mappings.notCompatibleDecimals", { pair });
    case "integer":
      return isNumericType(t) ? null : fieldText("mappings.notCompatibleWholeNumbers", { pair });
    case "boolean":
      return t === "Boolean" ? null : fieldText("mappings.notCompatibleYesNo", { pair });
    case "uuid":
      return t === "Uniqueidentifier" ? null : fieldText("mappings.notCompatibleRecordId", { pair });
    case "enum":
      return isTextType(t) ? null : fieldText("mappings.notCompatibleValueMapFrom", { pair, values: erp.enumValues?.join(", ") ?? "" });
  }
}

function constantProblem(constant: string, erp: ErpFieldDef | undefined, attribute: DataverseAttribute | undefined): string | null {
  if (attribute) {
    if (isNumericType(attribute.type) || isOptionType(attribute.type)) {
      const n = Number(constant.trim());
      if (constant.trim() === "" || !Number.isFinite(n)) return fieldText("mappings.constantNumber", { name: attribute.logicalName });
      if (isOptionType(attribute.type) && !Number.isInteger(n)) return fieldText("mappings.optionWholeNumber", { column: attribute.logicalName });
    }
    if (attribute.type === "Boolean" && !/^(true|false)$/i.test(constant.trim())) return fieldText("mappings.constantYesNo", { column: attribute.logicalName });
    if (isGuidType(attribute.type) && !/^\{?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}?$/i.test(constant.trim())) {
      return fieldText("mappings.constantGuid", { column: attribute.logicalName });
    }
    if (attribute.maxLength !== undefined && constant.length > attribute.maxLength) {
      return fieldText("mappings.constantTooLong", { length: constant.length, name: attribute.logicalName, max: attribute.maxLength });
    }
  }
  if (erp) {
    if (erp.type === "enum" && !erp.enumValues?.includes(constant.trim().toUpperCase())) return fieldText("filters.oneOf", { label: fieldLabel(erp.label), values: erp.enumValues?.join(", ") ?? "" });
    if ((erp.type === "decimal" || erp.type === "integer") && !Number.isFinite(Number(constant.trim()))) return fieldText("mappings.constantNumber", { name: fieldLabel(erp.label) });
    if (erp.maxLength !== undefined && constant.length > erp.maxLength) return fieldText("mappings.constantTooLong", { length: constant.length, name: fieldLabel(erp.label), max: erp.maxLength });
  }
  return null;
}
