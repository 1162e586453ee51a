import { runUncouplingJob } from "../../lib/integration/uncoupling-service.ts";
import { actorForJob } from "../../lib/integration/worker-actor.ts";
import type { JobProcessor } from "./processor-context.ts";

export const uncouplingProcessor: JobProcessor<"uncoupling"> = async (payload, ctx) => {
  const actor = await actorForJob(ctx.db, payload.requestedById, ctx.workerId);
  return runUncouplingJob(ctx.db, actor, { ...payload, workerId: ctx.workerId });
};
