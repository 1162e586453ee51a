import { DelayedError, UnrecoverableError } from "bullmq";
import { DataverseNotConfiguredError, getDataverseClient } from "../../lib/integration/dataverse-connection.ts";
import { MappingConfigError } from "../../lib/integration/mapping-loader.ts";
import { MappingBusyError } from "../../lib/integration/run-lease.ts";
import { runSync } from "../../lib/integration/sync-run.ts";
import type { JobProcessor } from "./processor-context.ts";

// A sync-run job: the engine does everything (lib/integration/sync-run.ts). When another run of the same mapping is
// busy past the lease wait, the job is put back with a short delay instead of spending one of its attempts.
const BUSY_RETRY_DELAY_MS = 2_000;

export const syncRunProcessor: JobProcessor<"sync-run"> = async (payload, ctx) => {
  try {
    const client = await getDataverseClient(ctx.db);
    const result = await runSync(
      { db: ctx.db, client, log: ctx.log, workerId: ctx.workerId, signal: ctx.signal, leaseWaitMs: 10_000 },
      {
        mappingId: payload.mappingId,
        direction: payload.direction,
        trigger: payload.trigger,
        scope: payload.scope?.erpRecordIds || payload.scope?.dataverseRecordIds ? { erpIds: payload.scope.erpRecordIds, dataverseIds: payload.scope.dataverseRecordIds } : undefined,
        force: payload.scope?.forceModify,
        overrideSyncOnlyCoupled: payload.scope?.overrideSyncOnlyCoupled,
        bulk: payload.scope?.bulk,
        requestedById: payload.requestedById,
        jobId: payload.jobId,
      },
    );
    return result;
  } catch (error) {
    // Retrying cannot help until someone fixes the connection or the mapping: fail at once, with the message.
    if (error instanceof DataverseNotConfiguredError || error instanceof MappingConfigError) throw new UnrecoverableError(error.message);
    if (!(error instanceof MappingBusyError) || !ctx.token) throw error;
    await ctx.job.moveToDelayed(Date.now() + BUSY_RETRY_DELAY_MS, ctx.token);
    throw new DelayedError();
  }
};
