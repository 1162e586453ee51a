import type { Db } from "../db/db-client.ts";
import { enqueue, mappingRunDeduplicationId } from "../queue/enqueue.ts";
import { createJob } from "./job-queries.ts";
import type { OperationDeps } from "./operation-context.ts";
import { runSync, type RunJobResult, type RunRequest } from "./sync-run.ts";

// The two ways a manual operation's synchronization runs are carried out: now, in this process, one after the other
// (API `?wait=true`, the open-from-Dataverse redirect, tests), or as sync-run jobs on the queue (the default; the
// caller answers 202 with the job ids). A run with one direction gets its SyncJob row claimed here, so its id is
// known before a worker takes it; a run of both passes (Merge, Retry) gets its rows when the worker starts it.

export type QueuedRun = { queueJobId: string; syncJobId: string | null; mappingId: string; direction: RunRequest["direction"] | null };

export async function executeRuns(deps: OperationDeps, requests: readonly RunRequest[]): Promise<RunJobResult[]> {
  const jobs: RunJobResult[] = [];
  for (const request of requests) jobs.push(...(await runSync(deps, request)).jobs);
  return jobs;
}

export async function enqueueRuns(db: Db, requests: readonly RunRequest[]): Promise<QueuedRun[]> {
  const out: QueuedRun[] = [];
  for (const request of requests) {
    const syncJobId = request.direction
      ? await createJob(db, {
          type: "SYNCHRONIZATION",
          mappingId: request.mappingId,
          trigger: request.trigger,
          direction: request.direction,
          requestedById: request.requestedById,
          scope: { erpRecordIds: request.scope?.erpIds ?? [], dataverseRecordIds: request.scope?.dataverseIds ?? [], forceModify: Boolean(request.force) },
        })
      : null;
    const queued = await enqueue("sync-run", {
      mappingId: request.mappingId,
      direction: request.direction,
      trigger: request.trigger,
      scope: request.scope
        ? {
            erpRecordIds: request.scope.erpIds,
            dataverseRecordIds: request.scope.dataverseIds,
            forceModify: request.force,
            bulk: request.bulk,
            overrideSyncOnlyCoupled: request.overrideSyncOnlyCoupled,
          }
        : undefined,
      requestedById: request.requestedById,
      jobId: syncJobId ?? undefined,
    });
    out.push({ queueJobId: queued.id, syncJobId, mappingId: request.mappingId, direction: request.direction ?? null });
  }
  return out;
}

/** A whole-mapping run on the queue, coalesced with any run of the same mapping and direction already waiting. */
export async function enqueueMappingRun(request: Pick<RunRequest, "mappingId" | "direction" | "trigger" | "requestedById">): Promise<QueuedRun> {
  const queued = await enqueue(
    "sync-run",
    { mappingId: request.mappingId, direction: request.direction, trigger: request.trigger, requestedById: request.requestedById },
    { deduplicationId: mappingRunDeduplicationId(request.mappingId, request.direction) },
  );
  return { queueJobId: queued.id, syncJobId: null, mappingId: request.mappingId, direction: request.direction ?? null };
}
