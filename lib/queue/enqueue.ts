import type { JobsOptions } from "bullmq";
import type { SyncJobDirection } from "../db/generated/enums.ts";
import { parseJobPayload, type JobKind, type JobPayloadInput } from "./job-payloads.ts";
import { queueForJobKind, type BackoffSetting, type QueueName } from "./queue-config.ts";
import { getQueueConnection, type QueueConnection } from "./queue-connection.ts";

export type EnqueueOptions = {
  /**
   * Coalesces triggers for the same thing (e.g. one mapping): while a job with this id waits, new triggers join it;
   * while one runs, at most one more waits and it carries the latest payload (BullMQ `keepLastIfActive`).
   */
  deduplicationId?: string;
  delayMs?: number;
  /** 1 is the highest priority; absent means FIFO. */
  priority?: number;
  /** Overrides the queue's settings for this job. */
  attempts?: number;
  backoff?: BackoffSetting;
};

export type EnqueuedJob = { id: string; queue: QueueName; kind: JobKind };

/** Validates the payload against its kind's schema (throws JobPayloadError, nothing stored) and adds the job. */
export async function enqueueJob<K extends JobKind>(
  connection: QueueConnection,
  kind: K,
  payload: JobPayloadInput<K>,
  options: EnqueueOptions = {},
): Promise<EnqueuedJob> {
  const data = parseJobPayload(kind, payload);
  const queueName = queueForJobKind(kind);
  const job = await connection.queue(queueName).add(kind, data, toJobOptions(options));
  if (!job.id) throw new Error(`The ${queueName} queue returned a job without an id.`);
  return { id: job.id, queue: queueName, kind };
}

/** `enqueueJob` on the process's queue connection (REDIS_URL or DATABASE_URL). */
export function enqueue<K extends JobKind>(
  kind: K,
  payload: JobPayloadInput<K>,
  options: EnqueueOptions = {},
): Promise<EnqueuedJob> {
  return enqueueJob(getQueueConnection(), kind, payload, options);
}

function toJobOptions(options: EnqueueOptions): JobsOptions {
  const jobOptions: JobsOptions = {};
  if (options.deduplicationId) {
    jobOptions.deduplication = { id: options.deduplicationId, keepLastIfActive: true };
  }
  if (options.delayMs !== undefined) jobOptions.delay = options.delayMs;
  if (options.priority !== undefined) jobOptions.priority = options.priority;
  if (options.attempts !== undefined) jobOptions.attempts = options.attempts;
  if (options.backoff) jobOptions.backoff = { type: options.backoff.type, delay: options.backoff.delayMs };
  return jobOptions;
}

/**
 * The de-duplication id for whole-mapping runs (change triggers, "run now" without a scope). Scoped manual runs must
 * not use it: a coalesced job keeps only the latest payload, so an earlier scope would be lost.
 */
export function mappingRunDeduplicationId(mappingId: string, direction?: SyncJobDirection): string {
  return `sync-run:${mappingId}:${direction ?? "all"}`;
}
