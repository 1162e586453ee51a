import { UnrecoverableError, WaitingError, type Job } from "bullmq";
import type { Db } from "../lib/db/db-client.ts";
import type { Logger } from "../lib/log/logger.ts";
import { isJobKind, JobPayloadError, parseJobPayload, type JobKind } from "../lib/queue/job-payloads.ts";
import { queueConfig, type QueueName } from "../lib/queue/queue-config.ts";
import type { AnyProcessor, QueueConnection } from "../lib/queue/queue-connection.ts";
import { couplingProcessor } from "./processors/coupling-processor.ts";
import { fullSyncProcessor } from "./processors/full-sync-processor.ts";
import { maintenanceProcessor } from "./processors/maintenance-processor.ts";
import { matchCouplingProcessor } from "./processors/match-coupling-processor.ts";
import { pingProcessor } from "./processors/ping-processor.ts";
import type { JobProcessor, ProcessorContext } from "./processors/processor-context.ts";
import { syncRunProcessor } from "./processors/sync-run-processor.ts";
import { uncouplingProcessor } from "./processors/uncoupling-processor.ts";

export const processors: { [K in JobKind]: JobProcessor<K> } = {
  "sync-run": syncRunProcessor,
  coupling: couplingProcessor,
  uncoupling: uncouplingProcessor,
  "match-coupling": matchCouplingProcessor,
  "full-sync": fullSyncProcessor,
  maintenance: maintenanceProcessor,
  ping: pingProcessor,
};

export type DispatchDeps = { db: Db; queue: QueueConnection; log: Logger; workerId: string };

/** The BullMQ processor of one queue: checks the job kind and payload, then hands over to the kind's processor. */
export function createQueueProcessor(queueName: QueueName, deps: DispatchDeps): AnyProcessor {
  const kinds: readonly string[] = queueConfig[queueName].kinds;
  return async (job: Job, token?: string, signal?: AbortSignal) => {
    const kind = job.name;
    if (!isJobKind(kind) || !kinds.includes(kind)) {
      throw new UnrecoverableError(`The ${queueName} queue does not handle "${kind}" jobs.`);
    }
    let payload;
    try {
      payload = parseJobPayload(kind, job.data);
    } catch (error) {
      if (error instanceof JobPayloadError) throw new UnrecoverableError(error.message);
      throw error;
    }
    const abort = signal ?? new AbortController().signal;
    const ctx: ProcessorContext = {
      job,
      token,
      signal: abort,
      db: deps.db,
      queue: deps.queue,
      log: deps.log.child({ queue: queueName, jobId: job.id, kind }),
      workerId: deps.workerId,
    };
    try {
      // The map's type pairs each kind with its processor; TypeScript cannot follow that through a union key.
      return await (processors[kind] as JobProcessor<JobKind>)(payload, ctx);
    } catch (error) {
      if (!abort.aborted || !token) throw error;
      // Cut short by a shutdown: hand the job back to the queue without spending one of its attempts.
      await job.moveToWait(token);
      throw new WaitingError();
    }
  };
}
