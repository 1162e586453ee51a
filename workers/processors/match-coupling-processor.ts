import { getDataverseClient } from "../../lib/integration/dataverse-connection.ts";
import { runMatchBasedCoupling } from "../../lib/integration/match-based-coupling.ts";
import { actorForJob } from "../../lib/integration/worker-actor.ts";
import type { JobProcessor } from "./processor-context.ts";

export const matchCouplingProcessor: JobProcessor<"match-coupling"> = async (payload, ctx) => {
  const deps = { db: ctx.db, client: await getDataverseClient(ctx.db), log: ctx.log };
  const actor = await actorForJob(ctx.db, payload.requestedById, ctx.workerId);
  const report = await runMatchBasedCoupling(deps, actor, { ...payload, dryRun: false, workerId: ctx.workerId });
  return { jobId: report.jobId, counters: report.counters, jobs: report.jobs.map((j) => j.id) };
};
