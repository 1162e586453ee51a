import type { Db } from "../db/db-client.ts";
import type { QueueBackendKind } from "./queue-connection.ts";

// Each worker process keeps one WorkerHeartbeat row fresh; /api/health reads them. A worker that stops cleanly
// deletes its row; a crashed one leaves a row that stops being "alive" and is later swept by the maintenance job.

export const HEARTBEAT_INTERVAL_MS = 5_000;
/** A worker counts as alive when its heartbeat is younger than this (three missed beats). */
export const ALIVE_WITHIN_MS = 15_000;

export type WorkerIdentity = { id: string; hostname: string; pid: number; queueBackend: QueueBackendKind };

export type WorkerStatus = {
  id: string;
  hostname: string;
  pid: number;
  queueBackend: string;
  startedAt: string;
  lastSeenAt: string;
  jobsProcessed: number;
  alive: boolean;
};

export async function recordHeartbeat(db: Db, worker: WorkerIdentity, jobsProcessed: number, now = new Date()) {
  await db.workerHeartbeat.upsert({
    where: { id: worker.id },
    create: { ...worker, startedAt: now, lastSeenAt: now, jobsProcessed },
    update: { lastSeenAt: now, jobsProcessed },
  });
}

export async function removeHeartbeat(db: Db, workerId: string): Promise<void> {
  await db.workerHeartbeat.deleteMany({ where: { id: workerId } });
}

export function isAlive(lastSeenAt: Date, now: Date): boolean {
  return now.getTime() - lastSeenAt.getTime() <= ALIVE_WITHIN_MS;
}

export async function listWorkers(db: Db, now = new Date()): Promise<WorkerStatus[]> {
  const rows = await db.workerHeartbeat.findMany({ orderBy: [{ hostname: "asc" }, { startedAt: "asc" }] });
  return rows.map((row) => ({
    id: row.id,
    hostname: row.hostname,
    pid: row.pid,
    queueBackend: row.queueBackend,
    startedAt: row.startedAt.toISOString(),
    lastSeenAt: row.lastSeenAt.toISOString(),
    jobsProcessed: row.jobsProcessed,
    alive: isAlive(row.lastSeenAt, now),
  }));
}

/** Deletes heartbeats of workers not seen for `olderThanMs` (processes that crashed or were killed). */
export async function deleteStaleHeartbeats(db: Db, olderThanMs: number, now = new Date()): Promise<number> {
  const { count } = await db.workerHeartbeat.deleteMany({
    where: { lastSeenAt: { lt: new Date(now.getTime() - olderThanMs) } },
  });
  return count;
}
