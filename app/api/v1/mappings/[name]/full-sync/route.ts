import { readJson, readQuery } from "../../../../../../lib/http/api-handler.ts";
import { getDb } from "../../../../../../lib/db/db-client.ts";
import { reviewFullSync, runFullSync } from "../../../../../../lib/integration/full-sync-service.ts";
import { actorOf, loadMappingByName } from "../../../../../../lib/integration/operation-context.ts";
import { completedBody, jsonOf, operationDeps, opsRoute, queuedBody } from "../../../../../../lib/integration/operations-api.ts";
import { actionResponseSchema, emptyBodySchema, fullSyncReviewSchema, waitQuerySchema } from "../../../../../../lib/integration/operations-api-schema.ts";
import { enqueue } from "../../../../../../lib/queue/enqueue.ts";

export const dynamic = "force-dynamic";

type Params = { name: string };

/** GET /api/v1/mappings/{name}/full-sync — the review line: counts on both sides, recommendation, latest full-sync jobs. */
export const GET = opsRoute<Params>("integration.read", async (_ctx, { params }) => {
  const { name } = await params;
  const db = getDb();
  const mapping = await loadMappingByName(db, name);
  return jsonOf(fullSyncReviewSchema, { lines: await reviewFullSync(await operationDeps(db), [mapping.row.id]) });
});

/** POST /api/v1/mappings/{name}/full-sync — full synchronization of this mapping (its dependencies are not re-run). */
export const POST = opsRoute<Params>("full-sync.run", async ({ request, user }, { params }) => {
  const { name } = await params;
  const { wait } = readQuery(request, waitQuerySchema);
  await readJson(request, emptyBodySchema);
  const db = getDb();
  const mapping = await loadMappingByName(db, name);
  if (!wait) {
    const queued = await enqueue("full-sync", { mappingIds: [mapping.row.id], requestedById: user.id });
    return jsonOf(actionResponseSchema, queuedBody([], `A full synchronization of ${mapping.row.name} is queued.`, [{ queue: queued.queue, queueJobId: queued.id, syncJobId: null }]), 202);
  }
  const result = await runFullSync(await operationDeps(db), actorOf(user), { mappingIds: [mapping.row.id], requestedById: user.id });
  const line = result.lines[0];
  return jsonOf(actionResponseSchema, await completedBody(db, line?.jobs ?? [], line?.message ?? "Nothing to synchronize.", line?.matchJobId ? [line.matchJobId] : []));
});

