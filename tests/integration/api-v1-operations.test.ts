import pino from "pino";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import * as couplingItem from "../../app/api/v1/couplings/[table]/[no]/route.ts";
import * as couplings from "../../app/api/v1/couplings/route.ts";
import * as jobItem from "../../app/api/v1/jobs/[id]/route.ts";
import * as matchCoupling from "../../app/api/v1/mappings/[name]/match-based-coupling/route.ts";
import * as removeCouplings from "../../app/api/v1/mappings/[name]/remove-couplings/route.ts";
import * as mappingItem from "../../app/api/v1/mappings/[name]/route.ts";
import * as syncLog from "../../app/api/v1/records/[table]/[no]/sync-log/route.ts";
import * as syncErrorActions from "../../app/api/v1/sync-errors/actions/route.ts";
import * as synchronize from "../../app/api/v1/synchronize/route.ts";
import { createQueueConnection } from "../../lib/queue/queue-connection.ts";
import { createQueueProcessor } from "../../workers/job-dispatcher.ts";
import { apiRequest, createAccount, createCustomer, createRoleUsers, getAccount, resetCustomerMapping, routeParams, startOpsEnv, uniqueWord, type OpsEnv, type RoleUsers } from "./ops-fixtures.ts";

let env: OpsEnv;
let users: RoleUsers;
const none = routeParams({});

beforeAll(async () => {
  env = await startOpsEnv();
  users = await createRoleUsers(env.db);
  await resetCustomerMapping(env.db);
});

afterAll(async () => {
  await env.close();
});

async function writesFingerprint() {
  const mapping = await env.db.integrationTableMapping.findUniqueOrThrow({ where: { name: "CUSTOMER" } });
  const [couplingsCount, audit, jobs, fields] = await Promise.all([env.db.coupling.count(), env.db.auditEntry.count(), env.db.syncJob.count(), env.db.integrationFieldMapping.count()]);
  return { couplingsCount, audit, jobs, fields, rowVersion: mapping.rowVersion, schedule: mapping.scheduleSeconds };
}

/** Runs a real worker on `queue` (the app's queue schema on the test database) until the job row has finished. */
async function withWorker(queue: "uncoupling" | "sync-run", jobId: string) {
  const logger = pino({ level: "silent" });
  const connection = createQueueConnection({ databaseUrl: inject("databaseUrl"), logger });
  const worker = connection.createWorker(queue, createQueueProcessor(queue, { db: env.db, queue: connection, log: logger, workerId: "ops-test" }));
  try {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const job = await env.db.syncJob.findUniqueOrThrow({ where: { id: jobId } });
      if (job.status === "SUCCEEDED" || job.status === "FAILED") return job;
      if (Date.now() > deadline) throw new Error(`The ${queue} job is still ${job.status}.`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await worker.close();
    await connection.close();
  }
}

describe("API v1 operations", () => {
  it("couples with ?wait=true, refuses a second coupling with 409, synchronizes, logs, and uncouples", async () => {
    const word = uniqueWord("Api");
    const customer = await createCustomer(env.db, { name: `${word} ERP`, city: "Riga" });
    const accountId = await createAccount(env.client, { name: `${word} DV` });
    const created = await couplings.POST(
      apiRequest("POST", "/api/v1/couplings?wait=true", { token: users.user.token, body: { table: "customer", no: customer.no, dataverseId: accountId, syncAfterCoupling: "erp" } }),
      none,
    );
    expect(created.status).toBe(201);
    const body = await created.json();
    expect(body).toMatchObject({ status: "completed", coupling: { no: customer.no, dataverseId: accountId }, jobs: [{ direction: "TO_INTEGRATION_TABLE", status: "SUCCEEDED" }] });
    expect(body.outcomes).toEqual([expect.objectContaining({ no: customer.no, outcome: "MODIFIED" })]);
    expect(await getAccount(env.client, accountId)).toMatchObject({ name: `${word} ERP`, address1_city: "Riga" });

    const other = await createAccount(env.client, { name: `${word} Other` });
    const again = await couplings.POST(apiRequest("POST", "/api/v1/couplings", { token: users.user.token, body: { table: "customer", no: customer.no, dataverseId: other } }), none);
    expect(again.status).toBe(409);
    expect((await again.json()).error.message).toContain(`already coupled to the Dataverse account '${word} ERP'`);

    await env.db.customer.update({ where: { id: customer.id }, data: { city: "Tartu" } });
    const synced = await synchronize.POST(apiRequest("POST", "/api/v1/synchronize?wait=true", { token: users.user.token, body: { table: "customer", nos: [customer.no] } }), none);
    expect(synced.status).toBe(200);
    const syncBody = await synced.json();
    expect(syncBody.jobs[0].counters.modified).toBe(1);
    expect((await getAccount(env.client, accountId))?.address1_city).toBe("Tartu");

    const job = await jobItem.GET(apiRequest("GET", `/api/v1/jobs/${syncBody.jobs[0].id}`, { token: users.viewer.token }), routeParams({ id: syncBody.jobs[0].id }));
    expect(await job.json()).toMatchObject({ id: syncBody.jobs[0].id, counters: { modified: 1 }, errors: [] });

    const log = await syncLog.GET(apiRequest("GET", `/api/v1/records/customer/${customer.no}/sync-log`, { token: users.viewer.token }), routeParams({ table: "customer", no: customer.no }));
    const logBody = await log.json();
    expect(logBody.coupling.dataverseId).toBe(accountId);
    expect(logBody.entries.length).toBeGreaterThanOrEqual(2);

    const list = await couplings.GET(apiRequest("GET", `/api/v1/couplings?table=customer&no=${customer.no}`, { token: users.viewer.token }), none);
    expect((await list.json()).items).toEqual([expect.objectContaining({ no: customer.no, dataverseId: accountId })]);

    const removed = await couplingItem.DELETE(apiRequest("DELETE", `/api/v1/couplings/customer/${customer.no}`, { token: users.user.token }), routeParams({ table: "customer", no: customer.no }));
    expect(removed.status).toBe(200);
    expect(await env.db.coupling.count({ where: { erpId: customer.id } })).toBe(0);
  });

  it("Synchronize Now refuses an uncoupled record with 422", async () => {
    const customer = await createCustomer(env.db, { name: `${uniqueWord("Unc")} ERP` });
    const response = await synchronize.POST(apiRequest("POST", "/api/v1/synchronize?wait=true", { token: users.user.token, body: { table: "customer", nos: [customer.no], direction: "toDataverse" } }), none);
    expect(response.status).toBe(422);
    expect((await response.json()).error).toMatchObject({ code: "unprocessable", message: expect.stringContaining("not coupled") });
  });

  it("patches a mapping with rowVersion (audited before/after) and refuses a stale rowVersion with 409", async () => {
    const read = await mappingItem.GET(apiRequest("GET", "/api/v1/mappings/CUSTOMER", { token: users.viewer.token }), routeParams({ name: "CUSTOMER" }));
    const current = await read.json();
    expect(current.fieldMappings.length).toBeGreaterThan(5);
    const patched = await mappingItem.PATCH(
      apiRequest("PATCH", "/api/v1/mappings/CUSTOMER", { token: users.admin.token, body: { rowVersion: current.rowVersion, scheduleSeconds: current.scheduleSeconds === 90 ? 120 : 90 } }),
      routeParams({ name: "CUSTOMER" }),
    );
    expect(patched.status).toBe(200);
    const after = await patched.json();
    expect(after.rowVersion).toBe(current.rowVersion + 1);
    const audit = await env.db.auditEntry.findFirstOrThrow({ where: { action: "mapping.update" }, orderBy: { id: "desc" } });
    expect(audit.before).toMatchObject({ scheduleSeconds: current.scheduleSeconds });
    expect(audit.after).toMatchObject({ scheduleSeconds: after.scheduleSeconds });
    const stale = await mappingItem.PATCH(apiRequest("PATCH", "/api/v1/mappings/CUSTOMER", { token: users.admin.token, body: { rowVersion: current.rowVersion, scheduleSeconds: 300 } }), routeParams({ name: "CUSTOMER" }));
    expect(stale.status).toBe(409);
  });

  it("answers bad input with 400 and field messages, writing nothing", async () => {
    const mapping = await env.db.integrationTableMapping.findUniqueOrThrow({ where: { name: "CUSTOMER" } });
    const before = await writesFingerprint();
    const cases: [string, () => Promise<Response>, string][] = [
      ["coupling: unknown table, blank no", () => couplings.POST(apiRequest("POST", "/api/v1/couplings", { token: users.user.token, body: { table: "vendor", no: "" } }), none), "table"],
      ["coupling: neither id nor createNew", () => couplings.POST(apiRequest("POST", "/api/v1/couplings", { token: users.user.token, body: { table: "customer", no: "C1" } }), none), "dataverseId"],
      ["coupling: bad GUID", () => couplings.POST(apiRequest("POST", "/api/v1/couplings", { token: users.user.token, body: { table: "customer", no: "C1", dataverseId: "x" } }), none), "dataverseId"],
      ["synchronize: empty nos", () => synchronize.POST(apiRequest("POST", "/api/v1/synchronize", { token: users.user.token, body: { table: "customer", nos: [] } }), none), "nos"],
      ["synchronize: bad direction", () => synchronize.POST(apiRequest("POST", "/api/v1/synchronize", { token: users.user.token, body: { table: "customer", nos: ["C1"], direction: "sideways" } }), none), "direction"],
      [
        "mapping: schedule too short",
        () => mappingItem.PATCH(apiRequest("PATCH", "/api/v1/mappings/CUSTOMER", { token: users.admin.token, body: { rowVersion: mapping.rowVersion, scheduleSeconds: 1 } }), routeParams({ name: "CUSTOMER" })),
        "scheduleSeconds",
      ],
      [
        "mapping: field mapping to an unknown column",
        () =>
          mappingItem.PATCH(
            apiRequest("PATCH", "/api/v1/mappings/CUSTOMER", { token: users.admin.token, body: { rowVersion: mapping.rowVersion, fieldMappings: [{ erpField: "name", dataverseAttribute: "nosuchcolumn", direction: "BIDIRECTIONAL" }] } }),
            routeParams({ name: "CUSTOMER" }),
          ),
        "fieldMappings.0.dataverseAttribute",
      ],
      [
        "match: criterion without a field",
        () => matchCoupling.POST(apiRequest("POST", "/api/v1/mappings/CUSTOMER/match-based-coupling", { token: users.admin.token, body: { criteria: [{ erpField: "" }] } }), routeParams({ name: "CUSTOMER" })),
        "criteria.0.erpField",
      ],
      ["errors: unknown action", () => syncErrorActions.POST(apiRequest("POST", "/api/v1/sync-errors/actions", { token: users.user.token, body: { action: "explode" } }), none), "action"],
      ["couplings: a NUL in a query parameter", () => couplings.GET(apiRequest("GET", "/api/v1/couplings?table=customer&no=A%00B", { token: users.viewer.token }), none), "no"],
      ["errors: synchronize without version", () => syncErrorActions.POST(apiRequest("POST", "/api/v1/sync-errors/actions", { token: users.user.token, body: { action: "synchronize", ids: [mapping.id] } }), none), "version"],
    ];
    for (const [name, send, field] of cases) {
      const response = await send();
      expect(response.status, name).toBe(400);
      const body = await response.json();
      expect(body.error.code, name).toBe("invalid");
      expect(body.error.details?.[field]?.[0], `${name}: ${JSON.stringify(body.error)}`).toEqual(expect.any(String));
    }
    const malformed = await couplings.POST(apiRequest("POST", "/api/v1/couplings", { token: users.user.token, rawBody: "{not json" }), none);
    expect(malformed.status).toBe(400);
    expect(await writesFingerprint()).toEqual(before);
  });

  it("match-based coupling dry run over the API answers the three lists", async () => {
    const word = uniqueWord("Mbc");
    const customer = await createCustomer(env.db, { name: `${word} Exact` });
    const accountId = await createAccount(env.client, { name: `${word} Exact` });
    const response = await matchCoupling.POST(
      apiRequest("POST", "/api/v1/mappings/CUSTOMER/match-based-coupling", { token: users.admin.token, body: { dryRun: true, nos: [customer.no], criteria: [{ erpField: "name" }] } }),
      routeParams({ name: "CUSTOMER" }),
    );
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.report).toMatchObject({ dryRun: true, matched: [{ no: customer.no, dataverseId: accountId }], ambiguous: [], unmatched: [] });
    expect(await env.db.coupling.count({ where: { erpId: customer.id } })).toBe(0);
  });

  it("Synchronize Now without wait answers 202 with the claimed job id; a sync-run worker then carries it out", async () => {
    const word = uniqueWord("Q");
    const customer = await createCustomer(env.db, { name: `${word} ERP`, city: "Kaunas" });
    const accountId = await createAccount(env.client, { name: `${word} DV` });
    await couplings.POST(apiRequest("POST", "/api/v1/couplings", { token: users.user.token, body: { table: "customer", no: customer.no, dataverseId: accountId } }), none);
    const response = await synchronize.POST(apiRequest("POST", "/api/v1/synchronize", { token: users.user.token, body: { table: "customer", nos: [customer.no], direction: "toDataverse" } }), none);
    expect(response.status).toBe(202);
    const jobId = (await response.json()).queued[0].syncJobId as string;
    expect(await env.db.syncJob.findUniqueOrThrow({ where: { id: jobId } })).toMatchObject({ status: "QUEUED", type: "SYNCHRONIZATION", direction: "TO_INTEGRATION_TABLE" });
    const job = await withWorker("sync-run", jobId);
    expect(job).toMatchObject({ status: "SUCCEEDED", modified: 1 });
    expect((await getAccount(env.client, accountId))?.address1_city).toBe("Kaunas");
  });

  it("remove-couplings without wait answers 202 with the job id; a worker then removes them with counters", async () => {
    const word = uniqueWord("Bg");
    const customer = await createCustomer(env.db, { name: `${word} ERP` });
    const accountId = await createAccount(env.client, { name: `${word} DV` });
    await couplings.POST(apiRequest("POST", "/api/v1/couplings", { token: users.user.token, body: { table: "customer", no: customer.no, dataverseId: accountId } }), none);
    const total = await env.db.coupling.count({ where: { mapping: { name: "CUSTOMER" } } });
    const response = await removeCouplings.POST(apiRequest("POST", "/api/v1/mappings/CUSTOMER/remove-couplings", { token: users.admin.token, body: {} }), routeParams({ name: "CUSTOMER" }));
    expect(response.status).toBe(202);
    const body = await response.json();
    const jobId = body.queued[0].syncJobId as string;
    expect(await env.db.syncJob.findUniqueOrThrow({ where: { id: jobId } })).toMatchObject({ status: "QUEUED", type: "UNCOUPLING", progressTotal: total });

    expect(await withWorker("uncoupling", jobId)).toMatchObject({ status: "SUCCEEDED", uncoupled: total, progressDone: total });
    expect(await env.db.coupling.count({ where: { mapping: { name: "CUSTOMER" } } })).toBe(0);
  });
});
