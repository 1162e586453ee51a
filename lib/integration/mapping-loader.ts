import { renderText, serverMessage, type ServerMessage } from "../actions/server-message.ts";
import type { Db, Tx } from "../db/db-client.ts";
import type { ConfigTemplate, IntegrationFieldMapping, IntegrationTableMapping } from "../db/generated/client.ts";
import { naturalMatchRule, type NaturalMatchRule } from "./default-mappings.ts";
import { DATAVERSE_ENTITIES, dataverseAttributesOf, ERP_FIELDS, type DataverseEntityDef } from "./field-catalog.ts";
import { lookupTargetsOf } from "./field-transfer.ts";
import { parseTransformation, type FieldMappingDef } from "./mapping-schema.ts";
import type { MappingPolicy } from "./sync-decision.ts";
import { dataverseFilterFields, erpFilterFields, parseTableFilter, type FilterField, type TableFilter } from "./table-filter.ts";

// A mapping row with everything a run needs parsed once: field mappings as FieldMappingDef, filters, templates,
// lookup targets. A stored value that does not parse stops the run with a message naming it (never guessed).

export class MappingConfigError extends Error {
  override name = "MappingConfigError";
  /** The message as a catalog message; its English is the error's message (stored on the job, shown translated). */
  readonly described?: ServerMessage;

  constructor(message: string | ServerMessage) {
    super(typeof message === "string" ? message : renderText("en", message));
    if (typeof message !== "string") this.described = message;
  }
}

export type ParsedTemplate = { side: "ERP" | "DATAVERSE"; code: string; priority: number; filter: TableFilter; values: Record<string, unknown> };

export type LoadedMapping = {
  row: IntegrationTableMapping;
  policy: MappingPolicy;
  fieldMappings: FieldMappingDef[];
  entity: DataverseEntityDef;
  erpFilter: TableFilter;
  dataverseFilter: TableFilter;
  erpFilterFields: FilterField[];
  dataverseFilterFields: FilterField[];
  templates: ParsedTemplate[];
  naturalMatch: NaturalMatchRule | null;
  /** Lookup attribute → target entity, for toWebApiPayload. */
  lookupTargets: Record<string, string>;
  /** Names of the mappings whose couplings translate this mapping's lookups (its parents). */
  parentMappings: string[];
};

export type MappingBrief = { id: string; name: string; erpTable: IntegrationTableMapping["erpTable"]; dataverseEntity: string };

function toFieldMappingDef(row: IntegrationFieldMapping, mappingName: string): FieldMappingDef {
  const transformation = parseTransformation(row.transformation);
  if (!transformation.ok) {
    throw new MappingConfigError(
      serverMessage("engine.invalidTransformation", {
        erpField: row.erpField ?? "(constant)",
        attribute: row.dataverseAttribute ?? "(constant)",
        mapping: mappingName,
        detail: transformation.message,
      }),
    );
  }
  return {
    erpField: row.erpField,
    dataverseAttribute: row.dataverseAttribute,
    direction: row.direction,
    constantValue: row.constantValue,
    transformation: transformation.value,
    clearValueOnFailedSync: row.clearValueOnFailedSync,
    notNull: row.notNull,
    isEnabled: row.isEnabled,
    useForMatchBasedCoupling: row.useForMatchBasedCoupling,
    caseSensitiveMatching: row.caseSensitiveMatching,
    matchPriority: row.matchPriority,
    isUserDefined: row.isUserDefined,
    sortOrder: row.sortOrder,
  };
}

/** Which stored filter a run reads: a mapping's own filters, or a config template's (by its code). */
type FilterOwner = "tableFilter" | "integrationTableFilter" | { template: string };

function parseFilter(json: unknown, fields: FilterField[], owner: FilterOwner, mappingName: string): TableFilter {
  const parsed = parseTableFilter(json, fields);
  if (parsed.success) return parsed.data;
  const params = { mapping: mappingName, detail: parsed.error.issues.map((i) => i.message).join(" ") };
  throw new MappingConfigError(
    owner === "tableFilter"
      ? serverMessage("engine.invalidTableFilter", params)
      : owner === "integrationTableFilter"
        ? serverMessage("engine.invalidIntegrationTableFilter", params)
        : serverMessage("engine.invalidTemplateFilter", { ...params, code: owner.template }),
  );
}

export function buildLoadedMapping(
  row: IntegrationTableMapping & { fieldMappings: IntegrationFieldMapping[]; configTemplates: ConfigTemplate[] },
  all: readonly MappingBrief[],
): LoadedMapping {
  const entity = DATAVERSE_ENTITIES[row.dataverseEntity];
  if (!entity) throw new MappingConfigError(serverMessage("engine.unknownEntity", { mapping: row.name, entity: row.dataverseEntity }));
  const fieldMappings = [...row.fieldMappings].sort((a, b) => a.sortOrder - b.sortOrder).map((fm) => toFieldMappingDef(fm, row.name));
  const erpFields = erpFilterFields(row.erpTable, ERP_FIELDS[row.erpTable]);
  const dvFields = dataverseFilterFields(dataverseAttributesOf(row.dataverseEntity));
  const templates = row.configTemplates
    .map((t) => ({
      side: t.side,
      code: t.code,
      priority: t.priority,
      filter: parseFilter(t.filter, t.side === "ERP" ? erpFields : dvFields, { template: t.code }, row.name),
      values: typeof t.values === "object" && t.values !== null && !Array.isArray(t.values) ? (t.values as Record<string, unknown>) : {},
    }))
    .sort((a, b) => a.priority - b.priority);
  const parentMappings = [
    ...new Set(fieldMappings.filter((fm) => fm.isEnabled && fm.transformation?.lookup).map((fm) => fm.transformation!.lookup!.mapping)),
  ];
  return {
    row,
    policy: {
      name: row.name,
      erpTable: row.erpTable,
      dataverseEntity: row.dataverseEntity,
      direction: row.direction,
      syncOnlyCoupledRecords: row.syncOnlyCoupledRecords,
      updateConflictResolution: row.updateConflictResolution,
      deletionConflictResolution: row.deletionConflictResolution,
    },
    fieldMappings,
    entity,
    erpFilter: parseFilter(row.tableFilter, erpFields, "tableFilter", row.name),
    dataverseFilter: parseFilter(row.integrationTableFilter, dvFields, "integrationTableFilter", row.name),
    erpFilterFields: erpFields,
    dataverseFilterFields: dvFields,
    templates,
    naturalMatch: naturalMatchRule(row.name),
    lookupTargets: lookupTargetsOf(fieldMappings, all),
    parentMappings,
  };
}

export async function loadMappingBriefs(db: Db | Tx): Promise<MappingBrief[]> {
  return db.integrationTableMapping.findMany({ select: { id: true, name: true, erpTable: true, dataverseEntity: true } });
}

export async function loadMapping(db: Db | Tx, mappingId: string): Promise<LoadedMapping | null> {
  const row = await db.integrationTableMapping.findUnique({ where: { id: mappingId }, include: { fieldMappings: true, configTemplates: true } });
  if (!row) return null;
  return buildLoadedMapping(row, await loadMappingBriefs(db));
}
