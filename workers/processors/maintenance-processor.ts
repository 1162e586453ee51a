import { recoverStaleRuns } from "../../lib/integration/run-lease.ts";
import { runMaintenance } from "../../lib/queue/maintenance.ts";
import type { JobProcessor } from "./processor-context.ts";

export const maintenanceProcessor: JobProcessor<"maintenance"> = async (payload, ctx) => {
  const result = await runMaintenance(ctx.queue, ctx.db, payload);
  // Runs left by a crashed worker: their jobs are marked failed and their mapping leases released.
  const runs = await recoverStaleRuns(ctx.db);
  ctx.log.info({ result, runs }, "maintenance sweep done");
  return { ...result, runs };
};
