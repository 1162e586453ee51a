import { getDataverseClient } from "../../lib/integration/dataverse-connection.ts";
import { runFullSync } from "../../lib/integration/full-sync-service.ts";
import { actorForJob } from "../../lib/integration/worker-actor.ts";
import type { JobProcessor } from "./processor-context.ts";

export const fullSyncProcessor: JobProcessor<"full-sync"> = async (payload, ctx) => {
  const deps = { db: ctx.db, client: await getDataverseClient(ctx.db), log: ctx.log };
  const actor = await actorForJob(ctx.db, payload.requestedById, ctx.workerId);
  const result = await runFullSync(deps, actor, payload);
  return { lines: result.lines.map((l) => ({ mapping: l.mapping, recommendation: l.recommendation, jobs: l.jobs.map((j) => j.id), message: l.message })) };
};
