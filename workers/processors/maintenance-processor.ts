import { pruneQuietJobsOlderThan, QUIET_JOB_RETENTION_MS } from "../../lib/integration/job-recorder.ts";
import { recoverStaleRuns } from "../../lib/integration/run-lease.ts";
import { runMaintenance } from "../../lib/queue/maintenance.ts";
import type { JobProcessor } from "./processor-context.ts";

export const maintenanceProcessor: JobProcessor<"maintenance"> = async (payload, ctx) => {
  const result = await runMaintenance(ctx.queue, ctx.db, payload);
  // Runs left by a crashed worker: their jobs are marked failed and their mapping leases released.
  const runs = await recoverStaleRuns(ctx.db);
  // Scheduled runs and delta polls that found nothing: their last row has shown long enough (lastRunAt stays).
  const removedQuietJobs = await pruneQuietJobsOlderThan(ctx.db, QUIET_JOB_RETENTION_MS);
  ctx.log.info({ result, runs, removedQuietJobs }, "maintenance sweep done");
  return { ...result, runs, removedQuietJobs };
};
