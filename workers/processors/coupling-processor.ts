import { runCouplingJob } from "../../lib/integration/coupling-service.ts";
import { getDataverseClient } from "../../lib/integration/dataverse-connection.ts";
import { actorForJob } from "../../lib/integration/worker-actor.ts";
import type { JobProcessor } from "./processor-context.ts";

export const couplingProcessor: JobProcessor<"coupling"> = async (payload, ctx) => {
  const deps = { db: ctx.db, client: await getDataverseClient(ctx.db), log: ctx.log };
  const actor = await actorForJob(ctx.db, payload.requestedById, ctx.workerId);
  const result = await runCouplingJob(deps, actor, { ...payload, workerId: ctx.workerId });
  return { couplingId: result.coupling?.id ?? null, jobs: result.jobs.map((j) => j.id), message: result.message };
};
