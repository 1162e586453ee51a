import type { Job } from "bullmq";
import type { Db } from "../../lib/db/db-client.ts";
import type { Logger } from "../../lib/log/logger.ts";
import type { JobKind, JobPayload } from "../../lib/queue/job-payloads.ts";
import type { QueueConnection } from "../../lib/queue/queue-connection.ts";

export type ProcessorContext = {
  job: Job;
  /** The job's lock token (BullMQ), for moving it back to delayed/waiting from inside a processor. */
  token?: string;
  /** Aborted when the worker shuts down and the job did not finish in time; stop work and throw. */
  signal: AbortSignal;
  db: Db;
  queue: QueueConnection;
  log: Logger;
  workerId: string;
};

export type JobProcessor<K extends JobKind> = (payload: JobPayload<K>, ctx: ProcessorContext) => Promise<unknown>;
