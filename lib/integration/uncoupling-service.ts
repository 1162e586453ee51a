import { actionError } from "../actions/action-result.ts";
import { renderText, serverMessage, type ServerMessage } from "../actions/server-message.ts";
import { writeAuditEntry, type AuditActor } from "../auth/audit-entry.ts";
import type { Db } from "../db/db-client.ts";
import type { ErpTable, SyncJobTrigger } from "../db/generated/enums.ts";
import { addRecordLogs, createJob, finishJob, startJob, type JobCounters } from "./job-queries.ts";
import { chunk, erpKeyOf, erpNameText, findErpRecord, loadMappingById, mappingForTable } from "./operation-context.ts";

// Delete Coupling (BC §2k): removes the coupling, both records stay. One record is uncoupled at once; many, or all
// couplings of a mapping ("Remove Couplings"), run as an UNCOUPLING job whose counters and progress the UI polls.

/** `message` is in English (the API); `text` describes it, for the reader's language. */
export type UncoupleOutcome = { erpId: string; no: string; dataverseId: string | null; outcome: "UNCOUPLED" | "SKIPPED"; message: string; text: ServerMessage };

/** Uncouples one ERP record now; throws not_found / a clear message when it is not coupled. */
export async function deleteCoupling(db: Db, actor: AuditActor, input: { table: ErpTable; erpId: string }): Promise<UncoupleOutcome> {
  const record = await findErpRecord(db, input.table, input.erpId);
  const coupling = await db.coupling.findUnique({ where: { erpTable_erpId: { erpTable: input.table, erpId: input.erpId } }, include: { mapping: { select: { name: true } } } });
  const no = record ? erpKeyOf(input.table, record) : input.erpId;
  if (!coupling) throw actionError("not_found", serverMessage("errors.recordNotCoupled", { record: { key: `recordNouns.${input.table}` }, no }));
  await db.$transaction(async (tx) => {
    await tx.coupling.delete({ where: { id: coupling.id } });
    await writeAuditEntry(tx, actor, {
      action: "coupling.delete",
      entityType: "Coupling",
      entityId: coupling.id,
      before: { mapping: coupling.mapping.name, erp: no, erpId: coupling.erpId, dataverseEntity: coupling.dataverseEntity, dataverseId: coupling.dataverseId },
    });
  });
  const text = serverMessage("outcomes.noLongerCoupled", { record: erpNameText(input.table, null, no) });
  return { erpId: input.erpId, no, dataverseId: coupling.dataverseId, outcome: "UNCOUPLED", message: renderText("en", text), text };
}

export type UncouplingJobInput = {
  mappingId: string;
  couplingIds?: string[];
  all?: boolean;
  requestedById?: string;
  jobId?: string;
  workerId?: string;
  trigger?: SyncJobTrigger;
};

const BATCH = 500;

/** A message of the job's log: stored in English, and shown in the reader's language by recognising its wording. */
const english = (...args: Parameters<typeof serverMessage>) => renderText("en", serverMessage(...args));

/** Claims the UNCOUPLING job row for a background removal (its id goes back to the caller at once). */
export async function claimUncouplingJob(db: Db, input: { mappingId: string; couplingIds?: string[]; all?: boolean; requestedById?: string; trigger?: SyncJobTrigger }): Promise<string> {
  const total = input.all ? await db.coupling.count({ where: { mappingId: input.mappingId } }) : (input.couplingIds?.length ?? 0);
  return createJob(db, {
    type: "UNCOUPLING",
    mappingId: input.mappingId,
    trigger: input.trigger ?? "MANUAL",
    requestedById: input.requestedById,
    progressTotal: total,
    scope: input.all ? { all: true } : { couplingIds: input.couplingIds ?? [] },
  });
}

/**
 * The uncoupling job (BC CTU `UncoupleAllCoupledRecords`): removes the given couplings, or every coupling of the
 * mapping, in batches; each batch moves the counters and the progress. Re-running it is harmless (already removed
 * couplings are simply not found).
 */
export async function runUncouplingJob(db: Db, actor: AuditActor, input: UncouplingJobInput): Promise<{ jobId: string; counters: Pick<JobCounters, "uncoupled" | "skipped"> }> {
  const mapping = await loadMappingById(db, input.mappingId);
  const total = input.all ? await db.coupling.count({ where: { mappingId: mapping.row.id } }) : (input.couplingIds?.length ?? 0);
  const jobId = await startJob(db, input.jobId, {
    type: "UNCOUPLING",
    mappingId: mapping.row.id,
    trigger: input.trigger ?? "MANUAL",
    requestedById: input.requestedById,
    progressTotal: total,
    workerId: input.workerId,
  });
  let uncoupled = 0;
  let skipped = 0;
  try {
    const table = mapping.row.erpTable;
    const removeBatch = async (ids: string[]) => {
      const rows = await db.coupling.findMany({ where: { id: { in: ids }, mappingId: mapping.row.id } });
      const found = new Set(rows.map((r) => r.id));
      await db.$transaction(async (tx) => {
        await tx.coupling.deleteMany({ where: { id: { in: rows.map((r) => r.id) } } });
        await tx.syncJob.update({
          where: { id: jobId },
          data: { uncoupled: { increment: rows.length }, skipped: { increment: ids.length - rows.length }, progressDone: { increment: ids.length }, heartbeatAt: new Date() },
        });
      });
      await addRecordLogs(db, jobId, [
        ...rows.map((r) => ({ erpTable: table, erpId: r.erpId, dataverseId: r.dataverseId, outcome: "UNCOUPLED" as const, message: english("engine.couplingRemoved") })),
      ]);
      uncoupled += rows.length;
      skipped += ids.filter((id) => !found.has(id)).length;
    };
    if (input.all) {
      for (;;) {
        const ids = (await db.coupling.findMany({ where: { mappingId: mapping.row.id }, select: { id: true }, take: BATCH, orderBy: { id: "asc" } })).map((r) => r.id);
        if (ids.length === 0) break;
        await removeBatch(ids);
      }
    } else {
      for (const ids of chunk(input.couplingIds ?? [], BATCH)) await removeBatch(ids);
    }
    const params = { count: String(uncoupled), mapping: mapping.row.name, skipped: String(skipped) };
    const message =
      uncoupled === 1
        ? english(skipped ? "engine.removedOneSomeGone" : "engine.removedOne", params)
        : english(skipped ? "engine.removedManySomeGone" : "engine.removedMany", params);
    await writeAuditEntry(db, actor, {
      action: input.all ? "coupling.removeAll" : "coupling.deleteMany",
      entityType: "IntegrationTableMapping",
      entityId: mapping.row.id,
      after: { mapping: mapping.row.name, uncoupled, jobId },
    });
    await finishJob(db, jobId, "SUCCEEDED", message);
    return { jobId, counters: { uncoupled, skipped } };
  } catch (error) {
    await finishJob(db, jobId, "FAILED", english("engine.removeStopped", { count: String(uncoupled), detail: error instanceof Error ? error.message : String(error) }));
    throw error;
  }
}

/** The coupling ids of some ERP records of one table (records that are not coupled are left out). */
export async function couplingIdsOf(db: Db, table: ErpTable, erpIds: readonly string[]): Promise<{ mappingId: string; couplingIds: string[] }> {
  const mapping = await mappingForTable(db, table);
  const rows = await db.coupling.findMany({ where: { erpTable: table, erpId: { in: [...erpIds] } }, select: { id: true } });
  return { mappingId: mapping.row.id, couplingIds: rows.map((r) => r.id) };
}
