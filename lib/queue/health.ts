import type { Db } from "../db/db-client.ts";
import { createLogger } from "../log/logger.ts";
import type { QueueBackendKind, QueueConnection } from "./queue-connection.ts";
import { listWorkers, type WorkerStatus } from "./worker-heartbeat.ts";

export type HealthReport = {
  status: "ok" | "degraded";
  database: { ok: boolean };
  queue: { backend: QueueBackendKind; ok: boolean };
  workers: WorkerStatus[];
};

const log = createLogger("health");
const CHECK_TIMEOUT_MS = 3_000;

function timeout(ms: number): Promise<never> {
  return new Promise((_, reject) => {
    const timer = setTimeout(() => reject(new Error(`Timed out after ${ms} ms`)), ms);
    timer.unref();
  });
}

/**
 * Degraded when the database is down, the queue backend does not answer, or no worker is alive — in each case
 * queued work would not run.
 */
export async function getHealth(deps: { db: Db; queue: QueueConnection; now?: Date }): Promise<HealthReport> {
  const [workers, queueOk] = await Promise.all([
    Promise.race([listWorkers(deps.db, deps.now ?? new Date()), timeout(CHECK_TIMEOUT_MS)]).catch((err: unknown) => {
      log.warn({ err }, "health: database check failed");
      return null;
    }),
    deps.queue.ping(CHECK_TIMEOUT_MS),
  ]);
  const databaseOk = workers !== null;
  const anyAlive = (workers ?? []).some((w) => w.alive);
  return {
    status: databaseOk && queueOk && anyAlive ? "ok" : "degraded",
    database: { ok: databaseOk },
    queue: { backend: deps.queue.backend, ok: queueOk },
    workers: workers ?? [],
  };
}
