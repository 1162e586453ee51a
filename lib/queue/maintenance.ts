import type { Db } from "../db/db-client.ts";
import type { JobPayload } from "./job-payloads.ts";
import { queueNames, type QueueName } from "./queue-config.ts";
import type { QueueConnection } from "./queue-connection.ts";
import { deleteStaleHeartbeats } from "./worker-heartbeat.ts";

// The sweeper. Job retention settings already trim finished jobs as new ones finish; this also catches queues that
// went quiet, and removes heartbeats that crashed workers left behind.

export type MaintenanceResult = {
  removedCompletedJobs: Record<QueueName, number>;
  removedFailedJobs: Record<QueueName, number>;
  removedHeartbeats: number;
};

const CLEAN_BATCH = 1_000;

async function cleanAll(connection: QueueConnection, graceMs: number, type: "completed" | "failed") {
  const removed = {} as Record<QueueName, number>;
  for (const name of queueNames) {
    let total = 0;
    // clean() removes at most `limit` jobs per call; loop until a call comes back short.
    for (;;) {
      const ids = await connection.queue(name).clean(graceMs, CLEAN_BATCH, type);
      total += ids.length;
      if (ids.length < CLEAN_BATCH) break;
    }
    removed[name] = total;
  }
  return removed;
}

export async function runMaintenance(
  connection: QueueConnection,
  db: Db,
  options: JobPayload<"maintenance">,
): Promise<MaintenanceResult> {
  const removedCompletedJobs = await cleanAll(connection, options.completedJobAgeSeconds * 1_000, "completed");
  const removedFailedJobs = await cleanAll(connection, options.failedJobAgeSeconds * 1_000, "failed");
  const removedHeartbeats = await deleteStaleHeartbeats(db, options.staleHeartbeatSeconds * 1_000);
  return { removedCompletedJobs, removedFailedJobs, removedHeartbeats };
}
