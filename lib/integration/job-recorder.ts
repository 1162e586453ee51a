import type { Db } from "../db/db-client.ts";
import type { Prisma } from "../db/generated/client.ts";
import type { ErpTable, SyncErrorClass, SyncJobDirection, SyncJobTrigger, SyncRecordOutcome } from "../db/generated/enums.ts";

// The job log of a pass (BC §2f): one SyncJob row per pass with counters, timings, Dataverse request count and a
// message; SyncJobError rows for failures; SyncRecordLog lines for every record something happened to.

export type Counters = {
  inserted: number;
  modified: number;
  deleted: number;
  unchanged: number;
  skipped: number;
  failed: number;
  coupled: number;
  uncoupled: number;
};

export const emptyCounters = (): Counters => ({ inserted: 0, modified: 0, deleted: 0, unchanged: 0, skipped: 0, failed: 0, coupled: 0, uncoupled: 0 });

export type JobErrorInput = {
  couplingId: string | null;
  sourceTable: string;
  sourceId: string | null;
  sourceRef: string | null;
  destinationTable: string | null;
  destinationId: string | null;
  destinationRef: string | null;
  errorClass: SyncErrorClass;
  message: string;
  detail: string | null;
  signature: string;
};

export type RecordLogInput = { erpTable: ErpTable; erpId: string | null; dataverseId: string | null; outcome: SyncRecordOutcome; message: string | null };

export async function startJob(
  db: Db,
  input: {
    jobId?: string;
    mappingId: string;
    direction: SyncJobDirection;
    trigger: SyncJobTrigger;
    scope: Prisma.InputJsonValue | null;
    requestedById?: string;
    workerId: string;
  },
): Promise<string> {
  const now = new Date();
  const data = {
    status: "RUNNING" as const,
    direction: input.direction,
    startedAt: now,
    heartbeatAt: now,
    workerId: input.workerId,
  };
  if (input.jobId) {
    // A row claimed before enqueueing: take it over (a retried BullMQ job may find it already started).
    const existing = await db.syncJob.findUnique({ where: { id: input.jobId } });
    if (existing) {
      await db.syncJob.update({ where: { id: input.jobId }, data: { ...data, finishedAt: null } });
      return input.jobId;
    }
  }
  const job = await db.syncJob.create({
    data: {
      ...(input.jobId ? { id: input.jobId } : {}),
      type: "SYNCHRONIZATION",
      mappingId: input.mappingId,
      trigger: input.trigger,
      scope: input.scope ?? undefined,
      requestedById: input.requestedById ?? null,
      queuedAt: now,
      ...data,
    },
  });
  return job.id;
}

export async function recordProgress(db: Db, jobId: string, counters: Counters, done: number, total: number | null): Promise<void> {
  await db.syncJob.update({ where: { id: jobId }, data: { ...counters, progressDone: done, progressTotal: total ?? undefined, heartbeatAt: new Date() } });
}

export async function finishJob(
  db: Db,
  jobId: string,
  result: {
    status: "SUCCEEDED" | "FAILED" | "CANCELLED";
    counters: Counters;
    message: string | null;
    dataverseRequests: number;
    done: number;
    /** A failed pass: what the failure is (errorSignature), so the next identical failure can fold into this row. */
    failureSignature?: string;
  },
): Promise<void> {
  await db.syncJob.update({
    where: { id: jobId },
    data: {
      ...result.counters,
      status: result.status,
      message: result.message ? result.message.slice(0, 2048) : null,
      dataverseRequests: result.dataverseRequests,
      progressDone: result.done,
      progressTotal: result.done,
      finishedAt: new Date(),
      heartbeatAt: new Date(),
      failureSignature: result.failureSignature ?? null,
    },
  });
}

export async function writeJobErrors(db: Db, jobId: string, errors: JobErrorInput[]): Promise<void> {
  if (errors.length === 0) return;
  await db.syncJobError.createMany({
    data: errors.map((e) => ({
      jobId,
      ...e,
      sourceRef: e.sourceRef?.slice(0, 250) ?? null,
      destinationRef: e.destinationRef?.slice(0, 250) ?? null,
      message: e.message.slice(0, 2048),
    })),
  });
}

export async function writeRecordLogs(db: Db, jobId: string, lines: RecordLogInput[]): Promise<void> {
  if (lines.length === 0) return;
  // One statement from a JSON parameter: Prisma's createMany costs about a millisecond per line, and a full
  // synchronization writes one line per record (bench/full-sync-bench.ts).
  const rows = lines.map((l) => ({ erpTable: l.erpTable, erpId: l.erpId, dataverseId: l.dataverseId, outcome: l.outcome, message: l.message?.slice(0, 2048) ?? null }));
  await db.$executeRawUnsafe(
    `INSERT INTO "SyncRecordLog" ("jobId", "erpTable", "erpId", "dataverseId", "outcome", "message", "at")
     SELECT $2::uuid, r."erpTable"::"ErpTable", r."erpId", r."dataverseId", r.outcome::"SyncRecordOutcome", r.message, (now() AT TIME ZONE 'UTC')
     FROM jsonb_to_recordset($1::jsonb) AS r("erpTable" text, "erpId" uuid, "dataverseId" uuid, outcome text, message text)`,
    JSON.stringify(rows),
    jobId,
  );
}

/**
 * The job rows of automatic runs that found nothing to do (BC keeps such job-queue entries from flooding the log):
 * a schedule or a delta poll fires every minute whether or not anything changed. Errors, record lines, a message or
 * any counter make a row worth keeping.
 */
function quietJobWhere(): Prisma.SyncJobWhereInput {
  return {
    type: "SYNCHRONIZATION",
    trigger: { in: ["SCHEDULE", "DATAVERSE_CHANGE"] },
    status: "SUCCEEDED",
    progressDone: 0,
    message: null,
    ...emptyCounters(),
    errors: { none: {} },
    records: { none: {} },
  };
}

/** After a quiet pass: the earlier quiet rows of the same mapping and direction go, only the newest stays for now. */
export async function pruneQuietJobs(db: Db, input: { mappingId: string; direction: SyncJobDirection; keepJobId: string }): Promise<number> {
  const result = await db.syncJob.deleteMany({ where: { ...quietJobWhere(), mappingId: input.mappingId, direction: input.direction, id: { not: input.keepJobId } } });
  return result.count;
}

/** How long the newest quiet row of a mapping stays visible before the sweeper removes it. */
export const QUIET_JOB_RETENTION_MS = 5 * 60_000;

/** The sweeper's part: quiet rows finished more than `olderThanMs` ago are removed altogether. */
export async function pruneQuietJobsOlderThan(db: Db, olderThanMs: number, now: Date = new Date()): Promise<number> {
  const result = await db.syncJob.deleteMany({ where: { ...quietJobWhere(), finishedAt: { lt: new Date(now.getTime() - olderThanMs) } } });
  return result.count;
}

/** Triggers of automatic runs: their failures in a row fold into one job row. */
export const AUTOMATIC_TRIGGERS: readonly SyncJobTrigger[] = ["SCHEDULE", "ERP_CHANGE", "DATAVERSE_CHANGE", "WEBHOOK"];

/**
 * After a failed automatic pass that did nothing (no record reached, nothing counted): when the mapping's previous
 * automatic job of the same direction failed the same way (same signature) within the current streak of failed runs
 * (`streakSince`, the mapping's failingSince before this run), that row takes this attempt — one more repeat, the
 * latest attempt's time, message and queue time (so it lists where the latest attempt would) — and this row goes.
 * Returns the id of the row that stands for the attempt. Runs of a mapping hold its lease, so no other run folds
 * into the same row at once.
 */
export async function foldRepeatedFailure(
  db: Db,
  input: { jobId: string; mappingId: string; direction: SyncJobDirection; signature: string; streakSince: Date | null },
): Promise<string> {
  if (!input.streakSince) return input.jobId;
  const current = await db.syncJob.findUnique({ where: { id: input.jobId } });
  if (!current || current.status !== "FAILED") return input.jobId;
  const previous = await db.syncJob.findFirst({
    where: { mappingId: input.mappingId, direction: input.direction, type: "SYNCHRONIZATION", trigger: { in: [...AUTOMATIC_TRIGGERS] }, id: { not: input.jobId }, status: { not: "RUNNING" } },
    orderBy: [{ queuedAt: "desc" }, { id: "desc" }],
  });
  if (!previous || previous.status !== "FAILED" || previous.failureSignature !== input.signature) return input.jobId;
  if (!previous.finishedAt || previous.finishedAt < input.streakSince) return input.jobId;
  await db.$transaction([
    db.syncJob.update({
      where: { id: previous.id },
      data: {
        repeatCount: { increment: current.repeatCount },
        lastAttemptAt: current.startedAt ?? current.queuedAt,
        queuedAt: current.queuedAt,
        finishedAt: current.finishedAt,
        heartbeatAt: current.finishedAt,
        message: current.message,
        dataverseRequests: { increment: current.dataverseRequests },
      },
    }),
    db.syncJob.delete({ where: { id: current.id } }),
  ]);
  return previous.id;
}
