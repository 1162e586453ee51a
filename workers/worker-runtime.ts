import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { Db } from "../lib/db/db-client.ts";
import type { Logger } from "../lib/log/logger.ts";
import { upsertJobSchedule } from "../lib/queue/job-schedules.ts";
import { MAINTENANCE_EVERY_MS, queueConfig, queueNames, type QueueName } from "../lib/queue/queue-config.ts";
import type { AnyWorker, QueueConnection } from "../lib/queue/queue-connection.ts";
import {
  HEARTBEAT_INTERVAL_MS,
  recordHeartbeat,
  removeHeartbeat,
  type WorkerIdentity,
} from "../lib/queue/worker-heartbeat.ts";
import { createQueueProcessor } from "./job-dispatcher.ts";

export type WorkerRuntimeOptions = {
  queue: QueueConnection;
  db: Db;
  log: Logger;
  /** Defaults to every queue of lib/queue/queue-config.ts. */
  queues?: readonly QueueName[];
  /** Caps every queue's configured concurrency. */
  maxConcurrency?: number;
  /** How long a job's lock lasts unrenewed (WORKER_LOCK_SECONDS); BullMQ's 30 s when absent. */
  lockDurationMs?: number;
  heartbeatIntervalMs?: number;
  /** Register the recurring maintenance sweep (idempotent across workers). */
  scheduleMaintenance?: boolean;
};

export type StopOutcome = "drained" | "released" | "abandoned";

export type WorkerRuntime = {
  readonly identity: WorkerIdentity;
  readonly workers: ReadonlyMap<QueueName, AnyWorker>;
  jobsProcessed(): number;
  /**
   * Stops taking jobs and waits up to `timeoutMs` for active ones; jobs still running then are aborted and handed
   * back to their queue ("released"). "abandoned": even that did not finish within `timeoutMs` more — their locks
   * expire and another worker picks them up as stalled. Deletes the heartbeat; does not close the queue connection.
   */
  stop(timeoutMs?: number): Promise<StopOutcome>;
};

function within<T>(promise: Promise<T>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    promise.then(
      () => {
        clearTimeout(timer);
        resolve(true);
      },
      () => {
        clearTimeout(timer);
        resolve(true);
      },
    );
  });
}

export async function startWorkerRuntime(options: WorkerRuntimeOptions): Promise<WorkerRuntime> {
  const { queue, db } = options;
  const identity: WorkerIdentity = {
    id: `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
    hostname: hostname(),
    pid: process.pid,
    queueBackend: queue.backend,
  };
  const log = options.log.child({ workerId: identity.id });
  let processed = 0;

  // Visible before the first job can run, so /api/health shows a starting worker at once.
  await recordHeartbeat(db, identity, processed);

  const workers = new Map<QueueName, AnyWorker>();
  for (const name of options.queues ?? queueNames) {
    const concurrency = Math.min(queueConfig[name].concurrency, options.maxConcurrency ?? Number.POSITIVE_INFINITY);
    const worker = queue.createWorker(
      name,
      createQueueProcessor(name, { db, queue, log, workerId: identity.id }),
      { concurrency, lockDurationMs: options.lockDurationMs },
    );
    worker.on("completed", (job) => {
      processed += 1;
      log.info({ queue: name, jobId: job.id, kind: job.name }, "job completed");
    });
    worker.on("failed", (job, err) => {
      processed += 1;
      log.warn({ queue: name, jobId: job?.id, kind: job?.name, attemptsMade: job?.attemptsMade, err: err.message }, "job failed");
    });
    workers.set(name, worker);
  }
  await Promise.all([...workers.values()].map((w) => w.waitUntilReady()));

  if (options.scheduleMaintenance) {
    await upsertJobSchedule(queue, "maintenance", "maintenance:sweep", { everyMs: MAINTENANCE_EVERY_MS }, {});
  }

  let beating: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    beating = recordHeartbeat(db, identity, processed).catch((err: unknown) => {
      log.warn({ err }, "heartbeat could not be written");
    });
  }, options.heartbeatIntervalMs ?? HEARTBEAT_INTERVAL_MS);

  log.info({ backend: queue.backend, queues: [...workers.keys()] }, "worker started");

  let stopping: Promise<StopOutcome> | undefined;
  const stop = (timeoutMs = 30_000) => {
    stopping ??= (async () => {
      clearInterval(timer);
      const all = [...workers.values()];
      const closed = Promise.all(all.map((w) => w.close()));
      let outcome: StopOutcome = "drained";
      if (!(await within(closed, timeoutMs))) {
        log.warn({ timeoutMs }, "active jobs did not finish in time; handing them back to their queues");
        for (const w of all) w.cancelAllJobs("The worker is shutting down.");
        outcome = (await within(closed, timeoutMs)) ? "released" : "abandoned";
      }
      await beating;
      await removeHeartbeat(db, identity.id).catch((err: unknown) => log.warn({ err }, "heartbeat not removed"));
      log.info({ outcome, jobsProcessed: processed }, "worker stopped");
      return outcome;
    })();
    return stopping;
  };

  return { identity, workers, jobsProcessed: () => processed, stop };
}
