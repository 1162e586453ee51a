import { readJson, readQuery } from "../../../../lib/http/api-handler.ts";
import { getDb } from "../../../../lib/db/db-client.ts";
import { createJob } from "../../../../lib/integration/job-queries.ts";
import { createNewAndCouple, insertCoupling, listCouplings, prepareCouple, prepareCreateNew, syncAfterCoupling, toCouplingView } from "../../../../lib/integration/coupling-service.ts";
import { actorOf, requireErpRecordByKey } from "../../../../lib/integration/operation-context.ts";
import { completedBody, jsonOf, operationDeps, opsRoute, queuedBody, unprocessable } from "../../../../lib/integration/operations-api.ts";
import { couplingCreateResponseSchema, couplingCreateSchema, couplingListQuerySchema, couplingListSchema, waitQuerySchema } from "../../../../lib/integration/operations-api-schema.ts";
import { enqueueRuns } from "../../../../lib/integration/run-dispatch.ts";
import { enqueue } from "../../../../lib/queue/enqueue.ts";
import { writeAuditEntry } from "../../../../lib/auth/audit-entry.ts";

export const dynamic = "force-dynamic";

/** GET /api/v1/couplings?table=&no=&page=&pageSize= — couplings, optionally of one table or one record. */
export const GET = opsRoute("integration.read", async ({ request }) => {
  const query = readQuery(request, couplingListQuerySchema);
  return jsonOf(couplingListSchema, await listCouplings(getDb(), query));
});

/**
 * POST /api/v1/couplings {table, no, dataverseId | createNew: true, syncAfterCoupling} — Set Up Coupling. Coupling to
 * an existing record happens at once (409 when either side is already coupled, 422 outside the mapping's filter); the
 * synchronization after coupling, and Create New, run on the queue (202) or, with ?wait=true, before the answer.
 */
export const POST = opsRoute("coupling.manage", async ({ request, user }) => {
  const { wait } = readQuery(request, waitQuerySchema);
  const body = await readJson(request, couplingCreateSchema);
  const db = getDb();
  const deps = await operationDeps(db);
  const actor = actorOf(user);
  const erp = await requireErpRecordByKey(db, body.table, body.no);

  if (body.createNew) {
    const { mapping } = await prepareCreateNew(deps, { table: body.table, erpId: erp.id });
    if (wait) {
      const result = await createNewAndCouple(deps, actor, { table: body.table, erpId: erp.id, trigger: "API", requestedById: user.id });
      if (!result.coupling) return unprocessable(result.message);
      return jsonOf(couplingCreateResponseSchema, { ...(await completedBody(db, result.jobs, result.message)), coupling: result.coupling }, 201);
    }
    const jobId = await createJob(db, { type: "COUPLING", mappingId: mapping.row.id, trigger: "API", requestedById: user.id, progressTotal: 1, scope: { erpRecordIds: [erp.id], createNew: true } });
    const queued = await enqueue("coupling", { mappingId: mapping.row.id, erpRecordId: erp.id, createNew: true, requestedById: user.id, jobId });
    await writeAuditEntry(db, actor, { action: "coupling.createNewRequested", entityType: body.table, entityId: erp.id, after: { no: body.no, jobId } });
    return jsonOf(couplingCreateResponseSchema, { ...queuedBody([], "Creating the record in Dataverse and coupling it is queued.", [{ queue: queued.queue, queueJobId: queued.id, syncJobId: jobId }]), coupling: null }, 202);
  }

  const { check, direction } = await prepareCouple(deps, { table: body.table, erpId: erp.id, dataverseId: body.dataverseId!, syncAfterCoupling: body.syncAfterCoupling });
  const coupling = check.alreadyCoupledToIt
    ? await db.coupling.findUniqueOrThrow({ where: { erpTable_erpId: { erpTable: body.table, erpId: erp.id } } })
    : await insertCoupling(db, actor, check, "api");
  const view = toCouplingView(coupling, check.mapping.row.name, body.no.toUpperCase());
  const message = `The ${body.table.toLowerCase()} ${body.no.toUpperCase()} is coupled.`;
  if (!direction) return jsonOf(couplingCreateResponseSchema, { status: "completed", message, jobs: [], queued: [], outcomes: [], coupling: view }, 201);
  const run = { mappingId: check.mapping.row.id, direction, trigger: "API" as const, scope: { erpIds: [erp.id], dataverseIds: [check.dataverseId] }, force: true, overrideSyncOnlyCoupled: true, requestedById: user.id };
  if (!wait) {
    const queued = await enqueueRuns(db, [run]);
    return jsonOf(couplingCreateResponseSchema, { ...queuedBody(queued, `${message} The synchronization after coupling is queued.`), coupling: view }, 202);
  }
  const jobs = await syncAfterCoupling(deps, check, direction, { trigger: "API", requestedById: user.id });
  return jsonOf(couplingCreateResponseSchema, { ...(await completedBody(db, jobs, `${message} The synchronization after coupling finished.`)), coupling: view }, 201);
});
