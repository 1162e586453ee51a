import { ActionError, actionError } from "../actions/action-result.ts";
import { renderText, serverMessage, type LocalText, type ServerMessage } from "../actions/server-message.ts";
import { writeAuditEntries, writeAuditEntry, type AuditActor } from "../auth/audit-entry.ts";
import { normalizeGuid } from "../dataverse/odata-query.ts";
import type { Db } from "../db/db-client.ts";
import type { Coupling, Prisma } from "../db/generated/client.ts";
import type { ErpTable, SyncJobTrigger } from "../db/generated/enums.ts";
import { isUniqueViolation } from "../erp/prisma-errors.ts";
import { agreedSnapshot, type DataverseRecord } from "./field-transfer.ts";
import { addRecordLogs, advanceJob, finishJob, keepJobAlive, startJob } from "./job-queries.ts";
import {
  compareRecords,
  dataverseRecordNameText,
  dataverseRowPasses,
  describeIntegrationFilter,
  erpDelegate,
  erpKeyOf,
  erpNameText,
  fetchDataverseRecord,
  findErpRecord,
  findErpRecordByKey,
  integrationODataFilter,
  loadMappingById,
  mappingForTable,
  UnprocessableError,
  type ErpRow,
  type LoadedMapping,
  type OperationDeps,
} from "./operation-context.ts";
import { runSync, type RunDirection, type RunJobResult } from "./sync-run.ts";

// Set Up Coupling (BC §1.6, §2h): couple an ERP record to a chosen Dataverse record — refused when either side is
// already coupled or the Dataverse record is outside the mapping's integration table filter — or Create New (the
// engine's insert, row 4, then couple). Synchronize After Coupling runs a forced pass with the chosen side's data.

export type SyncAfterCoupling = "none" | "erp" | "dataverse";

export const SYNC_AFTER_COUPLING_DIRECTION: Record<Exclude<SyncAfterCoupling, "none">, RunDirection> = {
  erp: "TO_INTEGRATION_TABLE",
  dataverse: "FROM_INTEGRATION_TABLE",
};

export type CouplingView = {
  id: string;
  mapping: string;
  table: ErpTable;
  erpId: string;
  no: string;
  dataverseEntity: string;
  dataverseId: string;
  state: string;
  isSkipped: boolean;
  errorClass: string | null;
  errorMessage: string | null;
  lastToResult: string;
  lastFromResult: string;
  lastToAt: string | null;
  lastFromAt: string | null;
  createdAt: string;
};

export function toCouplingView(coupling: Coupling, mappingName: string, no: string): CouplingView {
  return {
    id: coupling.id,
    mapping: mappingName,
    table: coupling.erpTable,
    erpId: coupling.erpId,
    no,
    dataverseEntity: coupling.dataverseEntity,
    dataverseId: coupling.dataverseId,
    state: coupling.state,
    isSkipped: coupling.isSkipped,
    errorClass: coupling.errorClass,
    errorMessage: coupling.errorMessage,
    lastToResult: coupling.lastToResult,
    lastFromResult: coupling.lastFromResult,
    lastToAt: coupling.lastToAt?.toISOString() ?? null,
    lastFromAt: coupling.lastFromAt?.toISOString() ?? null,
    createdAt: coupling.createdAt.toISOString(),
  };
}

export type CoupleResult = {
  coupling: CouplingView | null;
  /** Jobs of the synchronization after coupling / of the create. */
  jobs: RunJobResult[];
  /** In English (the API, the job's log); `text` describes it, for the reader's language. */
  message: string;
  text: LocalText;
};

function withText(text: ServerMessage): { message: string; text: ServerMessage } {
  return { message: renderText("en", text), text };
}

/** The direction a sync-after-coupling choice needs, refused when the mapping does not have it. */
export function syncAfterDirection(mapping: LoadedMapping, choice: SyncAfterCoupling): RunDirection | null {
  if (choice === "none") return null;
  const direction = SYNC_AFTER_COUPLING_DIRECTION[choice];
  const allowed = mapping.row.direction === "BIDIRECTIONAL" || mapping.row.direction === direction;
  if (!allowed) {
    throw new UnprocessableError(serverMessage(choice === "erp" ? "errors.syncAfterNeverSends" : "errors.syncAfterNeverGets", { name: mapping.row.name }), {
      syncAfterCoupling: [serverMessage("fields.mappingIsDirection", { name: mapping.row.name, direction: { key: `directions.${mapping.row.direction}` } })],
    });
  }
  return direction;
}

async function couplingOfErp(db: Db, table: ErpTable, erpId: string) {
  return db.coupling.findUnique({ where: { erpTable_erpId: { erpTable: table, erpId } } });
}

async function erpRecordOfCoupling(db: Db, coupling: Coupling): Promise<ErpRow | null> {
  return findErpRecord(db, coupling.erpTable, coupling.erpId);
}

export type CouplingCheck = { mapping: LoadedMapping; erp: ErpRow; dataverse: DataverseRecord; dataverseId: string; alreadyCoupledToIt: boolean };

/**
 * Everything that must hold before coupling E to D, checked in BC's order; throws the user-facing refusal. Coupling
 * E to the D it is already coupled to is not an error (a retried request), reported as `alreadyCoupledToIt`.
 */
export async function checkCoupling(deps: OperationDeps, mapping: LoadedMapping, erp: ErpRow, dataverseIdInput: string): Promise<CouplingCheck> {
  const { db, client } = deps;
  const table = mapping.row.erpTable;
  const entity = mapping.row.dataverseEntity;
  const dataverseId = normalizeGuid(dataverseIdInput);
  const existing = await couplingOfErp(db, table, erp.id);
  if (existing && existing.dataverseId === dataverseId && existing.dataverseEntity === entity) {
    const dataverse = (await fetchDataverseRecord(client, entity, dataverseId)) ?? {};
    return { mapping, erp, dataverse, dataverseId, alreadyCoupledToIt: true };
  }
  if (existing) {
    const other = await fetchDataverseRecord(client, existing.dataverseEntity, existing.dataverseId).catch(() => null);
    throw actionError(
      "conflict",
      serverMessage("errors.alreadyCoupledDeleteFirst", { record: erpNameText(table, erp), dataverse: dataverseRecordNameText(existing.dataverseEntity, other, existing.dataverseId) }),
    );
  }
  const dataverse = await fetchDataverseRecord(client, entity, dataverseId);
  if (!dataverse) throw actionError("not_found", serverMessage("errors.dataverseRecordMissing", { entity, id: dataverseId }));
  const taken = await db.coupling.findUnique({ where: { dataverseEntity_dataverseId: { dataverseEntity: entity, dataverseId } } });
  if (taken) {
    const holder = await erpRecordOfCoupling(db, taken);
    throw actionError(
      "conflict",
      serverMessage("errors.dataverseAlreadyCoupled", { dataverse: dataverseRecordNameText(entity, dataverse, dataverseId), record: erpNameText(taken.erpTable, holder, taken.erpId) }),
    );
  }
  // BC §1.6: a Dataverse record the mapping's integration table filter hides cannot be picked.
  if (!(await dataverseRowPasses(client, entity, dataverseId, integrationODataFilter(mapping)))) {
    throw new UnprocessableError(
      serverMessage("errors.outsideFilter", { name: mapping.row.name, dataverse: dataverseRecordNameText(entity, dataverse, dataverseId), filter: describeIntegrationFilter(mapping) }),
      { dataverseId: [serverMessage("fields.outsideFilter", { name: mapping.row.name })] },
    );
  }
  return { mapping, erp, dataverse, dataverseId, alreadyCoupledToIt: false };
}

/**
 * Writes the coupling row. The snapshot holds only the fields both records already agree on, so the next pass of
 * the side that differs sends its value (or Synchronize After Coupling does it now). Versions stay unknown.
 */
export async function insertCoupling(db: Db, actor: AuditActor, check: CouplingCheck, via: string): Promise<Coupling> {
  const { mapping, erp, dataverse, dataverseId } = check;
  try {
    const [coupling] = await insertCouplingRows(db, actor, [check], via);
    return coupling;
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    // Another request coupled one of the two meanwhile: answer with the same message a fresh check gives.
    throw actionError(
      "conflict",
      serverMessage("errors.coupledMeanwhile", { record: erpNameText(mapping.row.erpTable, erp), dataverse: dataverseRecordNameText(mapping.row.dataverseEntity, dataverse, dataverseId) }),
    );
  }
}

/** The coupling rows (with the snapshot both sides agree on) and their audit entries, in one transaction. */
async function insertCouplingRows(db: Db, actor: AuditActor, checks: readonly CouplingCheck[], via: string): Promise<Coupling[]> {
  const rows: Prisma.CouplingCreateManyInput[] = [];
  for (const { mapping, erp, dataverse, dataverseId } of checks) {
    const { states } = await compareRecords(db, mapping, erp, dataverse);
    const snapshot = agreedSnapshot(states) as unknown as Prisma.InputJsonValue;
    rows.push({ mappingId: mapping.row.id, erpTable: mapping.row.erpTable, erpId: erp.id, dataverseEntity: mapping.row.dataverseEntity, dataverseId, snapshot });
  }
  return db.$transaction(async (tx) => {
    const created = await tx.coupling.createManyAndReturn({ data: rows });
    const byErp = new Map(created.map((c) => [c.erpId, c]));
    const ordered = checks.map((check) => byErp.get(check.erp.id)!);
    await writeAuditEntries(
      tx,
      actor,
      checks.map(({ mapping, erp, dataverseId }, i) => ({
        action: "coupling.create",
        entityType: "Coupling",
        entityId: ordered[i].id,
        after: { mapping: mapping.row.name, erp: erpKeyOf(mapping.row.erpTable, erp), erpId: erp.id, dataverseEntity: mapping.row.dataverseEntity, dataverseId, via },
      })),
    );
    return ordered;
  });
}

/**
 * insertCoupling for many checked pairs (match-based coupling): one transaction for all. When one of them was coupled
 * meanwhile by another request, each pair is inserted on its own, so the others still couple and that one answers
 * with its refusal.
 */
export async function insertCouplings(db: Db, actor: AuditActor, checks: readonly CouplingCheck[], via: string): Promise<(Coupling | ActionError)[]> {
  if (checks.length === 0) return [];
  try {
    return await insertCouplingRows(db, actor, checks, via);
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
  }
  const out: (Coupling | ActionError)[] = [];
  for (const check of checks) {
    try {
      out.push(await insertCoupling(db, actor, check, via));
    } catch (error) {
      if (!(error instanceof ActionError)) throw error;
      out.push(error);
    }
  }
  return out;
}

export type CoupleInput = {
  table: ErpTable;
  erpId: string;
  dataverseId: string;
  syncAfterCoupling: SyncAfterCoupling;
  trigger?: SyncJobTrigger;
  requestedById?: string;
};

/** Couples now and, if asked, runs the forced synchronization after coupling in this process. */
export async function coupleRecord(deps: OperationDeps, actor: AuditActor, input: CoupleInput): Promise<CoupleResult> {
  const prepared = await prepareCouple(deps, input);
  const coupling = prepared.check.alreadyCoupledToIt ? await couplingOfErp(deps.db, input.table, input.erpId) : await insertCoupling(deps.db, actor, prepared.check, "setUpCoupling");
  const jobs = prepared.direction ? await syncAfterCoupling(deps, prepared.check, prepared.direction, input) : [];
  return {
    coupling: coupling ? toCouplingView(coupling, prepared.check.mapping.row.name, erpKeyOf(input.table, prepared.check.erp)) : null,
    jobs,
    ...withText(coupledMessage(prepared.check, prepared.direction, jobs)),
  };
}

/** Validation of a coupling request (records, uniqueness, filter, direction); nothing is written. */
export async function prepareCouple(deps: OperationDeps, input: Pick<CoupleInput, "table" | "erpId" | "dataverseId" | "syncAfterCoupling">) {
  const mapping = await mappingForTable(deps.db, input.table);
  const erp = await findErpRecord(deps.db, input.table, input.erpId);
  if (!erp) throw actionError("not_found", serverMessage("errors.recordGone", { record: { key: `recordNouns.${input.table}` } }));
  const direction = syncAfterDirection(mapping, input.syncAfterCoupling);
  const check = await checkCoupling(deps, mapping, erp, input.dataverseId);
  return { check, direction };
}

export async function syncAfterCoupling(
  deps: OperationDeps,
  check: Pick<CouplingCheck, "mapping" | "erp" | "dataverseId">,
  direction: RunDirection,
  input: { trigger?: SyncJobTrigger; requestedById?: string },
): Promise<RunJobResult[]> {
  const result = await runSync(deps, {
    mappingId: check.mapping.row.id,
    direction,
    trigger: input.trigger ?? "MANUAL",
    scope: { erpIds: [check.erp.id], dataverseIds: [check.dataverseId] },
    force: true,
    overrideSyncOnlyCoupled: true,
    requestedById: input.requestedById,
  });
  return result.jobs;
}

// Stored in the job's log as well: each wording is an engine message, recognised when the log is shown.
function coupledMessage(check: CouplingCheck, direction: RunDirection | null, jobs: RunJobResult[]): ServerMessage {
  const params = {
    record: erpNameText(check.mapping.row.erpTable, check.erp),
    dataverse: dataverseRecordNameText(check.mapping.row.dataverseEntity, check.dataverse, check.dataverseId),
  };
  if (!direction) return serverMessage("engine.coupled", params);
  const failed = jobs.some((j) => j.counters.failed > 0 || j.status === "FAILED");
  const fromErp = direction === "TO_INTEGRATION_TABLE";
  if (failed) return serverMessage(fromErp ? "engine.coupledSyncFailedErp" : "engine.coupledSyncFailedDataverse", params);
  return serverMessage(fromErp ? "engine.coupledSynchronizedErp" : "engine.coupledSynchronizedDataverse", params);
}

// ───────────── Create New ─────────────

export type CreateNewInput = { table: ErpTable; erpId: string; trigger?: SyncJobTrigger; requestedById?: string };

/** Validation of Create New: the record exists, is not coupled, and the mapping sends data to Dataverse. */
export async function prepareCreateNew(deps: OperationDeps, input: Pick<CreateNewInput, "table" | "erpId">) {
  const mapping = await mappingForTable(deps.db, input.table);
  const erp = await findErpRecord(deps.db, input.table, input.erpId);
  if (!erp) throw actionError("not_found", serverMessage("errors.recordGone", { record: { key: `recordNouns.${input.table}` } }));
  if (mapping.row.direction === "FROM_INTEGRATION_TABLE") {
    throw new UnprocessableError(serverMessage("errors.createNewFromOnly", { name: mapping.row.name, record: erpNameText(input.table, erp) }));
  }
  const existing = await couplingOfErp(deps.db, input.table, erp.id);
  if (existing) {
    const other = await fetchDataverseRecord(deps.client, existing.dataverseEntity, existing.dataverseId).catch(() => null);
    throw actionError(
      "conflict",
      serverMessage("errors.alreadyCoupled", { record: erpNameText(input.table, erp), dataverse: dataverseRecordNameText(existing.dataverseEntity, other, existing.dataverseId) }),
    );
  }
  return { mapping, erp };
}

/** Create New (§2h): the engine's insert for this one record (row 4, creates are idempotent), which couples it. */
export async function createNewAndCouple(deps: OperationDeps, actor: AuditActor, input: CreateNewInput): Promise<CoupleResult> {
  const { mapping, erp } = await prepareCreateNew(deps, input);
  const result = await runSync(deps, {
    mappingId: mapping.row.id,
    direction: "TO_INTEGRATION_TABLE",
    trigger: input.trigger ?? "MANUAL",
    scope: { erpIds: [erp.id] },
    force: true,
    overrideSyncOnlyCoupled: true,
    requestedById: input.requestedById,
  });
  const coupling = await couplingOfErp(deps.db, input.table, erp.id);
  if (!coupling) {
    const failure = await deps.db.syncRecordLog.findFirst({ where: { jobId: { in: result.jobs.map((j) => j.id) }, erpId: erp.id }, orderBy: { id: "desc" } });
    return {
      coupling: null,
      jobs: result.jobs,
      ...withText(
        failure?.message
          ? serverMessage("engine.createNewFailed", { record: erpNameText(input.table, erp), detail: failure.message })
          : serverMessage("engine.createNewFailedPlain", { record: erpNameText(input.table, erp) }),
      ),
    };
  }
  await writeAuditEntry(deps.db, actor, {
    action: "coupling.create",
    entityType: "Coupling",
    entityId: coupling.id,
    after: { mapping: mapping.row.name, erp: erpKeyOf(input.table, erp), erpId: erp.id, dataverseEntity: coupling.dataverseEntity, dataverseId: coupling.dataverseId, via: "createNew" },
  });
  return {
    coupling: toCouplingView(coupling, mapping.row.name, erpKeyOf(input.table, erp)),
    jobs: result.jobs,
    ...withText(serverMessage("engine.createdAndCoupled", { record: erpNameText(input.table, erp) })),
  };
}

// ───────────── background (the coupling job) ─────────────

export type CouplingJobInput = {
  mappingId: string;
  erpRecordId: string;
  dataverseId?: string;
  createNew?: boolean;
  synchronize?: RunDirection;
  requestedById?: string;
  jobId?: string;
  workerId?: string;
};

/**
 * The coupling job: couple (idempotent: the pair may already be coupled by the request that enqueued it) or create
 * new, then synchronize after coupling; its COUPLING job row carries the outcome.
 */
export async function runCouplingJob(deps: OperationDeps, actor: AuditActor, input: CouplingJobInput): Promise<CoupleResult> {
  const mapping = await loadMappingById(deps.db, input.mappingId);
  const jobId = await startJob(deps.db, input.jobId, {
    type: "COUPLING",
    mappingId: mapping.row.id,
    trigger: "MANUAL",
    requestedById: input.requestedById,
    progressTotal: 1,
    workerId: input.workerId,
  });
  const stopKeepingAlive = keepJobAlive(deps.db, jobId);
  try {
    const table = mapping.row.erpTable;
    const result = input.createNew
      ? await createNewAndCouple(deps, actor, { table, erpId: input.erpRecordId, requestedById: input.requestedById })
      : await coupleRecord(deps, actor, {
          table,
          erpId: input.erpRecordId,
          dataverseId: input.dataverseId!,
          syncAfterCoupling: input.synchronize === "TO_INTEGRATION_TABLE" ? "erp" : input.synchronize === "FROM_INTEGRATION_TABLE" ? "dataverse" : "none",
          requestedById: input.requestedById,
        });
    const isCoupled = result.coupling !== null;
    await advanceJob(deps.db, jobId, isCoupled ? { coupled: 1 } : { failed: 1 }, 1);
    await addRecordLogs(deps.db, jobId, [
      { erpTable: table, erpId: input.erpRecordId, dataverseId: result.coupling?.dataverseId ?? null, outcome: isCoupled ? "COUPLED" : "FAILED", message: result.message },
    ]);
    await finishJob(deps.db, jobId, isCoupled ? "SUCCEEDED" : "FAILED", result.message);
    return result;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await advanceJob(deps.db, jobId, { failed: 1 }, 1);
    await addRecordLogs(deps.db, jobId, [{ erpTable: mapping.row.erpTable, erpId: input.erpRecordId, dataverseId: input.dataverseId ?? null, outcome: "FAILED", message }]);
    await finishJob(deps.db, jobId, "FAILED", message);
    if (error instanceof ActionError) return { coupling: null, jobs: [], message, text: error.localized?.message ?? message };
    throw error;
  } finally {
    stopKeepingAlive();
  }
}

// ───────────── reading ─────────────

export async function listCouplings(
  db: Db,
  query: { table?: ErpTable; no?: string; page: number; pageSize: number },
): Promise<{ items: CouplingView[]; total: number; page: number; pageSize: number }> {
  let erpIds: string[] | undefined;
  if (query.no) {
    if (!query.table) throw actionError("invalid", serverMessage("errors.tableWithNo"), { table: [serverMessage("errors.tableWithNoField")] });
    const record = await findErpRecordByKey(db, query.table, query.no);
    erpIds = record ? [record.id] : [];
  }
  const where: Prisma.CouplingWhereInput = { ...(query.table ? { erpTable: query.table } : {}), ...(erpIds ? { erpId: { in: erpIds } } : {}) };
  const [rows, total] = await Promise.all([
    db.coupling.findMany({ where, include: { mapping: { select: { name: true } } }, orderBy: [{ createdAt: "desc" }, { id: "asc" }], skip: (query.page - 1) * query.pageSize, take: query.pageSize }),
    db.coupling.count({ where }),
  ]);
  const keys = new Map<string, string>();
  for (const table of new Set(rows.map((r) => r.erpTable))) {
    const records = await erpDelegate(db, table).findMany({ where: { id: { in: rows.filter((r) => r.erpTable === table).map((r) => r.erpId) } } });
    for (const record of records) keys.set(record.id, erpKeyOf(table, record));
  }
  return { items: rows.map((r) => toCouplingView(r, r.mapping.name, keys.get(r.erpId) ?? "")), total, page: query.page, pageSize: query.pageSize };
}
