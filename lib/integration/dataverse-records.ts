import { runWithConcurrency } from "../dataverse/batch-executor.ts";
import type { DataverseClient } from "../dataverse/dataverse-client.ts";
import { DataverseError, dataverseErrorCodes, isChangeTrackingExpired } from "../dataverse/dataverse-error.ts";
import { and, gt, guid, inList, isGuid, normalizeGuid, type LiteralValue } from "../dataverse/odata-query.ts";
import type { Entity } from "../dataverse/response-schemas.ts";
import { findDataverseAttribute, isLookupType } from "./field-catalog.ts";
import { fromWebApiRow, type DataverseRecord } from "./field-transfer.ts";
import type { LoadedMapping } from "./mapping-loader.ts";
import { matchesFilter, toODataFilter } from "./table-filter.ts";

// Reading Dataverse records for a run: by id (the counterparts of ERP candidates), by attribute (natural matches),
// and what changed since the mapping's delta link (change tracking, reference §6) — with a fallback on a modifiedon
// watermark for tables without change tracking. Rows come back in the engine's form (fromWebApiRow).

const ID_CHUNK = 50;
/** The overlap of the modifiedon fallback: Dataverse timestamps have whole-second precision (BC: −999 ms). */
const MODIFIED_ON_OVERLAP_MS = 1_000;

export type DataverseRow = DataverseRecord & { __id: string; __version: bigint | null; __modifiedOn: string | null };

/** The $select of a mapping: id, version, modifiedon, primary name, mapped and filtered columns (lookups as _x_value). */
export function selectColumns(loaded: LoadedMapping): string[] {
  const attributes = loaded.entity.attributes;
  const names = new Set<string>([loaded.entity.primaryId, "versionnumber", "modifiedon", loaded.entity.primaryName]);
  for (const fm of loaded.fieldMappings) if (fm.isEnabled && fm.dataverseAttribute) names.add(fm.dataverseAttribute);
  for (const c of loaded.dataverseFilter) names.add(c.field);
  if (loaded.naturalMatch) names.add(loaded.naturalMatch.dataverseAttribute);
  const out: string[] = [];
  for (const name of names) {
    const attribute = findDataverseAttribute(attributes, name);
    if (!attribute) continue;
    out.push(isLookupType(attribute.type) ? `_${name}_value` : name);
  }
  return out;
}

function versionOf(row: Entity): bigint | null {
  const v = row.versionnumber;
  if (typeof v === "number" || typeof v === "string" || typeof v === "bigint") {
    try {
      return BigInt(v);
    } catch {
      return null;
    }
  }
  const etag = typeof row["@odata.etag"] === "string" ? /"(\d+)"/.exec(row["@odata.etag"]) : null;
  return etag ? BigInt(etag[1]) : null;
}

export function toDataverseRow(loaded: LoadedMapping, row: Entity): DataverseRow {
  const record = fromWebApiRow(row);
  const id = String(record[loaded.entity.primaryId] ?? "").toLowerCase();
  return { ...record, __id: id, __version: versionOf(row), __modifiedOn: typeof row.modifiedon === "string" ? row.modifiedon : null };
}

/** Whether a row passes the integration table filter (evaluated in memory: change tracking allows no $filter). */
export function passesIntegrationFilter(loaded: LoadedMapping, row: DataverseRecord): boolean {
  return matchesFilter(loaded.dataverseFilter, loaded.dataverseFilterFields, row);
}

export async function fetchByIds(client: DataverseClient, loaded: LoadedMapping, ids: readonly string[], signal?: AbortSignal): Promise<Map<string, DataverseRow>> {
  const out = new Map<string, DataverseRow>();
  const unique = [...new Set(ids.filter(isGuid).map((id) => normalizeGuid(id)))];
  const select = selectColumns(loaded);
  const rows = await queryChunks(client, unique, (ids) => client.queryAll(loaded.entity.entitySet, { select, filter: inList(loaded.entity.primaryId, ids.map((id) => guid(id))) }, { signal }));
  for (const row of rows) {
    const r = toDataverseRow(loaded, row);
    out.set(r.__id, r);
  }
  return out;
}

/**
 * One query per 50 values, as many at once as the client sends $batch requests: a full synchronization's From pass
 * reads thousands of records by id, and one query after another took 40 s per 5,000 records at 400 ms latency.
 * The rows come in the values' order.
 */
async function queryChunks<T>(client: DataverseClient, values: T[], query: (chunk: T[]) => Promise<Entity[]>): Promise<Entity[]> {
  const starts = Array.from({ length: Math.ceil(values.length / ID_CHUNK) }, (_, i) => i * ID_CHUNK);
  const results: Entity[][] = new Array(starts.length);
  await runWithConcurrency(starts, client.config.limits.batchConcurrency, async (start) => {
    results[start / ID_CHUNK] = await query(values.slice(start, start + ID_CHUNK));
  });
  return results.flat();
}

export async function fetchByAttribute(client: DataverseClient, loaded: LoadedMapping, attribute: string, values: readonly LiteralValue[], signal?: AbortSignal): Promise<DataverseRow[]> {
  const out: DataverseRow[] = [];
  const unique = [...new Set(values)];
  const select = selectColumns(loaded);
  const rows = await queryChunks(client, unique, (values) => client.queryAll(loaded.entity.entitySet, { select, filter: inList(attribute, values) }, { signal }));
  out.push(...rows.map((row) => toDataverseRow(loaded, row)));
  return out;
}

export type ChangePage = {
  upserts: DataverseRow[];
  deletedIds: string[];
  /** Set on the last page: the new delta link (change tracking) or modifiedon watermark (fallback). */
  nextDeltaLink: string | null;
  nextModifiedOn: Date | null;
  isLast: boolean;
};

function isChangeTrackingUnavailable(error: unknown): boolean {
  return error instanceof DataverseError && (error.code === dataverseErrorCodes.changeTrackingNotEnabled || /change tracking/i.test(error.message)) && !isChangeTrackingExpired(error);
}

/**
 * What changed in Dataverse since the mapping's delta link; without one, every row (initial read) and a delta link.
 * An expired link (ChangeTrackingExpiredError) restarts with a full read (`restarted` tells the caller). Tables
 * without change tracking fall back to `modifiedon gt watermark − 1 s` (overlap; the engine's value comparison makes
 * re-reads harmless).
 */
export async function* readDataverseChanges(
  client: DataverseClient,
  loaded: LoadedMapping,
  options: { signal?: AbortSignal; onRestart?: (reason: "expired") => void } = {},
): AsyncGenerator<ChangePage> {
  const select = selectColumns(loaded);
  let deltaLink = loaded.row.dataverseDeltaLink;
  if (!loaded.row.dataverseModifiedOnWatermark || deltaLink) {
    try {
      yield* deltaPages(client, loaded, select, deltaLink, options.signal);
      return;
    } catch (error) {
      if (isChangeTrackingExpired(error)) {
        options.onRestart?.("expired");
        deltaLink = null;
        yield* deltaPages(client, loaded, select, null, options.signal);
        return;
      }
      if (!isChangeTrackingUnavailable(error)) throw error;
    }
  }
  yield* modifiedOnPages(client, loaded, select, loaded.row.dataverseModifiedOnWatermark, options.signal);
}

async function* deltaPages(client: DataverseClient, loaded: LoadedMapping, select: string[], deltaLink: string | null, signal?: AbortSignal): AsyncGenerator<ChangePage> {
  for await (const page of client.changes(loaded.entity.entitySet, { select, deltaLink, signal })) {
    yield {
      upserts: page.upserts.map((row) => toDataverseRow(loaded, row)),
      deletedIds: page.deletes.map((d) => d.id.toLowerCase()),
      nextDeltaLink: page.deltaLink,
      nextModifiedOn: null,
      isLast: !page.nextLink,
    };
  }
}

async function* modifiedOnPages(client: DataverseClient, loaded: LoadedMapping, select: string[], watermark: Date | null, signal?: AbortSignal): AsyncGenerator<ChangePage> {
  const since = watermark ? new Date(watermark.getTime() - MODIFIED_ON_OVERLAP_MS) : null;
  const parts = [since ? gt("modifiedon", since) : null, toODataFilter(loaded.dataverseFilter, loaded.dataverseFilterFields)].filter((f) => f !== null && f !== undefined);
  const filter = parts.length > 0 ? and(...parts) : undefined;
  let latest = watermark;
  const pages = client.queryPages(loaded.entity.entitySet, { select, filter, orderBy: [{ path: "modifiedon" }] }, { signal });
  for await (const page of pages) {
    const rows = page.value.map((row) => toDataverseRow(loaded, row));
    for (const r of rows) {
      const t = r.__modifiedOn ? new Date(r.__modifiedOn) : null;
      if (t && (!latest || t > latest)) latest = t;
    }
    yield { upserts: rows, deletedIds: [], nextDeltaLink: null, nextModifiedOn: page.nextLink ? null : latest, isLast: !page.nextLink };
  }
}

