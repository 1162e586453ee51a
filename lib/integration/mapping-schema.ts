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

const strictError = (issue: { code?: string; keys?: string[] }) =>
  issue.code === "unrecognized_keys" ? `Unknown key${(issue.keys ?? []).length > 1 ? "s" : ""}: ${(issue.keys ?? []).join(", ")}.` : undefined;

const textStepSchema = z.enum(TEXT_STEPS, { error: `A text transformation is one of ${TEXT_STEPS.join(", ")}.` });

export const transformationSchema = z
  .strictObject(
    {
      toDataverse: z.array(textStepSchema).max(5, "At most 5 steps.").optional(),
      toErp: z.array(textStepSchema).max(5, "At most 5 steps.").optional(),
      valueMap: z
        .array(
          z.strictObject({
            erp: z.string({ error: "Enter the ERP value." }).trim().min(1, "Enter the ERP value.").max(100, "At most 100 characters."),
            dataverse: z.union([z.string().trim().min(1, "Enter the Dataverse value."), z.number(), z.boolean()], {
              error: "Enter the Dataverse value (text, a number or true/false).",
            }),
          }),
        )
        .min(1, "A value map needs at least one entry.")
        .max(500, "A value map can have at most 500 entries.")
        .optional(),
      lookup: z
        .strictObject({
          mapping: z.string({ error: "Choose the table mapping to translate through." }).trim().min(1, "Choose the table mapping to translate through."),
          erpKey: z.enum(LOOKUP_ERP_KEYS, { error: `The ERP key is one of ${LOOKUP_ERP_KEYS.join(", ")}.` }),
        })
        .optional(),
    },
    { error: strictError },
  )
  .superRefine((t, ctx) => {
    if (t.lookup && (t.valueMap || t.toDataverse?.length || t.toErp?.length)) {
      ctx.addIssue({ code: "custom", path: ["lookup"], message: "A lookup translates through couplings; it cannot be combined with a value map or text steps." });
    }
    if (!t.valueMap) return;
    const seenErp = new Map<string, number>();
    const seenDataverse = new Map<string, number>();
    t.valueMap.forEach((entry, index) => {
      // One-to-one, so the From direction can translate back without guessing.
      const erpKey = entry.erp.toUpperCase();
      if (seenErp.has(erpKey)) {
        ctx.addIssue({ code: "custom", path: ["valueMap", index, "erp"], message: `The ERP value "${entry.erp}" is already mapped in entry ${seenErp.get(erpKey)! + 1}.` });
      }
      seenErp.set(erpKey, index);
      const dvKey = JSON.stringify(entry.dataverse);
      if (seenDataverse.has(dvKey)) {
        ctx.addIssue({ code: "custom", path: ["valueMap", index, "dataverse"], message: `The Dataverse value ${dvKey} is already mapped in entry ${seenDataverse.get(dvKey)! + 1}.` });
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

const directionSchema = z.enum(SYNC_DIRECTIONS, { error: "Direction is Bidirectional, To Integration Table or From Integration Table." });

export const fieldMappingShape = z.strictObject(
  {
    id: z.uuid({ error: "The field mapping id is not valid." }).optional(),
    erpField: z.string().trim().max(60, "At most 60 characters.").nullable().default(null).transform((v) => (v === "" ? null : v)),
    dataverseAttribute: z
      .string()
      .trim()
      .toLowerCase()
      .max(100, "At most 100 characters.")
      .nullable()
      .default(null)
      .transform((v) => (v === "" ? null : v)),
    direction: directionSchema,
    constantValue: z.string().max(100, "A constant can be at most 100 characters.").nullable().default(null).transform((v) => (v === "" ? null : v)),
    transformation: transformationSchema.nullable().default(null),
    clearValueOnFailedSync: z.boolean().default(false),
    notNull: z.boolean().default(false),
    isEnabled: z.boolean().default(true),
    useForMatchBasedCoupling: z.boolean().default(false),
    caseSensitiveMatching: z.boolean().default(false),
    matchPriority: z
      .number({ error: "Match priority must be a whole number, 0 or more." })
      .int("Match priority must be a whole number, 0 or more.")
      .min(0, "Match priority must be 0 or more.")
      .max(1000, "Match priority can be at most 1000.")
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
      .string({ error: "Enter a name." })
      .trim()
      .toUpperCase()
      .min(1, "Enter a name.")
      .max(20, "A name can be at most 20 characters.")
      .regex(/^[A-Z0-9][A-Z0-9 _-]*$/, 'A name can contain only letters, digits, spaces, "-" and "_".'),
    erpTable: z.enum(ERP_TABLES, { error: `The ERP table is one of ${ERP_TABLES.join(", ")}.` }),
    dataverseEntity: z.string({ error: "Choose a Dataverse table." }).trim().toLowerCase().min(1, "Choose a Dataverse table.").max(100),
    direction: directionSchema,
    tableFilter: z.unknown().default([]),
    integrationTableFilter: z.unknown().default([]),
    syncOnlyCoupledRecords: z.boolean().default(true),
    updateConflictResolution: z.enum(UPDATE_CONFLICT_RESOLUTIONS, {
      error: "Update-conflict resolution is None, Send Update to Integration or Get Update from Integration.",
    }).default("NONE"),
    deletionConflictResolution: z.enum(DELETION_CONFLICT_RESOLUTIONS, {
      error: "Deletion-conflict resolution is None, Restore Records or Remove Coupling.",
    }).default("NONE"),
    dependencies: z.array(z.string().trim().toUpperCase().min(1)).max(20, "At most 20 dependencies.").default([]),
    syncAfterMatchBasedCoupling: z.boolean().default(false),
    createNewIfNoMatch: z.boolean().default(false),
    isEnabled: z.boolean().default(true),
    scheduleSeconds: z
      .number({ error: "The schedule is a number of seconds." })
      .int("The schedule is a whole number of seconds.")
      .min(SCHEDULE_MIN_SECONDS, `The schedule must be at least ${SCHEDULE_MIN_SECONDS} seconds.`)
      .max(SCHEDULE_MAX_SECONDS, `The schedule can be at most ${SCHEDULE_MAX_SECONDS} seconds (one day).`)
      .default(60),
    fieldMappings: z.array(fieldMappingShape).max(200, "At most 200 field mappings.").default([]),
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
    issues.push({ path: ["direction"], message: "No enabled field mapping sends data to Dataverse. Enable one with direction To Integration Table or Bidirectional, or change the direction." });
  }
  if (allowsFrom(input.direction) && !enabled.some((fm) => allowsFrom(fm.direction))) {
    issues.push({ path: ["direction"], message: "No enabled field mapping gets data from Dataverse. Enable one with direction From Integration Table or Bidirectional, or change the direction." });
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
        const what = target.startsWith("dv:") ? `the Dataverse column ${target.slice(3)}` : `the ERP field ${target.slice(4)}`;
        issues.push({ path: ["fieldMappings", index, target.startsWith("dv:") ? "dataverseAttribute" : "erpField"], message: `Field mapping ${previous + 1} already writes ${what}. Disable one of them.` });
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
      issues.push({ path: ["dependencies", index], message: "A mapping cannot depend on itself." });
    } else if (!names.has(dependency)) {
      issues.push({ path: ["dependencies", index], message: `There is no table mapping named ${dependency}.` });
    } else if (seen.has(dependency)) {
      issues.push({ path: ["dependencies", index], message: `${dependency} is listed twice.` });
    }
    seen.add(dependency);
  });
  if (issues.length > 0) return issues;

  const graph = new Map<string, readonly string[]>(context.mappings.map((m) => [m.name, m.dependencies]));
  graph.set(input.name, input.dependencies);
  const cycle = findCycle(input.name, graph);
  if (cycle) {
    const index = input.dependencies.indexOf(cycle[1]);
    issues.push({ path: ["dependencies", Math.max(index, 0)], message: `Dependencies form a cycle: ${cycle.join(" → ")}. Remove one of them.` });
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
    add("erpField", "Choose an ERP field, a Dataverse column, or both.");
    return issues;
  }

  const erpField = fm.erpField ? erpFields.find((f) => f.name === fm.erpField) : undefined;
  if (fm.erpField && !erpField) add("erpField", `The ERP table ${table.erpTable} has no field "${fm.erpField}".`);
  const attribute = fm.dataverseAttribute && checkAttributes ? findDataverseAttribute(attributes, fm.dataverseAttribute) : undefined;
  if (fm.dataverseAttribute && checkAttributes && !attribute) {
    add("dataverseAttribute", `The Dataverse table ${table.dataverseEntity} has no column "${fm.dataverseAttribute}".`);
  }

  // BC §1.2: a field number of 0 on one side makes a constant-only mapping that writes the other side.
  if (!fm.erpField || !fm.dataverseAttribute) {
    if (fm.constantValue === null) {
      add("constantValue", fm.erpField ? "Enter the constant to write to the ERP field, or choose a Dataverse column." : "Enter the constant to write to the Dataverse column, or choose an ERP field.");
    }
    if (!fm.erpField && fm.direction !== "TO_INTEGRATION_TABLE") {
      add("direction", "A constant without an ERP field can only be written to Dataverse: use To Integration Table.");
    }
    if (!fm.dataverseAttribute && fm.direction !== "FROM_INTEGRATION_TABLE") {
      add("direction", "A constant without a Dataverse column can only be written to the ERP: use From Integration Table.");
    }
    if (fm.transformation?.lookup) add("transformation", "A constant cannot be translated through a lookup.");
    if (fm.useForMatchBasedCoupling) add("useForMatchBasedCoupling", "A constant cannot be used for match-based coupling.");
  } else if (fm.constantValue !== null) {
    add("constantValue", "A constant replaces the source field: clear the constant, or clear the field it replaces.");
  }

  if (fm.clearValueOnFailedSync && fm.notNull) {
    add("clearValueOnFailedSync", "Clear Value on Failed Sync and Not Null cannot both be on: one clears the value, the other forbids clearing it.");
  }
  if (fm.clearValueOnFailedSync && !fm.transformation?.lookup) {
    add("clearValueOnFailedSync", "Clear Value on Failed Sync applies only to lookups translated through another mapping's couplings.");
  }
  if (fm.notNull && (!allowsTo(fm.direction) || (attribute && !isGuidType(attribute.type)))) {
    add("notNull", "Not Null applies only to a GUID or lookup column written to Dataverse.");
  }
  if (fm.erpField && erpField?.isReadOnly && allowsFrom(fm.direction) && !fm.constantValue) {
    add("direction", `The ERP field ${erpField.label} cannot be written by a synchronization; use To Integration Table.`);
  }
  if (attribute?.isReadOnly && allowsTo(fm.direction)) {
    add("direction", `The Dataverse column ${attribute.logicalName} is read-only; use From Integration Table.`);
  }

  const lookup = fm.transformation?.lookup;
  if (lookup) {
    const related = context.mappings.find((m) => m.name === lookup.mapping) ?? (lookup.mapping === table.name ? table : undefined);
    if (!related) {
      issues.push({ path: ["transformation", "lookup", "mapping"], message: `There is no table mapping named ${lookup.mapping}.` });
    } else {
      const relatedFields = (context.erpFields ?? ((t: ErpTable) => ERP_FIELDS[t]))(related.erpTable);
      if (!relatedFields.some((f) => f.name === lookup.erpKey)) {
        issues.push({ path: ["transformation", "lookup", "erpKey"], message: `The ERP table ${related.erpTable} has no field "${lookup.erpKey}".` });
      }
      if (attribute && attribute.targets && !attribute.targets.includes(related.dataverseEntity)) {
        issues.push({
          path: ["transformation", "lookup", "mapping"],
          message: `${attribute.logicalName} points at ${attribute.targets.join(" or ")}, but ${related.name} couples ${related.dataverseEntity} records.`,
        });
      }
    }
    if (attribute && !isLookupType(attribute.type)) {
      add("dataverseAttribute", `${attribute.logicalName} is not a lookup column, so it cannot be translated through a mapping's couplings.`);
    }
  } else if (attribute && isLookupType(attribute.type) && fm.erpField) {
    add("transformation", `${attribute.logicalName} is a lookup: choose the table mapping whose couplings translate it.`);
  }

  if (erpField && attribute && !lookup && !isLookupType(attribute.type)) {
    const problem = typeProblem(erpField, attribute, fm.transformation?.valueMap !== undefined);
    if (problem) add("dataverseAttribute", problem);
  }
  if (attribute && fm.transformation?.valueMap && isOptionType(attribute.type)) {
    fm.transformation.valueMap.forEach((entry, index) => {
      if (typeof entry.dataverse !== "number" || !Number.isInteger(entry.dataverse)) {
        issues.push({ path: ["transformation", "valueMap", index, "dataverse"], message: `${attribute.logicalName} is an option set: use the option's whole-number value.` });
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
  const pair = `${erp.label} (${erp.type}) and ${attribute.logicalName} (${t})`;
  if (hasValueMap) {
    if (isOptionType(t) || t === "Boolean" || isTextType(t) || isNumericType(t)) return null;
    return `${pair} cannot be related by a value map.`;
  }
  switch (erp.type) {
    case "text":
    case "code":
      return isTextType(t) ? null : `${pair} are not compatible${isOptionType(t) || t === "Boolean" ? ": add a value map" : ""}.`;
    case "decimal":
      return t === "Money" || t === "Decimal" || t === "Double" ? null : `${pair} are not compatible: the ERP field holds decimals.`;
    case "integer":
      return isNumericType(t) ? null : `${pair} are not compatible: the ERP field holds whole numbers.`;
    case "boolean":
      return t === "Boolean" ? null : `${pair} are not compatible: the ERP field holds yes/no.`;
    case "uuid":
      return t === "Uniqueidentifier" ? null : `${pair} are not compatible: the ERP field holds a record id.`;
    case "enum":
      return isTextType(t) ? null : `${pair} are not compatible: add a value map from ${erp.enumValues?.join(", ")}.`;
  }
}

function constantProblem(constant: string, erp: ErpFieldDef | undefined, attribute: DataverseAttribute | undefined): string | null {
  if (attribute) {
    if (isNumericType(attribute.type) || isOptionType(attribute.type)) {
      const n = Number(constant.trim());
      if (constant.trim() === "" || !Number.isFinite(n)) return `${attribute.logicalName} holds numbers: the constant must be a number.`;
      if (isOptionType(attribute.type) && !Number.isInteger(n)) return `${attribute.logicalName} is an option set: use the option's whole-number value.`;
    }
    if (attribute.type === "Boolean" && !/^(true|false)$/i.test(constant.trim())) return `${attribute.logicalName} is yes/no: the constant must be true or false.`;
    if (isGuidType(attribute.type) && !/^\{?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}?$/i.test(constant.trim())) {
      return `${attribute.logicalName} holds a record id: the constant must be a GUID.`;
    }
    if (attribute.maxLength !== undefined && constant.length > attribute.maxLength) {
      return `The constant is ${constant.length} characters long; ${attribute.logicalName} allows at most ${attribute.maxLength}.`;
    }
  }
  if (erp) {
    if (erp.type === "enum" && !erp.enumValues?.includes(constant.trim().toUpperCase())) return `${erp.label} must be one of ${erp.enumValues?.join(", ")}.`;
    if ((erp.type === "decimal" || erp.type === "integer") && !Number.isFinite(Number(constant.trim()))) return `${erp.label} holds numbers: the constant must be a number.`;
    if (erp.maxLength !== undefined && constant.length > erp.maxLength) return `The constant is ${constant.length} characters long; ${erp.label} allows at most ${erp.maxLength}.`;
  }
  return null;
}
