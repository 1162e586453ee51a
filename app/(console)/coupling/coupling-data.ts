import { getLocale } from "next-intl/server";
import type { SessionUser } from "../../../lib/auth/authorize.ts";
import { roleHasPermission } from "../../../lib/auth/permissions.ts";
import { getDb } from "../../../lib/db/db-client.ts";
import { effectiveEnvironmentUrl, findEnabledConnection, getDataverseClient } from "../../../lib/integration/dataverse-connection.ts";
import { dataverseName, erpDelegate, fetchDataverseRecord } from "../../../lib/integration/operation-context.ts";
import { localizeEngineMessage } from "../../../lib/integration/engine-messages.ts";
import { jobSummaries, recordLogOf } from "../../../lib/integration/job-queries.ts";
import type { ListCoupling } from "../../../components/coupling/coupling-action-props.ts";
import type { CardCoupling, CouplingPermissions, RecordLogEntry, SyncStatus } from "../../../components/coupling/coupling-types.ts";
import { syncStatusOf } from "../../../components/coupling/sync-status.ts";
import { couplingActionSet } from "./coupling-action-set.ts";
import type { CouplingTable } from "./coupling-operations.ts";

// What the lists and cards show about couplings. Lists load the couplings of the visible page only (indexed queries
// by id), so paging stays as fast as without them.

export function couplingPermissions(user: SessionUser): CouplingPermissions {
  return {
    canCouple: roleHasPermission(user.role, "coupling.manage"),
    canSync: roleHasPermission(user.role, "sync.run"),
    canRead: roleHasPermission(user.role, "integration.read"),
  };
}

/**
 * The synchronization status of the visible page's coupled records, by ERP id; a record without an entry is not
 * coupled. Only the coupled records' row versions are read (a page of records nobody coupled costs one query).
 */
export async function rowStatuses(table: CouplingTable, ids: readonly string[]): Promise<Record<string, SyncStatus>> {
  if (ids.length === 0) return {};
  const db = getDb();
  const couplings = await db.coupling.findMany({
    where: { erpTable: table, erpId: { in: [...ids] } },
    select: { erpId: true, isSkipped: true, errorClass: true, conflict: true, lastToResult: true, lastFromResult: true, lastSyncedErpVersion: true },
  });
  if (couplings.length === 0) return {};
  const versions = await erpDelegate(db, table).findMany({ where: { id: { in: couplings.map((c) => c.erpId) } }, select: { id: true, rowVersion: true } });
  const versionOf = new Map(versions.map((v) => [v.id, v.rowVersion]));
  return Object.fromEntries(couplings.map((c) => [c.erpId, syncStatusOf(c, versionOf.get(c.erpId))]));
}

/** What a list gets for its coupling column and selection actions; nothing for a role that may not see couplings. */
export async function listCoupling(user: SessionUser, table: CouplingTable, ids: readonly string[]): Promise<ListCoupling | undefined> {
  const permissions = couplingPermissions(user);
  if (!permissions.canRead) return undefined;
  const [statuses, mappingDirection] = await Promise.all([rowStatuses(table, ids), mappingDirectionOf(table)]);
  return { statuses, permissions, mappingDirection, actions: couplingActionSet };
}

/** The record's page in Dataverse: the emulator's HTML view, or the model-driven app's record form. */
function dataverseRecordUrl(connection: { environmentUrl: string; isEmulator: boolean }, entity: string, id: string): string {
  const base = effectiveEnvironmentUrl(connection).replace(/\/+$/, "");
  if (connection.isEmulator) return `${base}/ui/edit?entity=${encodeURIComponent(entity)}&id=${encodeURIComponent(id)}`;
  return `${base}/main.aspx?pagetype=entityrecord&etn=${encodeURIComponent(entity)}&id=${encodeURIComponent(id)}`;
}

export async function cardCoupling(table: CouplingTable, record: { id: string; rowVersion: number }): Promise<CardCoupling> {
  const db = getDb();
  const [coupling, mapping] = await Promise.all([
    db.coupling.findUnique({ where: { erpTable_erpId: { erpTable: table, erpId: record.id } } }),
    db.integrationTableMapping.findFirst({ where: { erpTable: table }, orderBy: [{ isEnabled: "desc" }, { createdAt: "asc" }], select: { direction: true } }),
  ]);
  const empty: CardCoupling = {
    status: "notCoupled",
    dataverseId: null,
    dataverseName: null,
    dataverseExists: null,
    openUrl: null,
    errorMessage: null,
    lastToResult: "NONE",
    lastToAt: null,
    lastFromResult: "NONE",
    lastFromAt: null,
    mappingDirection: mapping?.direction ?? null,
  };
  if (!coupling) return empty;
  const connection = await findEnabledConnection(db);
  let name: string | null = null;
  let exists: boolean | null = null;
  if (connection) {
    // The card must open even when Dataverse cannot be reached: the panel then shows the id only.
    try {
      const row = await fetchDataverseRecord(await getDataverseClient(db), coupling.dataverseEntity, coupling.dataverseId);
      exists = row !== null;
      name = row ? dataverseName(coupling.dataverseEntity, row).replace(/^'|'$/g, "") : null;
    } catch {
      exists = null;
    }
  }
  return {
    ...empty,
    status: syncStatusOf(coupling, record.rowVersion),
    dataverseId: coupling.dataverseId,
    dataverseName: name,
    dataverseExists: exists,
    openUrl: connection ? dataverseRecordUrl(connection, coupling.dataverseEntity, coupling.dataverseId) : null,
    errorMessage: coupling.errorMessage,
    lastToResult: coupling.lastToResult,
    lastToAt: coupling.lastToAt?.toISOString() ?? null,
    lastFromResult: coupling.lastFromResult,
    lastFromAt: coupling.lastFromAt?.toISOString() ?? null,
  };
}

/** The record's Synchronization Log: its lines, newest first, with each job's type, direction and outcome. */
export async function recordLog(table: CouplingTable, erpId: string): Promise<RecordLogEntry[]> {
  const db = getDb();
  const lines = await recordLogOf(db, table, erpId, 100);
  const jobs = new Map((await jobSummaries(db, [...new Set(lines.map((l) => l.jobId))])).map((j) => [j.id, j]));
  const locale = await getLocale();
  return lines.map((line) => {
    const job = jobs.get(line.jobId);
    return {
      jobId: line.jobId,
      at: line.at,
      outcome: line.outcome,
      message: localizeEngineMessage(locale, line.message),
      jobType: job?.type ?? null,
      direction: job?.direction ?? null,
      jobStatus: job?.status ?? null,
      jobMessage: localizeEngineMessage(locale, job?.message ?? null),
    };
  });
}

export async function mappingDirectionOf(table: CouplingTable): Promise<string | null> {
  const mapping = await getDb().integrationTableMapping.findFirst({ where: { erpTable: table }, orderBy: [{ isEnabled: "desc" }, { createdAt: "asc" }], select: { direction: true } });
  return mapping?.direction ?? null;
}
