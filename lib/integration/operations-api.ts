import type { z } from "zod";
import type { Permission } from "../auth/permissions.ts";
import { DataverseError } from "../dataverse/dataverse-error.ts";
import type { Db } from "../db/db-client.ts";
import { apiError, apiRoute, type ApiContext } from "../http/api-handler.ts";
import { queueForJobKind } from "../queue/queue-config.ts";
import { DataverseNotConfiguredError, getDataverseClient } from "./dataverse-connection.ts";
import { ERP_KEY_FIELDS } from "./field-catalog.ts";
import { jobSummaries, recordLogsOfJobs } from "./job-queries.ts";
import { MappingConfigError } from "./mapping-loader.ts";
import { erpDelegate, UnprocessableError, type OperationDeps } from "./operation-context.ts";
import { actionResponseSchema } from "./operations-api-schema.ts";
import type { QueuedRun } from "./run-dispatch.ts";
import { MappingBusyError } from "./run-lease.ts";
import type { RunJobResult } from "./sync-run.ts";

// The API v1 integration routes' shared plumbing on top of apiRoute: 422 for requests the current state does not
// allow, 429 when Dataverse throttles, the Dataverse client of the enabled connection, and the one response shape of
// every action endpoint (finished with per-record outcomes, or queued with job ids).

export function unprocessable(message: string, details?: Record<string, string[]>, requestId?: string): Response {
  return Response.json({ error: { code: "unprocessable", message, ...(details ? { details } : {}) } }, { status: 422, headers: requestId ? { "x-request-id": requestId } : undefined });
}

export function opsRoute<RouteParams = unknown>(permission: Permission, handler: (ctx: ApiContext, route: { params: Promise<RouteParams> }) => Promise<Response>) {
  return apiRoute<RouteParams>(permission, async (ctx, route) => {
    try {
      return await handler(ctx, route);
    } catch (error) {
      if (error instanceof UnprocessableError) return unprocessable(error.message, error.fieldErrors, ctx.requestId);
      if (error instanceof DataverseNotConfiguredError || error instanceof MappingConfigError) return unprocessable(error.message, undefined, ctx.requestId);
      if (error instanceof MappingBusyError) return apiError("conflict", error.message, undefined, ctx.requestId);
      if (error instanceof DataverseError) {
        if (error.retryClass === "throttled") {
          return Response.json({ error: { code: "rate_limited", message: "Dataverse is throttling requests. Try again in a moment." } }, { status: 429, headers: { "retry-after": String(Math.ceil((error.retryAfterMs ?? 5000) / 1000)) } });
        }
        return unprocessable(`Dataverse refused the request: ${error.message}`, undefined, ctx.requestId);
      }
      throw error;
    }
  });
}

export function jsonOf<T extends z.ZodType>(schema: T, body: z.input<T>, status = 200): Response {
  return Response.json(schema.parse(body), { status });
}

export async function operationDeps(db: Db): Promise<OperationDeps> {
  return { db, client: await getDataverseClient(db) };
}

export type ActionBody = z.output<typeof actionResponseSchema>;

/** Per-record outcomes of finished jobs, with each ERP record's No./Code. */
export async function outcomesOf(db: Db, jobIds: readonly string[]): Promise<ActionBody["outcomes"]> {
  const logs = await recordLogsOfJobs(db, jobIds);
  const jobs = await db.syncJob.findMany({ where: { id: { in: [...jobIds] } }, select: { id: true, mapping: { select: { erpTable: true } } } });
  const tableOf = new Map(jobs.map((j) => [j.id, j.mapping.erpTable]));
  const keys = new Map<string, string>();
  for (const table of new Set(tableOf.values())) {
    const ids = [...new Set(logs.filter((l) => tableOf.get(l.jobId) === table && l.erpId).map((l) => l.erpId!))];
    if (ids.length === 0) continue;
    for (const row of await erpDelegate(db, table).findMany({ where: { id: { in: ids } } })) keys.set(row.id, String(row[ERP_KEY_FIELDS[table]]));
  }
  return logs.map((l) => ({ jobId: l.jobId, erpId: l.erpId, no: l.erpId ? (keys.get(l.erpId) ?? null) : null, dataverseId: l.dataverseId, outcome: l.outcome, message: l.message }));
}

export async function completedBody(db: Db, jobs: readonly Pick<RunJobResult, "id">[], message: string, extraJobIds: string[] = []): Promise<ActionBody> {
  const ids = [...new Set([...extraJobIds, ...jobs.map((j) => j.id)])];
  return { status: "completed", message, jobs: await jobSummaries(db, ids), queued: [], outcomes: await outcomesOf(db, ids) };
}

export function queuedBody(queued: readonly QueuedRun[], message: string, extra: { queue: string; queueJobId: string; syncJobId: string | null }[] = []): ActionBody {
  return {
    status: "queued",
    message,
    jobs: [],
    queued: [...extra, ...queued.map((q) => ({ queue: queueForJobKind("sync-run"), queueJobId: q.queueJobId, syncJobId: q.syncJobId }))],
    outcomes: [],
  };
}
