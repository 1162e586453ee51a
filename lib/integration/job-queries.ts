import type { Db, Tx } from "../db/db-client.ts";
import type { Prisma, SyncJob } from "../db/generated/client.ts";
import type {
  ErpTable,
  SyncErrorClass,
  SyncJobDirection,
  SyncJobStatus,
  SyncJobTrigger,
  SyncJobType,
  SyncRecordOutcome,
} from "../db/generated/enums.ts";
import { errorSignature } from "./error-signature.ts";

// The job log as the manual operations write it (coupling and uncoupling jobs: counters, progress, errors and
// per-record lines) and as the API and the jobs page read it (lists, one job with its errors, a record's log, ETA).

export type JobCounters = {
  inserted: number;
  modified: number;
  deleted: number;
  unchanged: number;
  skipped: number;
  failed: number;
  coupled: number;
  uncoupled: number;
};

export const COUNTER_NAMES = ["inserted", "modified", "deleted", "unchanged", "skipped", "failed", "coupled", "uncoupled"] as const;

export function emptyCounters(): JobCounters {
  return { inserted: 0, modified: 0, deleted: 0, unchanged: 0, skipped: 0, failed: 0, coupled: 0, uncoupled: 0 };
}

export function countersOf(job: Pick<SyncJob, (typeof COUNTER_NAMES)[number]>): JobCounters {
  return Object.fromEntries(COUNTER_NAMES.map((name) => [name, job[name]])) as JobCounters;
}

export type NewJob = {
  type: SyncJobType;
  mappingId: string;
  trigger: SyncJobTrigger;
  direction?: SyncJobDirection | null;
  requestedById?: string | null;
  scope?: Prisma.InputJsonValue;
  progressTotal?: number | null;
};

/** A QUEUED job row, claimed before its work is enqueued so callers can hand out its id at once. */
export async function createJob(db: Db | Tx, job: NewJob): Promise<string> {
  const row = await db.syncJob.create({
    data: {
      type: job.type,
      mappingId: job.mappingId,
      trigger: job.trigger,
      direction: job.direction ?? null,
      requestedById: job.requestedById ?? null,
      scope: job.scope,
      progressTotal: job.progressTotal ?? null,
    },
  });
  return row.id;
}

/** Moves a claimed job to RUNNING, or creates it running when no id was claimed. */
export async function startJob(db: Db, jobId: string | undefined, job: NewJob & { workerId?: string }): Promise<string> {
  const now = new Date();
  if (jobId) {
    const existing = await db.syncJob.findUnique({ where: { id: jobId } });
    if (existing) {
      await db.syncJob.update({
        where: { id: jobId },
        data: { status: "RUNNING", startedAt: now, heartbeatAt: now, workerId: job.workerId ?? null, progressTotal: job.progressTotal ?? existing.progressTotal },
      });
      return jobId;
    }
  }
  const row = await db.syncJob.create({
    data: {
      ...(jobId ? { id: jobId } : {}),
      type: job.type,
      mappingId: job.mappingId,
      trigger: job.trigger,
      direction: job.direction ?? null,
      requestedById: job.requestedById ?? null,
      scope: job.scope,
      status: "RUNNING",
      startedAt: now,
      heartbeatAt: now,
      workerId: job.workerId ?? null,
      progressTotal: job.progressTotal ?? null,
    },
  });
  return row.id;
}

/** Adds to the counters and the progress in one statement (a UI polling the job sees it move). */
/** How often a long step keeps its job row's heartbeat fresh (rows silent for STALE_JOB_MS count as abandoned). */
const KEEP_ALIVE_MS = 15_000;

/**
 * Keeps a RUNNING job's heartbeat fresh until the returned stop is called, for jobs with steps longer than the
 * staleness limit between two counter moves (planning a match-based coupling of many records, the runs it starts).
 */
export function keepJobAlive(db: Db, jobId: string): () => void {
  const timer = setInterval(() => {
    db.syncJob.updateMany({ where: { id: jobId, status: "RUNNING" }, data: { heartbeatAt: new Date() } }).catch(() => undefined);
  }, KEEP_ALIVE_MS);
  timer.unref();
  return () => clearInterval(timer);
}

export async function advanceJob(db: Db | Tx, jobId: string, delta: Partial<JobCounters>, progress = 0): Promise<void> {
  const data: Prisma.SyncJobUpdateInput = { heartbeatAt: new Date(), progressDone: { increment: progress } };
  for (const name of COUNTER_NAMES) if (delta[name]) data[name] = { increment: delta[name] };
  await db.syncJob.update({ where: { id: jobId }, data });
}

export async function finishJob(db: Db, jobId: string, status: SyncJobStatus, message?: string | null): Promise<SyncJob> {
  return db.syncJob.update({
    where: { id: jobId },
    data: { status, finishedAt: new Date(), heartbeatAt: new Date(), message: message ? message.slice(0, 2048) : null },
  });
}

export type JobErrorInput = {
  couplingId?: string | null;
  sourceTable: string;
  sourceId?: string | null;
  sourceRef?: string | null;
  destinationTable?: string | null;
  destinationId?: string | null;
  destinationRef?: string | null;
  errorClass: SyncErrorClass;
  message: string;
  detail?: string | null;
};

export async function addJobError(db: Db | Tx, jobId: string, error: JobErrorInput): Promise<void> {
  await db.syncJobError.create({
    data: {
      jobId,
      couplingId: error.couplingId ?? null,
      sourceTable: error.sourceTable,
      sourceId: error.sourceId ?? null,
      sourceRef: error.sourceRef?.slice(0, 250) ?? null,
      destinationTable: error.destinationTable ?? null,
      destinationId: error.destinationId ?? null,
      destinationRef: error.destinationRef?.slice(0, 250) ?? null,
      errorClass: error.errorClass,
      message: error.message.slice(0, 2048),
      detail: error.detail ?? null,
      signature: errorSignature(error.message, error.errorClass),
    },
  });
}

export type RecordLogInput = { erpTable: ErpTable; erpId?: string | null; dataverseId?: string | null; outcome: SyncRecordOutcome; message?: string | null };

export async function addRecordLogs(db: Db | Tx, jobId: string, rows: readonly RecordLogInput[]): Promise<void> {
  if (rows.length === 0) return;
  await db.syncRecordLog.createMany({
    data: rows.map((r) => ({ jobId, erpTable: r.erpTable, erpId: r.erpId ?? null, dataverseId: r.dataverseId ?? null, outcome: r.outcome, message: r.message?.slice(0, 2048) ?? null })),
  });
}

// ───────────── reading ─────────────

export type JobSummary = {
  id: string;
  type: SyncJobType;
  mapping: string;
  direction: SyncJobDirection | null;
  trigger: SyncJobTrigger;
  status: SyncJobStatus;
  counters: JobCounters;
  progress: { total: number | null; done: number; etaSeconds: number | null };
  message: string | null;
  queuedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** Failed automatic runs in a row folded into this row (1: just this run); startedAt is the first of them. */
  repeatCount: number;
  /** When the latest of them started; null unless repeatCount > 1. */
  lastAttemptAt: string | null;
};

/** Seconds left, from the rate so far; null when it cannot be told yet (no total, nothing done, finished). */
export function etaSeconds(job: Pick<SyncJob, "progressTotal" | "progressDone" | "startedAt" | "finishedAt">, now = new Date()): number | null {
  if (job.finishedAt || !job.startedAt || !job.progressTotal || job.progressDone <= 0) return null;
  const elapsed = (now.getTime() - job.startedAt.getTime()) / 1000;
  const left = Math.max(0, job.progressTotal - job.progressDone);
  return Math.round((elapsed / job.progressDone) * left);
}

export function toJobSummary(job: SyncJob & { mapping: { name: string } }): JobSummary {
  return {
    id: job.id,
    type: job.type,
    mapping: job.mapping.name,
    direction: job.direction,
    trigger: job.trigger,
    status: job.status,
    counters: countersOf(job),
    progress: { total: job.progressTotal, done: job.progressDone, etaSeconds: etaSeconds(job) },
    message: job.message,
    queuedAt: job.queuedAt.toISOString(),
    startedAt: job.startedAt?.toISOString() ?? null,
    finishedAt: job.finishedAt?.toISOString() ?? null,
    repeatCount: job.repeatCount,
    lastAttemptAt: job.repeatCount > 1 ? (job.lastAttemptAt?.toISOString() ?? null) : null,
  };
}

export type JobListQuery = { mapping?: string; type?: SyncJobType; status?: SyncJobStatus; page: number; pageSize: number };

export async function listJobs(db: Db, query: JobListQuery): Promise<{ items: JobSummary[]; total: number; page: number; pageSize: number }> {
  const where: Prisma.SyncJobWhereInput = {
    ...(query.mapping ? { mapping: { name: query.mapping.toUpperCase() } } : {}),
    ...(query.type ? { type: query.type } : {}),
    ...(query.status ? { status: query.status } : {}),
  };
  const [rows, total] = await Promise.all([
    db.syncJob.findMany({ where, include: { mapping: { select: { name: true } } }, orderBy: [{ queuedAt: "desc" }, { id: "desc" }], skip: (query.page - 1) * query.pageSize, take: query.pageSize }),
    db.syncJob.count({ where }),
  ]);
  return { items: rows.map(toJobSummary), total, page: query.page, pageSize: query.pageSize };
}

export type JobErrorView = {
  id: string;
  couplingId: string | null;
  source: { table: string; id: string | null; ref: string | null };
  destination: { table: string | null; id: string | null; ref: string | null };
  errorClass: SyncErrorClass;
  message: string;
  detail: string | null;
  signature: string;
  at: string;
};

export async function getJobDetail(db: Db, id: string, errorLimit = 500): Promise<(JobSummary & { errors: JobErrorView[]; records: number }) | null> {
  const job = await db.syncJob.findUnique({ where: { id }, include: { mapping: { select: { name: true } } } });
  if (!job) return null;
  const [errors, records] = await Promise.all([
    db.syncJobError.findMany({ where: { jobId: id }, orderBy: { createdAt: "asc" }, take: errorLimit }),
    db.syncRecordLog.count({ where: { jobId: id } }),
  ]);
  return {
    ...toJobSummary(job),
    records,
    errors: errors.map((e) => ({
      id: e.id,
      couplingId: e.couplingId,
      source: { table: e.sourceTable, id: e.sourceId, ref: e.sourceRef },
      destination: { table: e.destinationTable, id: e.destinationId, ref: e.destinationRef },
      errorClass: e.errorClass,
      message: e.message,
      detail: e.detail,
      signature: e.signature,
      at: e.createdAt.toISOString(),
    })),
  };
}

export type RecordLogView = { jobId: string; erpId: string | null; dataverseId: string | null; outcome: SyncRecordOutcome; message: string | null; at: string };

export async function recordLogOf(db: Db, table: ErpTable, erpId: string, take = 200): Promise<RecordLogView[]> {
  const rows = await db.syncRecordLog.findMany({ where: { erpTable: table, erpId }, orderBy: [{ at: "desc" }, { id: "desc" }], take });
  return rows.map(toRecordLogView);
}

export async function recordLogsOfJobs(db: Db, jobIds: readonly string[]): Promise<RecordLogView[]> {
  if (jobIds.length === 0) return [];
  const rows = await db.syncRecordLog.findMany({ where: { jobId: { in: [...jobIds] } }, orderBy: { id: "asc" } });
  return rows.map(toRecordLogView);
}

function toRecordLogView(r: { jobId: string; erpId: string | null; dataverseId: string | null; outcome: SyncRecordOutcome; message: string | null; at: Date }): RecordLogView {
  return { jobId: r.jobId, erpId: r.erpId, dataverseId: r.dataverseId, outcome: r.outcome, message: r.message, at: r.at.toISOString() };
}

export async function jobSummaries(db: Db, ids: readonly string[]): Promise<JobSummary[]> {
  if (ids.length === 0) return [];
  const rows = await db.syncJob.findMany({ where: { id: { in: [...ids] } }, include: { mapping: { select: { name: true } } } });
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.flatMap((id) => (byId.has(id) ? [toJobSummary(byId.get(id)!)] : []));
}
