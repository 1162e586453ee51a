import { readJson, readQuery } from "../../../../../../lib/http/api-handler.ts";
import { getDb } from "../../../../../../lib/db/db-client.ts";
import { actorOf, loadMappingByName } from "../../../../../../lib/integration/operation-context.ts";
import { completedBody, jsonOf, opsRoute, queuedBody } from "../../../../../../lib/integration/operations-api.ts";
import { actionResponseSchema, emptyBodySchema, waitQuerySchema } from "../../../../../../lib/integration/operations-api-schema.ts";
import { claimUncouplingJob, runUncouplingJob } from "../../../../../../lib/integration/uncoupling-service.ts";
import { enqueue } from "../../../../../../lib/queue/enqueue.ts";

export const dynamic = "force-dynamic";

type Params = { name: string };

/** POST /api/v1/mappings/{name}/remove-couplings — removes every coupling of the mapping (an UNCOUPLING job with progress). */
export const POST = opsRoute<Params>("couplings.remove-all", async ({ request, user }, { params }) => {
  const { name } = await params;
  const { wait } = readQuery(request, waitQuerySchema);
  await readJson(request, emptyBodySchema);
  const db = getDb();
  const mapping = await loadMappingByName(db, name);
  const jobId = await claimUncouplingJob(db, { mappingId: mapping.row.id, all: true, requestedById: user.id, trigger: "API" });
  if (!wait) {
    const queued = await enqueue("uncoupling", { mappingId: mapping.row.id, all: true, requestedById: user.id, jobId });
    return jsonOf(actionResponseSchema, queuedBody([], `Removing the couplings of ${mapping.row.name} is queued.`, [{ queue: queued.queue, queueJobId: queued.id, syncJobId: jobId }]), 202);
  }
  const result = await runUncouplingJob(db, actorOf(user), { mappingId: mapping.row.id, all: true, requestedById: user.id, jobId, trigger: "API" });
  return jsonOf(actionResponseSchema, await completedBody(db, [{ id: result.jobId }], `${result.counters.uncoupled} couplings of ${mapping.row.name} removed.`));
});
