import { ActionError, actionError } from "../actions/action-result.ts";
import { renderText, serverMessage, type LocalText, type MessageParam, type ServerMessage, type ServerMessageKey } from "../actions/server-message.ts";
import type { AuditActor } from "../auth/audit-entry.ts";
import type { SessionUser } from "../auth/authorize.ts";
import type { DataverseClient } from "../dataverse/dataverse-client.ts";
import { and, eq, guid, inList, normalizeGuid, type Filter } from "../dataverse/odata-query.ts";
import type { Db, Tx } from "../db/db-client.ts";
import type { IntegrationFieldMapping, IntegrationTableMapping } from "../db/generated/client.ts";
import type { ErpTable } from "../db/generated/enums.ts";
import type { Logger } from "../log/logger.ts";
import { DATAVERSE_ENTITIES, dataverseAttributesOf, dataverseNoun, ERP_KEY_FIELDS, ERP_TABLE_NOUNS, type DataverseEntityDef } from "./field-catalog.ts";
import {
  compareFields,
  fromWebApiRow,
  lookupQueries,
  type DataverseRecord,
  type ErpRecord,
  type FieldState,
  type ResolveLookup,
} from "./field-transfer.ts";
import { resolveLookups } from "./lookup-resolution.ts";
import { loadMappingBriefs } from "./mapping-loader.ts";
import { parseTransformation, type FieldMappingDef } from "./mapping-schema.ts";
import type { MappingPolicy } from "./sync-decision.ts";
import { dataverseFilterFields, describeFilter, erpFilterFields, parseTableFilter, toODataFilter, toPrismaWhere, type TableFilter } from "./table-filter.ts";

// What the manual operations (coupling, uncoupling, match-based coupling, Synchronize Now, the errors page, full
// synchronization, open from Dataverse) share: loading a mapping with its field mappings, reading ERP records of any
// mapped table, reading Dataverse rows, translating lookups through couplings, and naming records in messages.

export type OperationDeps = { db: Db; client: DataverseClient; log?: Logger };

export function actorOf(user: Pick<SessionUser, "id" | "email">): AuditActor {
  return { id: user.id, label: user.email };
}

// ───────────── mappings ─────────────

type MappingRow = IntegrationTableMapping & { fieldMappings: IntegrationFieldMapping[] };

export type LoadedMapping = {
  row: IntegrationTableMapping;
  policy: MappingPolicy;
  fieldMappings: FieldMappingDef[];
  /** Field mapping rows with their ids, in sort order (criteria editing needs the ids). */
  fieldRows: IntegrationFieldMapping[];
};

export function toFieldMappingDef(fm: IntegrationFieldMapping): FieldMappingDef {
  const transformation = parseTransformation(fm.transformation);
  return {
    erpField: fm.erpField,
    dataverseAttribute: fm.dataverseAttribute,
    direction: fm.direction,
    constantValue: fm.constantValue,
    transformation: transformation.ok ? transformation.value : null,
    clearValueOnFailedSync: fm.clearValueOnFailedSync,
    notNull: fm.notNull,
    isEnabled: fm.isEnabled,
    useForMatchBasedCoupling: fm.useForMatchBasedCoupling,
    caseSensitiveMatching: fm.caseSensitiveMatching,
    matchPriority: fm.matchPriority,
    isUserDefined: fm.isUserDefined,
    sortOrder: fm.sortOrder,
  };
}

function toLoaded(row: MappingRow): LoadedMapping {
  const { fieldMappings, ...mapping } = row;
  const sorted = [...fieldMappings].sort((a, b) => a.sortOrder - b.sortOrder);
  return {
    row: mapping,
    policy: {
      name: mapping.name,
      erpTable: mapping.erpTable,
      dataverseEntity: mapping.dataverseEntity,
      direction: mapping.direction,
      syncOnlyCoupledRecords: mapping.syncOnlyCoupledRecords,
      updateConflictResolution: mapping.updateConflictResolution,
      deletionConflictResolution: mapping.deletionConflictResolution,
    },
    fieldMappings: sorted.map(toFieldMappingDef),
    fieldRows: sorted,
  };
}

export async function loadMappingByName(db: Db | Tx, name: string): Promise<LoadedMapping> {
  const row = await db.integrationTableMapping.findUnique({ where: { name: name.trim().toUpperCase() }, include: { fieldMappings: true } });
  if (!row) throw actionError("not_found", serverMessage("errors.noMappingNamed", { name: name.trim().toUpperCase() }));
  return toLoaded(row);
}

export async function loadMappingById(db: Db | Tx, id: string): Promise<LoadedMapping> {
  const row = await db.integrationTableMapping.findUnique({ where: { id }, include: { fieldMappings: true } });
  if (!row) throw actionError("not_found", serverMessage("errors.mappingGone"));
  return toLoaded(row);
}

/** The mapping that couples an ERP table (couplings are unique per ERP record, so one mapping per table). */
export async function mappingForTable(db: Db | Tx, table: ErpTable): Promise<LoadedMapping> {
  const row = await db.integrationTableMapping.findFirst({ where: { erpTable: table }, orderBy: [{ isEnabled: "desc" }, { createdAt: "asc" }], include: { fieldMappings: true } });
  if (!row) throw actionError("not_found", serverMessage("errors.noMappingFor", { noun: { key: `tableNouns.${table}` } }));
  return toLoaded(row);
}

export async function mappingForEntity(db: Db | Tx, entity: string): Promise<LoadedMapping | null> {
  const row = await db.integrationTableMapping.findFirst({ where: { dataverseEntity: entity }, orderBy: [{ isEnabled: "desc" }, { createdAt: "asc" }], include: { fieldMappings: true } });
  return row ? toLoaded(row) : null;
}

export function entityDefOf(entity: string): DataverseEntityDef {
  const def = DATAVERSE_ENTITIES[entity];
  if (!def) throw actionError("invalid", serverMessage("errors.unknownEntity", { entity }));
  return def;
}

export function integrationFilterOf(mapping: LoadedMapping): TableFilter {
  const parsed = parseTableFilter(mapping.row.integrationTableFilter, dataverseFilterFields(dataverseAttributesOf(mapping.row.dataverseEntity)));
  return parsed.success ? parsed.data : [];
}

export function integrationODataFilter(mapping: LoadedMapping): Filter | undefined {
  return toODataFilter(integrationFilterOf(mapping), dataverseFilterFields(dataverseAttributesOf(mapping.row.dataverseEntity)));
}

export function describeIntegrationFilter(mapping: LoadedMapping): string {
  return describeFilter(integrationFilterOf(mapping), dataverseFilterFields(dataverseAttributesOf(mapping.row.dataverseEntity)));
}

export function erpWhereOf(mapping: LoadedMapping): Record<string, unknown> {
  const fields = erpFilterFields(mapping.row.erpTable);
  const parsed = parseTableFilter(mapping.row.tableFilter, fields);
  return parsed.success ? toPrismaWhere(parsed.data, fields) : {};
}

// ───────────── ERP records ─────────────

export type ErpRow = ErpRecord & { id: string; rowVersion: number };

type ErpDelegate = {
  findUnique(args: { where: Record<string, unknown> }): Promise<ErpRow | null>;
  findMany(args: { where?: Record<string, unknown>; select?: Record<string, boolean>; orderBy?: Record<string, string>; take?: number; skip?: number }): Promise<ErpRow[]>;
  count(args: { where?: Record<string, unknown> }): Promise<number>;
  delete(args: { where: { id: string } }): Promise<ErpRow>;
};

export function erpDelegate(db: Db | Tx, table: ErpTable): ErpDelegate {
  // The four delegates share the calls used here; their generated types differ only in the model.
  const delegates = { CUSTOMER: db.customer, CONTACT: db.contact, SALESPERSON: db.salesperson, CURRENCY: db.currency };
  return delegates[table] as unknown as ErpDelegate;
}

export function erpKeyOf(table: ErpTable, row: ErpRecord): string {
  return String(row[ERP_KEY_FIELDS[table]] ?? row.id ?? "");
}

export function findErpRecord(db: Db | Tx, table: ErpTable, id: string): Promise<ErpRow | null> {
  return erpDelegate(db, table).findUnique({ where: { id } });
}

export function findErpRecordByKey(db: Db | Tx, table: ErpTable, key: string): Promise<ErpRow | null> {
  return erpDelegate(db, table).findUnique({ where: { [ERP_KEY_FIELDS[table]]: key.trim().toUpperCase() } });
}

export async function requireErpRecordByKey(db: Db | Tx, table: ErpTable, key: string): Promise<ErpRow> {
  const row = await findErpRecordByKey(db, table, key);
  if (!row) throw actionError("not_found", serverMessage("errors.recordMissing", { record: { key: `recordNouns.${table}` }, no: key.trim().toUpperCase() }));
  return row;
}

export function erpName(table: ErpTable, row: ErpRecord | null, fallbackKey?: string): string {
  const key = row ? erpKeyOf(table, row) : (fallbackKey ?? "");
  return `${ERP_TABLE_NOUNS[table]} ${key}`.trim();
}

/** An ERP record named in a message ("customer C00010"), its noun in the reader's language. */
export function erpNameText(table: ErpTable, row: ErpRecord | null, fallbackKey?: string): MessageParam {
  const no = row ? erpKeyOf(table, row) : (fallbackKey ?? "");
  return serverMessage("names.erpRecord", { noun: { key: `tableNouns.${table}` }, no });
}

/** The console page of an ERP record (the Dataverse "open in ERP" link lands there). */
export function erpCardPath(table: ErpTable, row: ErpRecord): string {
  const base = { CUSTOMER: "/customers", CONTACT: "/contacts", SALESPERSON: "/salespeople", CURRENCY: "/currencies" }[table];
  return `${base}/${encodeURIComponent(erpKeyOf(table, row))}`;
}

// ───────────── Dataverse records ─────────────

export async function fetchDataverseRecord(client: DataverseClient, entity: string, id: string): Promise<DataverseRecord | null> {
  const def = entityDefOf(entity);
  const row = await client.tryRetrieve(def.entitySet, normalizeGuid(id));
  return row ? fromWebApiRow(row) : null;
}

const ID_CHUNK = 50;

/** Rows by id (absent ids are missing), optionally only those that pass `filter`. */
export async function fetchDataverseRecords(
  client: DataverseClient,
  entity: string,
  ids: readonly string[],
  filter?: Filter,
): Promise<Map<string, DataverseRecord>> {
  const def = entityDefOf(entity);
  const out = new Map<string, DataverseRecord>();
  const unique = [...new Set(ids.map((id) => normalizeGuid(id)))];
  for (let i = 0; i < unique.length; i += ID_CHUNK) {
    const chunk = unique.slice(i, i + ID_CHUNK);
    const rows = await client.queryAll(def.entitySet, { filter: and(inList(def.primaryId, chunk.map((id) => guid(id))), filter) });
    for (const row of rows) {
      const record = fromWebApiRow(row);
      out.set(normalizeGuid(String(record[def.primaryId])), record);
    }
  }
  return out;
}

/** Whether one Dataverse row passes a filter (the mapping's integration table filter), asked of Dataverse itself. */
export async function dataverseRowPasses(client: DataverseClient, entity: string, id: string, filter: Filter | undefined): Promise<boolean> {
  if (!filter) return true;
  const def = entityDefOf(entity);
  const rows = await client.queryAll(def.entitySet, { filter: and(eq(def.primaryId, guid(id)), filter), select: [def.primaryId] });
  return rows.length > 0;
}

export function dataverseName(entity: string, record: DataverseRecord | null, id?: string): string {
  const def = DATAVERSE_ENTITIES[entity];
  const name = def && record ? record[def.primaryName] : undefined;
  if (typeof name === "string" && name.trim()) return `'${name.trim()}'`;
  return id ?? String((def && record?.[def.primaryId]) ?? "");
}

export function dataverseRecordName(entity: string, record: DataverseRecord | null, id?: string): string {
  return `Dataverse ${dataverseNoun(entity)} ${dataverseName(entity, record, id)}`;
}

/** A Dataverse table's noun ("account") in the reader's language; a table the console does not know keeps its name. */
export function dataverseNounText(entity: string): MessageParam {
  return entity in DATAVERSE_ENTITIES ? { key: `dataverseNouns.${entity}` as ServerMessageKey } : dataverseNoun(entity);
}

/** dataverseRecordName as a message parameter ("Dataverse account 'Contoso'"). */
export function dataverseRecordNameText(entity: string, record: DataverseRecord | null, id?: string): MessageParam {
  return serverMessage("names.dataverseRecord", { noun: dataverseNounText(entity), name: dataverseName(entity, record, id) });
}

export function dataverseIdOf(entity: string, record: DataverseRecord): string {
  return normalizeGuid(String(record[entityDefOf(entity).primaryId]));
}

// ───────────── lookups through couplings ─────────────

/**
 * Both records' field states (values and translations), with lookups answered from the couplings as a run answers
 * them (lookup-resolution.ts). With a Dataverse client — previews and comparisons people read — a Dataverse parent is
 * named by its key or name rather than its GUID, and a parent a run would couple by natural match shows its
 * translation; no coupling is written. Without one, only existing couplings count (e.g. a snapshot being written).
 */
export async function compareRecords(
  db: Db | Tx,
  mapping: LoadedMapping,
  erp: ErpRecord | null,
  dataverse: DataverseRecord | null,
  client?: DataverseClient,
): Promise<{ states: FieldState[]; resolveLookup: ResolveLookup }> {
  const context = { erpTable: mapping.row.erpTable, dataverseEntity: mapping.row.dataverseEntity };
  const queries = lookupQueries(mapping.fieldMappings, context, erp, dataverse);
  const resolveLookup = await resolveLookups(db, queries, await loadMappingBriefs(db), client ? { client, side: "both", coupled: [], preview: true } : undefined);
  const states = compareFields({ context, fieldMappings: mapping.fieldMappings, erp, dataverse, resolveLookup });
  return { states, resolveLookup };
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * A well-formed request the current state does not allow (record not coupled, direction the mapping does not have,
 * a Dataverse record outside the mapping's filter): the API answers 422, actions show the message.
 */
export class UnprocessableError extends ActionError {
  override name = "UnprocessableError";
  constructor(message: ServerMessage, fieldErrors?: Record<string, LocalText[]>) {
    const english = (text: LocalText) => renderText("en", text);
    const englishFields = fieldErrors && Object.fromEntries(Object.entries(fieldErrors).map(([field, texts]) => [field, texts.map(english)]));
    super("invalid", english(message), englishFields, { message, fieldErrors });
  }
}
