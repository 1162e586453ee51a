import { readJson, readQuery } from "../../../../../lib/http/api-handler.ts";
import { getDb } from "../../../../../lib/db/db-client.ts";
import { actorOf } from "../../../../../lib/integration/operation-context.ts";
import { completedBody, jsonOf, operationDeps, opsRoute, queuedBody } from "../../../../../lib/integration/operations-api.ts";
import { syncErrorActionBodySchema, syncErrorActionResponseSchema, waitQuerySchema } from "../../../../../lib/integration/operations-api-schema.ts";
import { enqueueRuns, executeRuns } from "../../../../../lib/integration/run-dispatch.ts";
import { resolveSyncErrors } from "../../../../../lib/integration/sync-errors-service.ts";

export const dynamic = "force-dynamic";

/**
 * POST /api/v1/sync-errors/actions {action, ids, version?, mapping?} — the errors page actions. The couplings change
 * at once; the synchronizations an action needs (Retry, Synchronize, Restore) are queued (202) or, with ?wait=true,
 * finished before the answer.
 */
export const POST = opsRoute("sync-errors.resolve", async ({ request, user }) => {
  const { wait } = readQuery(request, waitQuerySchema);
  const body = await readJson(request, syncErrorActionBodySchema);
  const db = getDb();
  const deps = await operationDeps(db);
  const result = await resolveSyncErrors(deps, actorOf(user), { ...body, requestedById: user.id });
  const base = { action: result.action, results: result.outcomes };
  if (result.runs.length === 0) return jsonOf(syncErrorActionResponseSchema, { ...base, status: "completed", message: result.message, jobs: [], queued: [], outcomes: [] });
  if (!wait) return jsonOf(syncErrorActionResponseSchema, { ...base, ...queuedBody(await enqueueRuns(db, result.runs), `${result.message} The synchronization is queued.`) }, 202);
  const jobs = await executeRuns(deps, result.runs);
  return jsonOf(syncErrorActionResponseSchema, { ...base, ...(await completedBody(db, jobs, result.message)) });
});
