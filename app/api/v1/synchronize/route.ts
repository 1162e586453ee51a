import { readJson, readQuery } from "../../../../lib/http/api-handler.ts";
import { getDb } from "../../../../lib/db/db-client.ts";
import { completedBody, jsonOf, operationDeps, opsRoute, queuedBody } from "../../../../lib/integration/operations-api.ts";
import { actionResponseSchema, synchronizeBodySchema, waitQuerySchema } from "../../../../lib/integration/operations-api-schema.ts";
import { enqueueRuns, executeRuns } from "../../../../lib/integration/run-dispatch.ts";
import { erpIdsByKeys, planSynchronizeNow } from "../../../../lib/integration/synchronize-now.ts";

export const dynamic = "force-dynamic";

/**
 * POST /api/v1/synchronize {table, nos, direction?} — Synchronize Now. One record without a direction: the recommended
 * one; several: toDataverse or fromDataverse, and records whose target changed since the last sync are skipped.
 */
export const POST = opsRoute("sync.run", async ({ request, user }) => {
  const { wait } = readQuery(request, waitQuerySchema);
  const body = await readJson(request, synchronizeBodySchema);
  const db = getDb();
  const deps = await operationDeps(db);
  const records = await erpIdsByKeys(db, body.table, body.nos);
  const plan = await planSynchronizeNow(deps, { table: body.table, erpIds: records.map((r) => r.id), direction: body.direction, trigger: "API", requestedById: user.id });
  const what = `${records.length} ${body.table.toLowerCase()} record${records.length === 1 ? "" : "s"} (${plan.choice})`;
  if (!wait) return jsonOf(actionResponseSchema, queuedBody(await enqueueRuns(db, [plan.request]), `Synchronizing ${what} is queued.`), 202);
  const jobs = await executeRuns(deps, [plan.request]);
  return jsonOf(actionResponseSchema, await completedBody(db, jobs, `Synchronized ${what}.`));
});
