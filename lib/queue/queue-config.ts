import type { JobKind } from "./job-payloads.ts";

// The one table of queues and their settings. A queue carries one or more job kinds (the BullMQ job name is the
// kind); the worker process starts one BullMQ Worker per queue with the queue's concurrency.

export type BackoffSetting = { type: "exponential" | "fixed"; delayMs: number };
/** Finished jobs are kept for `ageSeconds` and at most `count` of them (BullMQ's KeepJobs). */
export type RetentionSetting = { ageSeconds: number; count: number };

export type QueueSettings = {
  description: string;
  kinds: readonly JobKind[];
  concurrency: number;
  attempts: number;
  backoff: BackoffSetting;
  removeOnComplete: RetentionSetting;
  removeOnFail: RetentionSetting;
};

const HOUR = 3_600;
const DAY = 24 * HOUR;

export const queueConfig = {
  "sync-run": {
    description: "Synchronization runs of one mapping (scheduled, event-triggered or manual).",
    kinds: ["sync-run"],
    concurrency: 4,
    attempts: 5,
    backoff: { type: "exponential", delayMs: 5_000 },
    removeOnComplete: { ageSeconds: DAY, count: 1_000 },
    removeOnFail: { ageSeconds: 7 * DAY, count: 5_000 },
  },
  coupling: {
    description: "Set Up Coupling of chosen records, optionally followed by a synchronization.",
    kinds: ["coupling"],
    concurrency: 4,
    attempts: 3,
    backoff: { type: "exponential", delayMs: 2_000 },
    removeOnComplete: { ageSeconds: DAY, count: 1_000 },
    removeOnFail: { ageSeconds: 7 * DAY, count: 5_000 },
  },
  uncoupling: {
    description: "Delete Coupling of chosen records, or remove all couplings of a mapping.",
    kinds: ["uncoupling"],
    concurrency: 2,
    attempts: 3,
    backoff: { type: "exponential", delayMs: 2_000 },
    removeOnComplete: { ageSeconds: DAY, count: 1_000 },
    removeOnFail: { ageSeconds: 7 * DAY, count: 5_000 },
  },
  "match-coupling": {
    description: "Match-based coupling: find Dataverse records by the mapping's match fields and couple them.",
    kinds: ["match-coupling"],
    concurrency: 2,
    attempts: 3,
    backoff: { type: "exponential", delayMs: 5_000 },
    removeOnComplete: { ageSeconds: DAY, count: 1_000 },
    removeOnFail: { ageSeconds: 7 * DAY, count: 5_000 },
  },
  "full-sync": {
    description: "Full synchronization: runs the mappings one after another, dependencies first.",
    kinds: ["full-sync"],
    concurrency: 1,
    attempts: 2,
    backoff: { type: "fixed", delayMs: 30_000 },
    removeOnComplete: { ageSeconds: 7 * DAY, count: 100 },
    removeOnFail: { ageSeconds: 30 * DAY, count: 100 },
  },
  maintenance: {
    description: "The sweeper (old finished jobs, stale worker heartbeats) and diagnostic ping jobs.",
    kinds: ["maintenance", "ping"],
    concurrency: 2,
    attempts: 3,
    backoff: { type: "fixed", delayMs: 10_000 },
    removeOnComplete: { ageSeconds: HOUR, count: 100 },
    removeOnFail: { ageSeconds: DAY, count: 100 },
  },
} as const satisfies Record<string, QueueSettings>;

export type QueueName = keyof typeof queueConfig;
export const queueNames = Object.keys(queueConfig) as QueueName[];

/** How often the worker process runs the maintenance sweeper. */
export const MAINTENANCE_EVERY_MS = 10 * 60_000;

const queueByKind = new Map<JobKind, QueueName>(
  queueNames.flatMap((name) => queueConfig[name].kinds.map((kind) => [kind, name] as const)),
);

export function queueForJobKind(kind: JobKind): QueueName {
  const name = queueByKind.get(kind);
  if (!name) throw new Error(`No queue carries the job kind "${kind}". Add it to lib/queue/queue-config.ts.`);
  return name;
}

export function settingsOf(name: QueueName): QueueSettings {
  return queueConfig[name];
}
