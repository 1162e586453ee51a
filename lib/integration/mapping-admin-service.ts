import { ActionError, actionError } from "../actions/action-result.ts";
import { renderText, serverMessage } from "../actions/server-message.ts";
import { writeAuditEntry, type AuditActor } from "../auth/audit-entry.ts";
import type { Db } from "../db/db-client.ts";
import type { MappingStatus, SyncDirection, ErpTable } from "../db/generated/enums.ts";
import { dataverseAttributesOf, ERP_FIELDS } from "./field-catalog.ts";
import { entityDefOf, erpDelegate, type OperationDeps } from "./operation-context.ts";
import { failingStateOf, type FailingState } from "./run-backoff.ts";
import { dataverseFilterFields, erpFilterFields, tableFilterSchema, toODataFilter, toPrismaWhere, type FilterField } from "./table-filter.ts";

// What the Integration Table Mappings page and the mapping editor read beyond mapping-edit-service.ts: the list's
// run facts (last / next run, couplings, open errors), Pause / Resume, the live "N records match" count of a filter
// being edited, and the audit trail of a mapping.

export type MappingOverview = {
  name: string;
  erpTable: ErpTable;
  dataverseEntity: string;
  direction: SyncDirection;
  status: MappingStatus;
  isEnabled: boolean;
  isRunning: boolean;
  lastRunAt: string | null;
  nextRunAt: string | null;
  couplings: number;
  openErrors: number;
  scheduleSeconds: number;
  /** Automatic runs failing in a row (run-backoff.ts): since when, how many, and when the next automatic attempt is. */
  failing: FailingState | null;
};

export async function listMappingOverview(db: Db, now = new Date()): Promise<MappingOverview[]> {
  const [rows, errors, running] = await Promise.all([
    db.integrationTableMapping.findMany({ orderBy: { name: "asc" }, include: { _count: { select: { couplings: true } } } }),
    db.coupling.groupBy({ by: ["mappingId"], where: { OR: [{ errorClass: { not: null } }, { isSkipped: true }] }, _count: { _all: true } }),
    db.syncJob.groupBy({ by: ["mappingId"], where: { status: "RUNNING" }, _count: { _all: true } }),
  ]);
  const errorsOf = new Map(errors.map((e) => [e.mappingId, e._count._all]));
  const runningOf = new Set(running.map((r) => r.mappingId));
  return rows.map((m) => {
    const isActive = m.isEnabled && m.status !== "PAUSED" && m.status !== "ON_HOLD";
    const isRunning = runningOf.has(m.id) || m.fullSyncRunning || (m.runLeaseUntil !== null && m.runLeaseUntil > now);
    // The scheduler runs each active mapping every scheduleSeconds; before the first run it is due at once. A failing
    // mapping's schedule waits for its next attempt (run-backoff.ts).
    const scheduled = (m.lastRunAt?.getTime() ?? now.getTime()) + m.scheduleSeconds * 1000;
    const next = isActive ? new Date(Math.max(now.getTime(), scheduled, m.nextAttemptAt?.getTime() ?? 0)) : null;
    return {
      name: m.name,
      erpTable: m.erpTable,
      dataverseEntity: m.dataverseEntity,
      direction: m.direction,
      status: isRunning && m.status === "READY" ? "RUNNING" : m.status,
      isEnabled: m.isEnabled,
      isRunning,
      lastRunAt: m.lastRunAt?.toISOString() ?? null,
      nextRunAt: next?.toISOString() ?? null,
      couplings: m._count.couplings,
      openErrors: errorsOf.get(m.id) ?? 0,
      scheduleSeconds: m.scheduleSeconds,
      failing: failingStateOf(m, isActive),
    };
  });
}

/** Pause stops scheduled and change-triggered runs of the mapping; Resume lets them run again. Manual runs still work. */
export async function setMappingPaused(db: Db, actor: AuditActor, name: string, isPaused: boolean): Promise<MappingStatus> {
  const key = name.trim().toUpperCase();
  const row = await db.integrationTableMapping.findUnique({ where: { name: key } });
  if (!row) throw actionError("not_found", serverMessage("errors.noMappingNamed", { name: key }));
  const status: MappingStatus = isPaused ? "PAUSED" : "READY";
  if (row.status === status) return status;
  await db.integrationTableMapping.update({ where: { id: row.id }, data: { status, rowVersion: { increment: 1 } } });
  await writeAuditEntry(db, actor, { action: isPaused ? "mapping.pause" : "mapping.resume", entityType: "IntegrationTableMapping", entityId: row.id, before: { status: row.status }, after: { status } });
  return status;
}

export function filterFieldsOf(side: "erp" | "dataverse", erpTable: ErpTable, dataverseEntity: string): FilterField[] {
  return side === "erp" ? erpFilterFields(erpTable, ERP_FIELDS[erpTable]) : dataverseFilterFields(dataverseAttributesOf(dataverseEntity));
}

/** How many records of one side a filter (as edited, not yet saved) selects. Invalid filters throw with field paths. */
export async function countFilterMatches(deps: OperationDeps, name: string, side: "erp" | "dataverse", filter: unknown): Promise<number> {
  const key = name.trim().toUpperCase();
  const row = await deps.db.integrationTableMapping.findUnique({ where: { name: key } });
  if (!row) throw actionError("not_found", serverMessage("errors.noMappingNamed", { name: key }));
  const fields = filterFieldsOf(side, row.erpTable, row.dataverseEntity);
  const parsed = tableFilterSchema(fields).safeParse(filter);
  if (!parsed.success) {
    const prefix = side === "erp" ? "tableFilter" : "integrationTableFilter";
    const fieldErrors: Record<string, string[]> = {};
    for (const issue of parsed.error.issues) (fieldErrors[[prefix, ...issue.path.map(String)].join(".")] ??= []).push(issue.message);
    throw new ActionError("invalid", renderText("en", serverMessage("errors.filterIncomplete")), fieldErrors, { message: serverMessage("errors.filterIncomplete") });
  }
  if (side === "erp") return erpDelegate(deps.db, row.erpTable).count({ where: toPrismaWhere(parsed.data, fields) });
  const def = entityDefOf(row.dataverseEntity);
  for await (const page of deps.client.queryPages(def.entitySet, { filter: toODataFilter(parsed.data, fields), count: true, select: [def.primaryId] }, { pageSize: 1 })) {
    return page.count ?? page.value.length;
  }
  return 0;
}

export type AuditView = { id: string; at: string; actor: string; action: string; before: unknown; after: unknown };

export async function auditTrailOf(db: Db, entityType: string, entityId: string, take = 50): Promise<AuditView[]> {
  const rows = await db.auditEntry.findMany({ where: { entityType, entityId }, orderBy: [{ at: "desc" }, { id: "desc" }], take });
  return rows.map((r) => ({ id: r.id.toString(), at: r.at.toISOString(), actor: r.actor, action: r.action, before: r.before, after: r.after }));
}
