import { randomUUID } from "node:crypto";
import { renderText, serverMessage, type ServerMessage } from "../actions/server-message.ts";
import type { Db } from "../db/db-client.ts";

// One active run per mapping across any number of workers: a lease on the mapping row, taken with one atomic UPDATE
// (free or expired → ours), renewed while the run works, released at the end. A crashed worker's lease simply
// expires; the next run (or the maintenance sweeper) takes over and marks the crashed run's jobs as failed.

export const LEASE_TTL_MS = 60_000;
const RENEW_EVERY_MS = 15_000;
/** A RUNNING job whose heartbeat is older than this belongs to a worker that stopped. */
export const STALE_JOB_MS = 2 * LEASE_TTL_MS;

export class MappingBusyError extends Error {
  override name = "MappingBusyError";
  /** The message as a catalog message, for the console; the API shows its English. */
  readonly described: ServerMessage;

  constructor(readonly mappingName: string) {
    const described = serverMessage("errors.mappingBusy", { name: mappingName });
    super(renderText("en", described));
    this.described = described;
  }
}

export type Lease = {
  owner: string;
  mappingId: string;
  /** Job rows to keep alive (heartbeatAt) while the lease is renewed. */
  trackJob(jobId: string): void;
  /** Whether the lease was lost (expired and taken by someone else): stop writing. */
  isLost(): boolean;
  release(): Promise<void>;
};

async function tryAcquire(db: Db, mappingId: string, owner: string): Promise<boolean> {
  const until = new Date(Date.now() + LEASE_TTL_MS);
  const count = await db.$executeRaw`
    UPDATE "IntegrationTableMapping"
    SET "runLeaseOwner" = ${owner}, "runLeaseUntil" = ${until},
        "status" = CASE WHEN "status" = 'READY' THEN 'RUNNING'::"MappingStatus" ELSE "status" END
    WHERE "id" = ${mappingId}::uuid
      AND ("runLeaseOwner" IS NULL OR "runLeaseUntil" IS NULL OR "runLeaseUntil" < now() OR "runLeaseOwner" = ${owner})`;
  return count === 1;
}

/**
 * Takes the mapping's run lease, waiting up to `waitMs` for a running run to finish; throws MappingBusyError after
 * that. Jobs left RUNNING by an earlier owner whose lease had expired are marked failed on the way.
 */
export async function acquireRunLease(db: Db, mapping: { id: string; name: string }, options: { waitMs?: number; owner?: string } = {}): Promise<Lease> {
  const owner = options.owner ?? `run:${randomUUID()}`;
  const deadline = Date.now() + (options.waitMs ?? 0);
  let delay = 100;
  while (!(await tryAcquire(db, mapping.id, owner))) {
    if (Date.now() >= deadline) throw new MappingBusyError(mapping.name);
    await new Promise((resolve) => setTimeout(resolve, Math.min(delay, Math.max(deadline - Date.now(), 10))));
    delay = Math.min(delay * 2, 1_000);
  }
  // Holding the lease proves no other run of this mapping is alive: its RUNNING jobs were left by a crashed worker.
  await db.syncJob.updateMany({
    where: { mappingId: mapping.id, type: "SYNCHRONIZATION", status: "RUNNING", workerId: { startsWith: "run:", not: owner } },
    data: { status: "FAILED", finishedAt: new Date(), message: ABANDONED_MESSAGE },
  });

  const jobs = new Set<string>();
  let lost = false;
  let renewing: Promise<void> = Promise.resolve();
  const renew = async () => {
    const until = new Date(Date.now() + LEASE_TTL_MS);
    // Raw SQL on purpose: Prisma would bump updatedAt, which marks real mapping edits (failed pairs retry on those).
    const count = await db.$executeRaw`
      UPDATE "IntegrationTableMapping" SET "runLeaseUntil" = ${until} WHERE "id" = ${mapping.id}::uuid AND "runLeaseOwner" = ${owner}`;
    if (count === 0) lost = true;
    if (jobs.size > 0) await db.syncJob.updateMany({ where: { id: { in: [...jobs] }, status: "RUNNING" }, data: { heartbeatAt: new Date() } });
  };
  const timer = setInterval(() => {
    renewing = renew().catch(() => undefined);
  }, RENEW_EVERY_MS);
  timer.unref();

  return {
    owner,
    mappingId: mapping.id,
    trackJob: (jobId) => jobs.add(jobId),
    isLost: () => lost,
    async release() {
      clearInterval(timer);
      await renewing;
      await db.$executeRaw`
        UPDATE "IntegrationTableMapping"
        SET "runLeaseOwner" = NULL, "runLeaseUntil" = NULL,
            "status" = CASE WHEN "status" = 'RUNNING' THEN 'READY'::"MappingStatus" ELSE "status" END
        WHERE "id" = ${mapping.id}::uuid AND "runLeaseOwner" = ${owner}`;
    },
  };
}

/** Stored in English like every engine message; shown in the reader's language by its wording (engine-messages.ts). */
const ABANDONED_MESSAGE = renderText("en", serverMessage("engine.jobAbandoned"));

/**
 * RUNNING jobs whose heartbeat went stale → FAILED with a message: synchronizations (heartbeat with their lease),
 * couplings and uncouplings (heartbeat with their progress and keepJobAlive) a crashed worker left behind.
 */
export async function failAbandonedJobs(db: Db, options: { mappingId?: string; now?: Date } = {}): Promise<number> {
  const now = options.now ?? new Date();
  const staleBefore = new Date(now.getTime() - STALE_JOB_MS);
  const result = await db.syncJob.updateMany({
    where: {
      status: "RUNNING",
      ...(options.mappingId ? { mappingId: options.mappingId } : {}),
      OR: [{ heartbeatAt: { lt: staleBefore } }, { heartbeatAt: null, startedAt: { lt: staleBefore } }],
    },
    data: { status: "FAILED", finishedAt: now, message: ABANDONED_MESSAGE },
  });
  return result.count;
}

export type RecoveryResult = { failedJobs: number; releasedLeases: number };

/** The sweeper's part for runs: abandoned jobs failed, expired leases released (mapping back to READY). */
export async function recoverStaleRuns(db: Db, now: Date = new Date()): Promise<RecoveryResult> {
  const failedJobs = await failAbandonedJobs(db, { now });
  const releasedLeases = await db.$executeRaw`
    UPDATE "IntegrationTableMapping"
    SET "runLeaseOwner" = NULL, "runLeaseUntil" = NULL,
        "status" = CASE WHEN "status" = 'RUNNING' THEN 'READY'::"MappingStatus" ELSE "status" END
    WHERE "runLeaseOwner" IS NOT NULL AND "runLeaseUntil" < ${now}`;
  return { failedJobs, releasedLeases };
}
