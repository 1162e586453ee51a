import type { DataverseClient, RequestTally } from "../dataverse/dataverse-client.ts";
import { DataverseError } from "../dataverse/dataverse-error.ts";
import type { Db } from "../db/db-client.ts";
import type { Coupling, Prisma } from "../db/generated/client.ts";
import type { SyncJobTrigger } from "../db/generated/enums.ts";
import { iterateChanges } from "../erp/change-capture.ts";
import type { Logger } from "../log/logger.ts";
import { clearedLookupRetryIds } from "./cleared-lookups.ts";
import { fetchByIds, passesIntegrationFilter, readDataverseChanges, type DataverseRow } from "./dataverse-records.ts";
import { loadErpRecords, type ErpRow } from "./erp-records.ts";
import { errorSignature } from "./error-signature.ts";
import {
  AUTOMATIC_TRIGGERS,
  emptyCounters,
  finishJob,
  foldRepeatedFailure,
  pruneQuietJobs,
  recordProgress,
  startJob,
  writeJobErrors,
  writeRecordLogs,
  type Counters,
} from "./job-recorder.ts";
import { loadMapping, loadMappingBriefs, MappingConfigError, type LoadedMapping, type MappingBrief } from "./mapping-loader.ts";
import { isHeldBack, recordRunFailure, recordRunSuccess } from "./run-backoff.ts";
import { acquireRunLease, type Lease } from "./run-lease.ts";
import { isErpSideUnchanged, processChunk, type Candidate, type ChunkFlags } from "./sync-pass.ts";
import { matchesFilter } from "./table-filter.ts";

// A run of one mapping: (mapping, direction(s), scope, flags). It takes the mapping's run lease (one active run per
// mapping across all workers), then runs the To pass and/or the From pass, each recorded as its own SyncJob (BC
// §2e). A whole-mapping run reads its candidates from change capture (ERP) and the delta link (Dataverse) plus the
// failed pairs whose cause changed; a manual run reads exactly its scope. A To-only mapping has no From pass, so its
// whole-mapping To pass reads the delta link for deletions; a From-only mapping has no To pass, so its whole-mapping
// From pass reads ERP change capture for deletions. Watermarks and the delta link are stored only after every
// candidate up to them is committed, and only when no pair was left pending by a transient error.
// A run that fails as a whole counts against the mapping's backoff (run-backoff.ts) when it was automatic, and a
// failed automatic pass that did nothing folds into the previous identical failure's job row (job-recorder.ts); any
// run that succeeds clears the backoff.

export type RunDirection = "TO_INTEGRATION_TABLE" | "FROM_INTEGRATION_TABLE";

export type RunRequest = {
  mappingId: string;
  /** None: every direction the mapping allows, To then From. */
  direction?: RunDirection;
  trigger: SyncJobTrigger;
  /** Manual runs: exactly these records (ERP ids and/or Dataverse ids), nothing from change capture or the delta link. */
  scope?: { erpIds?: string[]; dataverseIds?: string[] };
  /** Synchronize Now / post-coupling sync (§2i): no unchanged, conflict or deletion-policy checks. */
  force?: boolean;
  /** Create the counterpart of uncoupled records even when the mapping synchronizes only coupled records. */
  overrideSyncOnlyCoupled?: boolean;
  /** Synchronize Now for many records: a record whose target changed since the last sync is skipped. */
  bulk?: boolean;
  requestedById?: string;
  /** A SyncJob row created before enqueueing; used for the first pass. */
  jobId?: string;
};

export type RunCounters = Counters;

export type RunJobResult = { id: string; direction: RunDirection; counters: RunCounters; status: string; message: string | null; dataverseRequests?: number };

export type RunResult = { jobs: RunJobResult[] };

export type RunDeps = {
  db: Db;
  client: DataverseClient;
  log?: Logger;
  /** How long to wait for another run of the same mapping to finish before giving up (MappingBusyError). */
  leaseWaitMs?: number;
  /** Identifies the worker in SyncJob rows; the lease owner is derived from it. */
  workerId?: string;
  signal?: AbortSignal;
};

// One chunk is one full $batch (the client's default maximum of 1,000 operations).
const CHUNK = 1000;
/**
 * Chunks of a To pass in progress at once: the database work of some overlaps the $batch of others. Four, as many as
 * the client keeps batches in flight; with two the worker, PostgreSQL and Dataverse waited on each other for part of
 * every chunk (bench/README.md, P1).
 */
const PARALLEL_CHUNKS = 4;
/** Couplings read per query when a pass goes through all of a mapping's coupled pairs. */
const COUPLING_PAGE = 5000;
/** Triggers that fire whether or not anything changed: their runs that found nothing are not kept in the job log. */
const QUIET_TRIGGERS: readonly SyncJobTrigger[] = ["SCHEDULE", "DATAVERSE_CHANGE"];
const DEFAULT_LEASE_WAIT_MS = 120_000;

export class RunAbortedError extends Error {
  override name = "RunAbortedError";
}

function allowedPasses(direction: LoadedMapping["row"]["direction"]): RunDirection[] {
  if (direction === "BIDIRECTIONAL") return ["TO_INTEGRATION_TABLE", "FROM_INTEGRATION_TABLE"];
  return [direction];
}

export async function runSync(deps: RunDeps, request: RunRequest): Promise<RunResult> {
  const { db } = deps;
  const first = await loadMapping(db, request.mappingId);
  if (!first) throw new MappingConfigError(`There is no table mapping with id ${request.mappingId}.`);
  const isAutomatic = AUTOMATIC_TRIGGERS.includes(request.trigger);
  // Paused or disabled mappings are left alone by schedules and change triggers; people can still run them by hand.
  if (isAutomatic && (!first.row.isEnabled || first.row.status === "PAUSED" || first.row.status === "ON_HOLD")) return { jobs: [] };
  // A failing mapping's schedule and delta poll wait for its next attempt (nothing is recorded, nothing is asked).
  if (isHeldBack(first.row, request.trigger)) return { jobs: [] };
  const runStartedAt = new Date();

  const allowed = allowedPasses(first.row.direction);
  const passes = request.direction ? [request.direction] : allowed;
  if (request.direction && !allowed.includes(request.direction)) {
    const jobId = await startJob(db, jobStart(deps, first, request, request.direction, request.jobId));
    const message = `The mapping ${first.row.name} is not configured for ${request.direction === "TO_INTEGRATION_TABLE" ? "To Integration Table" : "From Integration Table"} synchronization.`;
    await finishJob(db, jobId, { status: "FAILED", counters: emptyCounters(), message, dataverseRequests: 0, done: 0 });
    return { jobs: [{ id: jobId, direction: request.direction, counters: emptyCounters(), status: "FAILED", message }] };
  }

  const lease = await acquireRunLease(db, first.row, { waitMs: deps.leaseWaitMs ?? DEFAULT_LEASE_WAIT_MS, owner: leaseOwner(deps) });
  const jobs: RunJobResult[] = [];
  try {
    const carry = new Set<string>();
    for (const [index, pass] of passes.entries()) {
      // Reloaded per pass: the watermarks may have moved while this run waited for the lease, or in the To pass.
      const loaded = await loadMapping(db, request.mappingId);
      if (!loaded) break;
      // Checked again under the lease: a run of this mapping may have failed while this one waited for it.
      if (index === 0 && isHeldBack(loaded.row, request.trigger)) return { jobs: [] };
      const briefs = await loadMappingBriefs(db);
      jobs.push(await runPass({ ...deps, loaded, briefs, pass, request, lease, carry, jobId: index === 0 ? request.jobId : undefined }));
    }
    await db.$executeRaw`UPDATE "IntegrationTableMapping" SET "lastRunAt" = now() WHERE "id" = ${request.mappingId}::uuid`;
    await recordRunOutcome(deps, request, jobs, runStartedAt);
  } finally {
    await lease.release();
  }
  return { jobs };
}

/**
 * The mapping's backoff after a run: any run whose passes all succeeded ends a streak of failures; an automatic run
 * with a failed pass lengthens it. A person's failed run leaves it as it is (their run has its own row to read).
 */
async function recordRunOutcome(deps: RunDeps, request: RunRequest, jobs: RunJobResult[], runStartedAt: Date): Promise<void> {
  if (jobs.length === 0) return;
  const failed = jobs.find((j) => j.status === "FAILED");
  if (!failed) {
    if (await recordRunSuccess(deps.db, request.mappingId)) deps.log?.info({ mappingId: request.mappingId }, "the mapping runs again: its backoff is cleared");
    return;
  }
  if (!AUTOMATIC_TRIGGERS.includes(request.trigger)) return;
  const state = await recordRunFailure(deps.db, { mappingId: request.mappingId, runStartedAt, message: failed.message ?? "" });
  deps.log?.warn({ mappingId: request.mappingId, failedRuns: state.failedRuns, nextAttemptAt: state.nextAttemptAt }, "automatic runs of the mapping back off");
}

function leaseOwner(deps: RunDeps): string {
  return `run:${deps.workerId ?? "local"}:${crypto.randomUUID()}`;
}

function jobStart(deps: RunDeps, loaded: LoadedMapping, request: RunRequest, direction: RunDirection, jobId: string | undefined, workerId = `run:${deps.workerId ?? "local"}`) {
  const scope = request.scope || request.force || request.bulk || request.overrideSyncOnlyCoupled
    ? ({ ...request.scope, force: request.force ?? false, bulk: request.bulk ?? false, overrideSyncOnlyCoupled: request.overrideSyncOnlyCoupled ?? false } as Prisma.InputJsonValue)
    : null;
  return { jobId, mappingId: loaded.row.id, direction, trigger: request.trigger, scope, requestedById: request.requestedById, workerId };
}

type PassDeps = RunDeps & {
  loaded: LoadedMapping;
  briefs: MappingBrief[];
  pass: RunDirection;
  request: RunRequest;
  lease: Lease;
  /** Dataverse ids the To pass left for the From pass of this run. */
  carry: Set<string>;
  jobId?: string;
};

/** The part of a failure that makes two failures "the same": the kind of error, then the normalised message. */
function failureKind(error: unknown): string {
  if (error instanceof DataverseError) return `dataverse:${error.retryClass}`;
  return error instanceof Error ? error.name : "unknown";
}

const didNothing = (state: PassState) => state.done === 0 && Object.values(state.counters).every((n) => n === 0);

type PassState = {
  jobId: string;
  counters: Counters;
  done: number;
  hasPending: boolean;
};

async function runPass(deps: PassDeps): Promise<RunJobResult> {
  const { db, client, loaded, pass, request, lease } = deps;
  const jobId = await startJob(db, jobStart(deps, loaded, request, pass, deps.jobId, lease.owner));
  lease.trackJob(jobId);
  // This pass's own requests: other mappings may be running on the same client in this worker at the same time.
  const tally: RequestTally = { requests: 0 };
  const state: PassState = { jobId, counters: emptyCounters(), done: 0, hasPending: false };
  try {
    await client.countRequests(tally, () => (pass === "TO_INTEGRATION_TABLE" ? runToPass(deps, state) : runFromPass(deps, state)));
    const message = summary(state);
    await finishJob(db, jobId, { status: "SUCCEEDED", counters: state.counters, message, dataverseRequests: tally.requests, done: state.done });
    // A schedule or delta poll that found nothing leaves no lasting row (the mapping's lastRunAt tells when it ran).
    if (QUIET_TRIGGERS.includes(request.trigger) && state.done === 0 && !state.hasPending && message === null) {
      await pruneQuietJobs(db, { mappingId: loaded.row.id, direction: pass, keepJobId: jobId });
    }
    return { id: jobId, direction: pass, counters: state.counters, status: "SUCCEEDED", message, dataverseRequests: tally.requests };
  } catch (error) {
    const message = failureMessage(error, loaded);
    deps.log?.warn({ err: error, mapping: loaded.row.name, pass }, "synchronization pass failed");
    const aborted = error instanceof RunAbortedError || Boolean(deps.signal?.aborted);
    const failureSignature = aborted ? undefined : errorSignature(message, failureKind(error));
    await finishJob(db, jobId, { status: "FAILED", counters: state.counters, message, dataverseRequests: tally.requests, done: state.done, failureSignature });
    if (aborted) throw error;
    // The same failure again, with nothing done: one more repeat on the row of the first, not a row of its own.
    const rowId =
      failureSignature && AUTOMATIC_TRIGGERS.includes(request.trigger) && !deps.jobId && didNothing(state)
        ? await foldRepeatedFailure(db, { jobId, mappingId: loaded.row.id, direction: pass, signature: failureSignature, streakSince: loaded.row.failingSince })
        : jobId;
    return { id: rowId, direction: pass, counters: state.counters, status: "FAILED", message, dataverseRequests: tally.requests };
  }
}

function summary(state: PassState): string | null {
  const c = state.counters;
  const parts = (Object.keys(c) as (keyof Counters)[]).filter((k) => c[k] > 0).map((k) => `${c[k]} ${k}`);
  const pending = state.hasPending ? " Some records could not be reached for a moment (Dataverse busy or unavailable); they are retried by the next run." : "";
  return parts.length || pending ? `${parts.join(", ") || "Nothing changed"}.${pending}` : null;
}

function failureMessage(error: unknown, loaded: LoadedMapping): string {
  if (error instanceof MappingConfigError) return error.message;
  if (error instanceof RunAbortedError) return error.message;
  if (error instanceof DataverseError) {
    if (error.retryClass === "auth") return `Dataverse refused the connection (${error.message}). Check the Dataverse connection's credentials and the integration user's roles; the run is retried automatically.`;
    if (error.isRetryable) return `Dataverse could not be reached or is busy (${error.message}). Nothing was lost: the next run continues from the last committed point.`;
    return `Dataverse refused a request while synchronizing ${loaded.row.name}: ${error.message}`;
  }
  return `The synchronization of ${loaded.row.name} stopped unexpectedly: ${error instanceof Error ? error.message : String(error)}. Nothing was lost: the next run continues from the last committed point.`;
}

function flagsOf(request: RunRequest): ChunkFlags {
  return { force: request.force ?? false, overrideSyncOnlyCoupled: request.overrideSyncOnlyCoupled ?? false, bulk: request.bulk ?? false };
}

function checkLease(deps: PassDeps): void {
  if (deps.lease.isLost()) throw new RunAbortedError(`The run of ${deps.loaded.row.name} lost its lease (the worker was too slow to renew it); it stopped so that two runs never write at once.`);
  if (deps.signal?.aborted) throw new RunAbortedError("The run was cancelled because the worker is shutting down; it continues from the last committed point.");
}

async function applyChunk(deps: PassDeps, state: PassState, candidates: Candidate[], shortcutUnchanged = 0): Promise<void> {
  checkLease(deps);
  state.counters.unchanged += shortcutUnchanged;
  const result = await processChunk(
    { db: deps.db, client: deps.client, log: deps.log, loaded: deps.loaded, briefs: deps.briefs, pass: deps.pass, jobId: state.jobId, flags: flagsOf(deps.request), signal: deps.signal },
    candidates,
  );
  for (const key of Object.keys(result.counters) as (keyof Counters)[]) state.counters[key] += result.counters[key];
  if (result.hasPending) state.hasPending = true;
  for (const id of result.oppositeDataverseIds) deps.carry.add(id.toLowerCase());
  await writeJobErrors(deps.db, state.jobId, result.errors);
  await writeRecordLogs(deps.db, state.jobId, result.logs);
  state.done += candidates.length + shortcutUnchanged;
  await recordProgress(deps.db, state.jobId, state.counters, state.done, null);
}

// ───────────── To pass (ERP → Dataverse) ─────────────

/**
 * Runs up to `size` chunks at once: while one chunk waits for its $batch, the next one loads, decides and records
 * (a full synchronization is otherwise a strict alternation of database work and Dataverse round trips). Chunks hold
 * distinct records, so they do not interfere; the first failure is rethrown by `drain`, after every chunk ended.
 */
function chunkWindow(size: number) {
  const running = new Set<Promise<void>>();
  let failure: { error: unknown } | null = null;
  return {
    async submit(work: () => Promise<void>): Promise<void> {
      while (running.size >= size) await Promise.race(running);
      if (failure) throw failure.error;
      const p: Promise<void> = work()
        .catch((error: unknown) => {
          failure ??= { error };
        })
        .finally(() => running.delete(p));
      running.add(p);
    },
    async drain(): Promise<void> {
      await Promise.all(running);
      if (failure) throw failure.error;
    },
  };
}

async function runToPass(deps: PassDeps, state: PassState): Promise<void> {
  const { db, loaded, request } = deps;
  const seen = new Set<string>();
  const window = chunkWindow(PARALLEL_CHUNKS);
  const processIds = async (ids: string[]) => {
    const fresh = [...new Set(ids.map((id) => id.toLowerCase()))].filter((id) => !seen.has(id));
    for (const id of fresh) seen.add(id);
    for (let i = 0; i < fresh.length; i += CHUNK) {
      const chunk = fresh.slice(i, i + CHUNK);
      await window.submit(() => processErpIds(deps, state, chunk));
    }
  };

  if (request.scope) {
    await processIds(request.scope.erpIds ?? []);
    // In slices: a full synchronization scopes every Dataverse id, and one IN list is capped at 65,535 parameters.
    const dataverseIds = (request.scope.dataverseIds ?? []).map((id) => id.toLowerCase());
    for (let i = 0; i < dataverseIds.length; i += CHUNK) {
      const via = await db.coupling.findMany({ where: { mappingId: loaded.row.id, dataverseId: { in: dataverseIds.slice(i, i + CHUNK) } }, select: { erpId: true } });
      await processIds(via.map((c) => c.erpId));
    }
    await window.drain();
    return;
  }

  let newWatermark: bigint | null = null;
  for await (const batch of iterateChanges(db, loaded.row.erpTable, loaded.row.erpWatermark)) {
    await processIds([...batch.changed.map((c) => c.id), ...batch.deleted.map((d) => d.recordId)]);
    if (!batch.hasMore) newWatermark = batch.watermark;
  }
  await processIds(await retryErpIds(deps));
  // Every chunk up to the watermark must be committed before it moves.
  await window.drain();
  checkLease(deps);
  const deltaPosition = loaded.row.direction === "TO_INTEGRATION_TABLE" ? await applyDataverseDeletions(deps, state, seen) : null;
  checkLease(deps);
  if (newWatermark !== null && !state.hasPending) {
    await db.$executeRaw`
      UPDATE "IntegrationTableMapping" SET "erpWatermark" = ${newWatermark}
      WHERE "id" = ${loaded.row.id}::uuid AND "erpWatermark" < ${newWatermark} AND "runLeaseOwner" = ${deps.lease.owner}`;
  }
  if (deltaPosition && !state.hasPending) await storeDeltaPosition(deps, deltaPosition);
}

type DeltaPosition = { nextLink: string | null; nextModifiedOn: Date | null };

/**
 * A To-only mapping has no From pass reading the delta link, so a Dataverse record deleted while its ERP record stays
 * unchanged would be noticed only when the ERP record next changes (BC §2d). Its whole-mapping To pass reads the
 * link's deletions (upserts do not concern it) and hands those pairs to the deletion policy now, the unchanged
 * shortcut bypassed. A full read (first read, expired link) returns every row: coupled records missing from it are
 * candidates too — each is looked up once more before anything is decided.
 */
async function applyDataverseDeletions(deps: PassDeps, state: PassState, seen: Set<string>): Promise<DeltaPosition> {
  const { db, client, loaded } = deps;
  const fullRead = !loaded.row.dataverseDeltaLink && !loaded.row.dataverseModifiedOnWatermark;
  let restarted = false;
  const deleted = new Set<string>();
  const returned = new Set<string>();
  const position: DeltaPosition = { nextLink: null, nextModifiedOn: null };
  for await (const page of readDataverseChanges(client, loaded, { signal: deps.signal, onRestart: () => (restarted = true) })) {
    checkLease(deps);
    for (const id of page.deletedIds) deleted.add(id);
    if (fullRead || restarted) for (const r of page.upserts) returned.add(r.__id);
    if (page.isLast) {
      position.nextLink = page.nextDeltaLink;
      position.nextModifiedOn = page.nextModifiedOn;
    }
  }
  const gone = [...deleted];
  if (fullRead || restarted) {
    for await (const ids of coupledDataverseIds(deps)) for (const id of ids) if (!returned.has(id)) gone.push(id);
  }
  const erpIds: string[] = [];
  for (let i = 0; i < gone.length; i += CHUNK) {
    const couplings = await db.coupling.findMany({ where: { mappingId: loaded.row.id, state: "COUPLED", dataverseId: { in: gone.slice(i, i + CHUNK) } }, select: { erpId: true } });
    for (const c of couplings) if (!seen.has(c.erpId.toLowerCase())) erpIds.push(c.erpId.toLowerCase());
  }
  for (const id of erpIds) seen.add(id);
  for (let i = 0; i < erpIds.length; i += CHUNK) await processErpIds(deps, state, erpIds.slice(i, i + CHUNK), true);
  return position;
}

/**
 * The Dataverse ids of the mapping's coupled pairs (lower case), a page at a time: a mapping may have 100,000 of them,
 * and reading them in one query made the worker's memory grow with the size of the mapping (bench/README.md, P5).
 */
async function* coupledDataverseIds(deps: PassDeps): AsyncGenerator<string[]> {
  let after: string | null = null;
  for (;;) {
    const page: { id: string; dataverseId: string }[] = await deps.db.coupling.findMany({
      where: { mappingId: deps.loaded.row.id, state: "COUPLED", ...(after ? { id: { gt: after } } : {}) },
      select: { id: true, dataverseId: true },
      orderBy: { id: "asc" },
      take: COUPLING_PAGE,
    });
    if (page.length > 0) yield page.map((c) => c.dataverseId.toLowerCase());
    if (page.length < COUPLING_PAGE) return;
    after = page[page.length - 1].id;
  }
}

async function storeDeltaPosition(deps: PassDeps, position: DeltaPosition): Promise<void> {
  const { db, loaded } = deps;
  if (position.nextLink) {
    await db.$executeRaw`
      UPDATE "IntegrationTableMapping" SET "dataverseDeltaLink" = ${position.nextLink}
      WHERE "id" = ${loaded.row.id}::uuid AND "runLeaseOwner" = ${deps.lease.owner}`;
  } else if (position.nextModifiedOn) {
    await db.$executeRaw`
      UPDATE "IntegrationTableMapping" SET "dataverseModifiedOnWatermark" = ${position.nextModifiedOn}
      WHERE "id" = ${loaded.row.id}::uuid AND "runLeaseOwner" = ${deps.lease.owner}
        AND ("dataverseModifiedOnWatermark" IS NULL OR "dataverseModifiedOnWatermark" < ${position.nextModifiedOn})`;
  }
}

/** `dataverseGone`: the counterparts were seen deleted in Dataverse, so an unchanged ERP side is no reason to skip. */
async function processErpIds(deps: PassDeps, state: PassState, ids: string[], dataverseGone = false): Promise<void> {
  const { db, client, loaded } = deps;
  const flags = flagsOf(deps.request);
  const records = await loadErpRecords(db, loaded.row.erpTable, ids);
  const couplings = await db.coupling.findMany({ where: { erpTable: loaded.row.erpTable, erpId: { in: ids } } });
  const byErp = new Map(couplings.map((c) => [c.erpId.toLowerCase(), c]));
  const pendingCandidates: { id: string; coupling: Coupling | null; erp: ErpRow | null }[] = [];
  let unchanged = 0;
  let skipped = 0;
  for (const id of ids) {
    const coupling = byErp.get(id) ?? null;
    if (coupling && coupling.mappingId !== loaded.row.id) continue;
    const erp = records.get(id) ?? null;
    if (erp && !matchesFilter(loaded.erpFilter, loaded.erpFilterFields, erp)) continue;
    if (!erp && !coupling) continue;
    if (erp && coupling && coupling.state === "COUPLED" && coupling.isSkipped) {
      skipped += 1;
      continue;
    }
    if (erp && coupling && !dataverseGone && isErpSideUnchanged(loaded, erp, coupling, flags)) {
      unchanged += 1;
      if (coupling.lastSyncedErpVersion !== erp.rowVersion) {
        await db.coupling.update({ where: { id: coupling.id }, data: { lastSyncedErpVersion: erp.rowVersion } });
      }
      continue;
    }
    pendingCandidates.push({ id, coupling, erp });
  }
  state.counters.skipped += skipped;
  const dvIds = pendingCandidates.filter((c) => c.coupling?.state === "COUPLED").map((c) => c.coupling!.dataverseId);
  const dvRows = dvIds.length > 0 ? await fetchByIds(client, loaded, dvIds, deps.signal) : new Map<string, DataverseRow>();
  const candidates: Candidate[] = [];
  for (const c of pendingCandidates) {
    if (!c.erp && c.coupling?.state === "PENDING_DATAVERSE_CREATE") {
      // The ERP record went away while its create was pending: keep the coupling only if the create happened.
      const created = await fetchByIds(client, loaded, [c.coupling.dataverseId], deps.signal);
      if (created.size === 0) await db.coupling.delete({ where: { id: c.coupling.id } });
      else await db.coupling.update({ where: { id: c.coupling.id }, data: { state: "COUPLED" } });
      continue;
    }
    const dataverseId = c.coupling?.dataverseId.toLowerCase() ?? null;
    candidates.push({ erpId: c.id, dataverseId, erp: c.erp, dataverse: dataverseId && c.coupling?.state === "COUPLED" ? (dvRows.get(dataverseId) ?? null) : null, coupling: c.coupling });
  }
  await applyChunk(deps, state, candidates, unchanged);
}

/** The instant since which a failed pair's cause may have changed: the mapping's or its field mappings' last edit. */
async function mappingChangedAt(deps: PassDeps): Promise<Date> {
  const latest = await deps.db.integrationFieldMapping.aggregate({ where: { mappingId: deps.loaded.row.id }, _max: { updatedAt: true } });
  const fm = latest._max.updatedAt;
  return fm && fm > deps.loaded.row.updatedAt ? fm : deps.loaded.row.updatedAt;
}

/** The last time a coupling of a parent mapping (lookup target) was made or changed. */
async function parentsChangedAt(deps: PassDeps): Promise<Date | null> {
  if (deps.loaded.parentMappings.length === 0) return null;
  const ids = deps.briefs.filter((b) => deps.loaded.parentMappings.includes(b.name)).map((b) => b.id);
  const latest = await deps.db.coupling.aggregate({ where: { mappingId: { in: ids }, state: "COUPLED" }, _max: { updatedAt: true } });
  return latest._max.updatedAt;
}

type RetryTargets = { coupledIds: string[]; uncoupledSourceIds: string[] };

/**
 * Failed pairs whose cause changed since they failed (ours: nothing is hammered): a mapping edit retries every
 * failure; a parent coupling made or changed retries the ones waiting for a parent. Pending creates left by a crashed
 * run are always finished. Records that failed before they were coupled are found through their job errors.
 */
async function retryTargets(deps: PassDeps): Promise<RetryTargets> {
  const { db, loaded, pass } = deps;
  const toPass = pass === "TO_INTEGRATION_TABLE";
  const changedAt = await mappingChangedAt(deps);
  const parentsAt = await parentsChangedAt(deps);
  const resultField = toPass ? "lastToResult" : "lastFromResult";
  const or: Prisma.CouplingWhereInput[] = [{ [resultField]: "FAILURE", failedAt: { lt: changedAt } }];
  if (parentsAt) or.push({ [resultField]: "FAILURE", errorClass: "WAITING_FOR_PARENT", failedAt: { lt: parentsAt } });
  if (toPass) or.push({ state: "PENDING_DATAVERSE_CREATE", lastToResult: { not: "FAILURE" } });
  const couplings = await db.coupling.findMany({
    where: { mappingId: loaded.row.id, isSkipped: false, OR: or },
    select: { erpId: true, dataverseId: true },
    take: 10_000,
  });
  const coupledIds = couplings.map((c) => (toPass ? c.erpId : c.dataverseId));
  // Pairs whose lookup was written empty (Clear Value on Failed Sync) send it once a parent has coupled.
  if (parentsAt) coupledIds.push(...(await clearedLookupRetryIds(db, loaded.row.id, pass, parentsAt)));

  const rows = await db.$queryRaw<{ sourceId: string; last: Date; errorClass: string }[]>`
    SELECT e."sourceId", max(e."createdAt") AS last, (array_agg(e."errorClass"::text ORDER BY e."createdAt" DESC))[1] AS "errorClass"
    FROM "SyncJobError" e JOIN "SyncJob" j ON j."id" = e."jobId"
    WHERE j."mappingId" = ${loaded.row.id}::uuid AND j."direction" = ${pass}::"SyncJobDirection"
      AND e."couplingId" IS NULL AND e."sourceId" IS NOT NULL AND e."createdAt" > now() - interval '7 days'
    GROUP BY e."sourceId"
    LIMIT 10000`;
  const due = rows
    .filter((r) => (r.errorClass === "WAITING_FOR_PARENT" ? (parentsAt !== null && r.last < parentsAt) || r.last < changedAt : r.last < changedAt))
    .map((r) => r.sourceId.toLowerCase());
  if (due.length === 0) return { coupledIds, uncoupledSourceIds: [] };
  const nowCoupled = await db.coupling.findMany({
    where: toPass ? { erpTable: loaded.row.erpTable, erpId: { in: due } } : { dataverseEntity: loaded.row.dataverseEntity, dataverseId: { in: due } },
    select: { erpId: true, dataverseId: true },
  });
  const coupledSet = new Set(nowCoupled.map((c) => (toPass ? c.erpId : c.dataverseId).toLowerCase()));
  return { coupledIds, uncoupledSourceIds: due.filter((id) => !coupledSet.has(id)) };
}

async function retryErpIds(deps: PassDeps): Promise<string[]> {
  const targets = await retryTargets(deps);
  return [...targets.coupledIds, ...targets.uncoupledSourceIds];
}

// ───────────── From pass (Dataverse → ERP) ─────────────

async function runFromPass(deps: PassDeps, state: PassState): Promise<void> {
  const { db, client, loaded, request } = deps;
  const seen = new Set<string>();
  const processRows = async (rows: DataverseRow[], deletedIds: string[]) => {
    const freshRows = rows.filter((r) => !seen.has(r.__id));
    const freshDeleted = [...new Set(deletedIds.map((id) => id.toLowerCase()))].filter((id) => !seen.has(id));
    for (const r of freshRows) seen.add(r.__id);
    for (const id of freshDeleted) seen.add(id);
    for (let i = 0; i < freshRows.length; i += CHUNK) await processDataverseRows(deps, state, freshRows.slice(i, i + CHUNK), []);
    for (let i = 0; i < freshDeleted.length; i += CHUNK) await processDataverseRows(deps, state, [], freshDeleted.slice(i, i + CHUNK));
  };
  const processIds = async (ids: string[]) => {
    const fresh = [...new Set(ids.map((id) => id.toLowerCase()))].filter((id) => !seen.has(id));
    // Read and decided a chunk at a time: a full synchronization's scope is every record of the mapping, and holding
    // all their Dataverse rows at once made the worker's memory grow with the size of the mapping (bench/README.md, P5).
    for (let i = 0; i < fresh.length; i += CHUNK) {
      const chunk = fresh.slice(i, i + CHUNK);
      const rows = await fetchByIds(client, loaded, chunk, deps.signal);
      await processRows([...rows.values()], chunk.filter((id) => !rows.has(id)));
    }
  };

  if (request.scope) {
    const viaErp = request.scope.erpIds?.length
      ? await db.coupling.findMany({ where: { mappingId: loaded.row.id, erpId: { in: request.scope.erpIds.map((id) => id.toLowerCase()) } }, select: { dataverseId: true } })
      : [];
    await processIds([...(request.scope.dataverseIds ?? []), ...viaErp.map((c) => c.dataverseId)]);
    return;
  }

  let nextLink: string | null = null;
  let nextModifiedOn: Date | null = null;
  let restarted = false;
  const seenInFullRead = new Set<string>();
  for await (const page of readDataverseChanges(client, loaded, { signal: deps.signal, onRestart: () => (restarted = true) })) {
    checkLease(deps);
    const inFilter = page.upserts.filter((r) => passesIntegrationFilter(loaded, r));
    for (const r of page.upserts) seenInFullRead.add(r.__id);
    await processRows(inFilter, page.deletedIds);
    if (page.isLast) {
      nextLink = page.nextDeltaLink;
      nextModifiedOn = page.nextModifiedOn;
    }
  }
  if (restarted) {
    // The delta link expired: the full read is the truth; coupled records it did not return were deleted meanwhile.
    const missing: string[] = [];
    for await (const ids of coupledDataverseIds(deps)) for (const id of ids) if (!seenInFullRead.has(id)) missing.push(id);
    await processRows([], missing);
  }
  const erpDeletions = loaded.row.direction === "FROM_INTEGRATION_TABLE" ? await readErpDeletions(deps) : null;
  if (erpDeletions) await processIds(erpDeletions.dataverseIds);
  const targets = await retryTargets(deps);
  await processIds([...targets.coupledIds, ...targets.uncoupledSourceIds, ...deps.carry]);
  checkLease(deps);
  if (state.hasPending) return;
  if (erpDeletions?.watermark != null) {
    await db.$executeRaw`
      UPDATE "IntegrationTableMapping" SET "erpWatermark" = ${erpDeletions.watermark}
      WHERE "id" = ${loaded.row.id}::uuid AND "erpWatermark" < ${erpDeletions.watermark} AND "runLeaseOwner" = ${deps.lease.owner}`;
  }
  await storeDeltaPosition(deps, { nextLink, nextModifiedOn });
}

/**
 * The mirror of applyDataverseDeletions: a From-only mapping has no To pass reading ERP change capture, so an ERP
 * record deleted while its Dataverse record stays unchanged would be noticed only when the Dataverse record next
 * changes (BC §2d). Its whole-mapping From pass reads the tombstones since the mapping's ERP watermark (changed rows
 * do not concern it) and returns the Dataverse ids of the pairs they break, to be decided now: the survivor's pass
 * sees its ERP side missing and applies the deletion policy. A watermark never moved (0) reads every tombstone, so
 * deletions from before the mapping became From-only are found by its first run.
 */
async function readErpDeletions(deps: PassDeps): Promise<{ dataverseIds: string[]; watermark: bigint | null }> {
  const { db, loaded } = deps;
  const dataverseIds: string[] = [];
  let watermark: bigint | null = null;
  for await (const batch of iterateChanges(db, loaded.row.erpTable, loaded.row.erpWatermark)) {
    checkLease(deps);
    const erpIds = batch.deleted.map((d) => d.recordId.toLowerCase());
    if (erpIds.length > 0) {
      const couplings = await db.coupling.findMany({ where: { mappingId: loaded.row.id, state: "COUPLED", erpId: { in: erpIds } }, select: { dataverseId: true } });
      for (const c of couplings) dataverseIds.push(c.dataverseId.toLowerCase());
    }
    if (!batch.hasMore) watermark = batch.watermark;
  }
  return { dataverseIds, watermark };
}

async function processDataverseRows(deps: PassDeps, state: PassState, rows: DataverseRow[], deletedIds: string[]): Promise<void> {
  const { db, loaded } = deps;
  const ids = [...rows.map((r) => r.__id), ...deletedIds];
  if (ids.length === 0) return;
  const couplings = await db.coupling.findMany({ where: { dataverseEntity: loaded.row.dataverseEntity, dataverseId: { in: ids } } });
  const byDv = new Map(couplings.map((c) => [c.dataverseId.toLowerCase(), c]));
  const erpRecords = await loadErpRecords(db, loaded.row.erpTable, couplings.map((c) => c.erpId));
  const candidates: Candidate[] = [];
  const add = (id: string, dataverse: DataverseRow | null) => {
    const coupling = byDv.get(id) ?? null;
    if (coupling && (coupling.mappingId !== loaded.row.id || coupling.state !== "COUPLED")) return;
    if (!dataverse && !coupling) return;
    candidates.push({ erpId: coupling?.erpId ?? null, dataverseId: id, erp: coupling ? (erpRecords.get(coupling.erpId) ?? null) : null, dataverse, coupling });
  };
  for (const r of rows) add(r.__id, r);
  for (const id of deletedIds) add(id, null);
  await applyChunk(deps, state, candidates);
}
