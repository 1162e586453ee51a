"use server";

import { z } from "zod";
import { actionError, readerRenderer, type ActionResult } from "../../../../lib/actions/action-result.ts";
import { fieldText, serverMessage } from "../../../../lib/actions/server-message.ts";
import { runAction as run } from "../../../../lib/integration/console-action.ts";
import { requirePermission } from "../../../../lib/auth/authorize.ts";
import { getDb } from "../../../../lib/db/db-client.ts";
import { compareRecords, actorOf, fetchDataverseRecord, findErpRecord, loadMappingById } from "../../../../lib/integration/operation-context.ts";
import { operationDeps } from "../../../../lib/integration/operations-api.ts";
import { syncErrorActionBodySchema } from "../../../../lib/integration/operations-api-schema.ts";
import { enqueueRuns } from "../../../../lib/integration/run-dispatch.ts";
import { resolveSyncErrors, type ActionOutcome } from "../../../../lib/integration/sync-errors-service.ts";

// Thin server actions of the Coupled Data Synchronization Errors page (BC §2j).


export type SyncErrorActionData = { message: string; outcomes: ActionOutcome[]; jobIds: string[]; queuedRuns: number };

export async function resolveSyncErrorsAction(input: unknown): Promise<ActionResult<SyncErrorActionData>> {
  return run(async () => {
    const user = await requirePermission("sync-errors.resolve");
    const body = syncErrorActionBodySchema.parse(input);
    const db = getDb();
    const result = await resolveSyncErrors(await operationDeps(db), actorOf(user), { ...body, requestedById: user.id });
    const queued = result.runs.length > 0 ? await enqueueRuns(db, result.runs) : [];
    const render = await readerRenderer();
    return {
      message: render(result.text),
      outcomes: result.outcomes.slice(0, 200).map((o) => ({ ...o, message: render(o.text) })),
      jobIds: queued.flatMap((q) => (q.syncJobId ? [q.syncJobId] : [])),
      queuedRuns: queued.length,
    };
  });
}

export type CompareRow = { key: string; label: string; dataverseLabel: string; base: string | null; erp: string | null; dataverse: string | null; differs: boolean };

const show = (v: unknown): string | null => (v === null || v === undefined || v === "" ? null : typeof v === "object" ? JSON.stringify(v) : String(v));

/** Base / ERP / Dataverse values of one coupling's mapped fields, for choosing the version to keep. */
export async function compareCouplingAction(input: unknown): Promise<ActionResult<CompareRow[]>> {
  return run(async () => {
    await requirePermission("integration.read");
    const { id } = z.strictObject({ id: z.uuid({ error: fieldText("fields.chooseError") }) }).parse(input);
    const db = getDb();
    const coupling = await db.coupling.findUnique({ where: { id } });
    if (!coupling) throw actionError("not_found", serverMessage("errors.errorResolved"));
    const conflicts = Array.isArray(coupling.conflict) ? (coupling.conflict as { key: string; label: string; dataverseLabel: string; base: { e: unknown } | null; erp: unknown; dataverse: unknown }[]) : [];
    const snapshot = (coupling.snapshot ?? {}) as Record<string, { e?: unknown; d?: unknown } | undefined>;
    const mapping = await loadMappingById(db, coupling.mappingId);
    const deps = await operationDeps(db);
    const [erp, dataverse] = await Promise.all([findErpRecord(db, coupling.erpTable, coupling.erpId), fetchDataverseRecord(deps.client, coupling.dataverseEntity, coupling.dataverseId)]);
    // With the client a Dataverse lookup reads as people know it: a parent a run would couple by natural match shows
    // its ERP key, and one that is not coupled is named by its key or name (the error's parent) instead of its GUID.
    const { states } = await compareRecords(db, mapping, erp, dataverse, deps.client);
    const rows: CompareRow[] = states.map((s) => {
      const theirs = s.dataverseAsErp.ok ? s.dataverseAsErp.value : (s.dataverseAsErp.error.parent?.ref ?? s.dataverse);
      return { key: s.key, label: s.erpLabel, dataverseLabel: s.dataverseLabel, base: show(snapshot[s.key]?.e), erp: show(s.erp), dataverse: show(theirs), differs: show(s.erp) !== show(theirs) };
    });
    // Conflict details recorded by the engine win: they hold the values it saw when it stopped.
    for (const c of conflicts) {
      const row = rows.find((r) => r.key === c.key);
      const view = { key: c.key, label: c.label, dataverseLabel: c.dataverseLabel, base: show(c.base?.e), erp: show(c.erp), dataverse: show(c.dataverse), differs: true };
      if (row) Object.assign(row, view);
      else rows.push(view);
    }
    return rows;
  });
}
