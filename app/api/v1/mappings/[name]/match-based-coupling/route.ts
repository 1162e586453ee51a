import { readJson, readQuery } from "../../../../../../lib/http/api-handler.ts";
import { getDb } from "../../../../../../lib/db/db-client.ts";
import { createJob } from "../../../../../../lib/integration/job-queries.ts";
import { runMatchBasedCoupling, saveMatchCriteria, validateMatchRequest } from "../../../../../../lib/integration/match-based-coupling.ts";
import { actorOf, loadMappingByName } from "../../../../../../lib/integration/operation-context.ts";
import { jsonOf, operationDeps, opsRoute } from "../../../../../../lib/integration/operations-api.ts";
import { matchBodySchema, matchResponseSchema, waitQuerySchema } from "../../../../../../lib/integration/operations-api-schema.ts";
import { erpIdsByKeys } from "../../../../../../lib/integration/synchronize-now.ts";
import { enqueue } from "../../../../../../lib/queue/enqueue.ts";

export const dynamic = "force-dynamic";

type Params = { name: string };

/**
 * POST /api/v1/mappings/{name}/match-based-coupling {criteria?, syncAfterCoupling?, createNewIfNoMatch?, dryRun?, nos?, saveCriteria?}
 * A dry run answers the three lists at once and writes nothing; otherwise a COUPLING job (202, or 200 with ?wait=true).
 * The choices are the run's own; saveCriteria also makes them the mapping's defaults (the route's permission,
 * mapping.manage, is the one saving them takes).
 */
export const POST = opsRoute<Params>("mapping.manage", async ({ request, user }, { params }) => {
  const { name } = await params;
  const { wait } = readQuery(request, waitQuerySchema);
  const body = await readJson(request, matchBodySchema);
  const db = getDb();
  const mapping = await loadMappingByName(db, name);
  const erpRecordIds = body.nos ? (await erpIdsByKeys(db, mapping.row.erpTable, body.nos)).map((r) => r.id) : undefined;
  const input = {
    mappingId: mapping.row.id,
    erpRecordIds,
    criteria: body.criteria,
    createNewIfNoMatch: body.createNewIfNoMatch,
    synchronizeAfterCoupling: body.syncAfterCoupling,
    requestedById: user.id,
    trigger: "API" as const,
  };
  await validateMatchRequest(db, input);
  if (body.saveCriteria && !body.dryRun) await saveMatchCriteria(db, actorOf(user), input);
  if (body.dryRun || wait) {
    const report = await runMatchBasedCoupling(await operationDeps(db), actorOf(user), { ...input, dryRun: body.dryRun });
    const message = `${report.matched.length} matched, ${report.ambiguous.length} ambiguous, ${report.unmatched.length} without a match${body.dryRun ? " (dry run: nothing was written)" : ""}.`;
    return jsonOf(matchResponseSchema, { status: "completed", message, report, queued: [] });
  }
  const jobId = await createJob(db, { type: "COUPLING", mappingId: mapping.row.id, trigger: "API", requestedById: user.id, scope: { matchBased: true } });
  const queued = await enqueue("match-coupling", {
    mappingId: input.mappingId,
    erpRecordIds: input.erpRecordIds,
    criteria: input.criteria,
    createNewIfNoMatch: input.createNewIfNoMatch,
    synchronizeAfterCoupling: input.synchronizeAfterCoupling,
    requestedById: user.id,
    jobId,
  });
  return jsonOf(matchResponseSchema, { status: "queued", message: `Match-based coupling of ${mapping.row.name} is queued.`, report: null, queued: [{ queue: queued.queue, queueJobId: queued.id, syncJobId: jobId }] }, 202);
});
