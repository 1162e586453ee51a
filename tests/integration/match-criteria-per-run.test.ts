import pino from "pino";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { previewRecordMatchAction, startRecordMatchAction } from "../../app/(console)/coupling/coupling-actions.ts";
import * as matchCoupling from "../../app/api/v1/mappings/[name]/match-based-coupling/route.ts";
import { runAsUser } from "../../lib/auth/authorize.ts";
import { createQueueConnection } from "../../lib/queue/queue-connection.ts";
import { createQueueProcessor } from "../../workers/job-dispatcher.ts";
import { apiRequest, createAccount, createCustomer, createRoleUsers, resetCustomerMapping, routeParams, startOpsEnv, uniqueWord, type OpsEnv, type RoleUsers } from "./ops-fixtures.ts";

// Match-based coupling's criteria belong to the run (issue 5): a run with other criteria, Create New or Synchronize
// After Coupling leaves the mapping's defaults as they are, for any role that may couple; saving them as the
// mapping's defaults is an explicit choice that only a role allowed to change mappings may make — refused on the
// server otherwise, with nothing written. The same holds for API v1's saveCriteria.

let env: OpsEnv;
let users: RoleUsers;
let mappingId: string;
let savedFieldRows: { id: string; useForMatchBasedCoupling: boolean; caseSensitiveMatching: boolean; matchPriority: number }[];

const byCity = [{ erpField: "city", caseSensitive: true, priority: 3 }];

beforeAll(async () => {
  env = await startOpsEnv();
  users = await createRoleUsers(env.db);
  await resetCustomerMapping(env.db);
  const mapping = await env.db.integrationTableMapping.findUniqueOrThrow({ where: { name: "CUSTOMER" } });
  mappingId = mapping.id;
  savedFieldRows = await env.db.integrationFieldMapping.findMany({
    where: { mappingId },
    select: { id: true, useForMatchBasedCoupling: true, caseSensitiveMatching: true, matchPriority: true },
  });
});

afterAll(async () => {
  // Other files expect the default criteria (match on name) and settings of the CUSTOMER mapping.
  for (const { id, ...data } of savedFieldRows ?? []) await env.db.integrationFieldMapping.update({ where: { id }, data });
  await resetCustomerMapping(env.db);
  await env.close();
});

/** Everything a run could change on the mapping, and the writes a refused call must not make. */
async function mappingState() {
  const [mapping, fields, criteriaAudits, jobs, couplings] = await Promise.all([
    env.db.integrationTableMapping.findUniqueOrThrow({ where: { id: mappingId }, select: { rowVersion: true, createNewIfNoMatch: true, syncAfterMatchBasedCoupling: true } }),
    env.db.integrationFieldMapping.findMany({ where: { mappingId }, orderBy: { id: "asc" }, select: { id: true, useForMatchBasedCoupling: true, caseSensitiveMatching: true, matchPriority: true } }),
    env.db.auditEntry.count({ where: { action: "mapping.matchCriteria" } }),
    env.db.syncJob.count(),
    env.db.coupling.count(),
  ]);
  return { mapping, fields, criteriaAudits, jobs, couplings };
}

/** Runs a real match-coupling worker (the app's queue on the test database) until the job row has finished. */
async function runQueuedJob(jobId: string) {
  const logger = pino({ level: "silent" });
  const connection = createQueueConnection({ databaseUrl: inject("databaseUrl"), logger });
  const worker = connection.createWorker("match-coupling", createQueueProcessor("match-coupling", { db: env.db, queue: connection, log: logger, workerId: "match-criteria-test" }));
  try {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const job = await env.db.syncJob.findUniqueOrThrow({ where: { id: jobId } });
      if (job.status === "SUCCEEDED" || job.status === "FAILED") return job;
      if (Date.now() > deadline) throw new Error(`The match-coupling job is still ${job.status}.`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await worker.close();
    await connection.close();
  }
}

/** A customer whose name matches no account, and an account of another name in the same (unique) city. */
async function cityOnlyPair(prefix: string) {
  const word = uniqueWord(prefix);
  const customer = await createCustomer(env.db, { name: `${word} ERP name`, city: `${word}town` });
  const accountId = await createAccount(env.client, { name: `${word} another name`, address1_city: `${word}town` });
  return { customer, accountId };
}

async function couplingOf(erpId: string) {
  return env.db.coupling.findUnique({ where: { erpTable_erpId: { erpTable: "CUSTOMER", erpId } } });
}

describe("match-based coupling criteria per run", () => {
  it("a user's run with other criteria, Create New and Synchronize After Coupling couples by them and leaves the mapping as it is", async () => {
    const { customer, accountId } = await cityOnlyPair("Usr");
    const before = await mappingState();
    const input = { table: "CUSTOMER", erpIds: [customer.id], criteria: byCity, createNewIfNoMatch: true, syncAfterCoupling: true };

    const preview = await runAsUser(users.user, () => previewRecordMatchAction(input));
    expect(preview).toMatchObject({ ok: true, data: { criteria: byCity, matched: [{ erpId: customer.id, dataverseId: accountId, priority: 3 }] } });

    const started = await runAsUser(users.user, () => startRecordMatchAction(input));
    expect(started).toMatchObject({ ok: true, data: { status: "queued" } });
    const jobId = started.ok && started.data.status === "queued" ? started.data.jobIds[0] : "";
    expect(await runQueuedJob(jobId)).toMatchObject({ status: "SUCCEEDED", coupled: 1, failed: 0 });
    expect((await couplingOf(customer.id))?.dataverseId).toBe(accountId);

    const after = await mappingState();
    expect(after.mapping).toEqual(before.mapping);
    expect(after.fields).toEqual(before.fields);
    expect(after.criteriaAudits).toBe(before.criteriaAudits);
  });

  it("refuses a user who asks to save the criteria as the mapping's defaults, on the server, writing nothing", async () => {
    const { customer } = await cityOnlyPair("Ref");
    const before = await mappingState();
    const input = { table: "CUSTOMER", erpIds: [customer.id], criteria: byCity, saveCriteria: true };
    const refusal = { ok: false, code: "forbidden", message: expect.stringContaining("default match criteria") };
    expect(await runAsUser(users.user, () => startRecordMatchAction(input))).toMatchObject(refusal);
    expect(await runAsUser(users.user, () => previewRecordMatchAction(input))).toMatchObject(refusal);
    expect(await mappingState()).toEqual(before);
    expect(await couplingOf(customer.id)).toBeNull();
  });

  it("an admin who chooses Save as the mapping's default criteria makes them the defaults, audited, and runs with them", async () => {
    const { customer, accountId } = await cityOnlyPair("Adm");
    const before = await mappingState();
    const started = await runAsUser(users.admin, () =>
      startRecordMatchAction({ table: "CUSTOMER", erpIds: [customer.id], criteria: byCity, createNewIfNoMatch: false, syncAfterCoupling: true, saveCriteria: true }),
    );
    expect(started).toMatchObject({ ok: true });
    const fields = await env.db.integrationFieldMapping.findMany({ where: { mappingId, useForMatchBasedCoupling: true }, select: { erpField: true, caseSensitiveMatching: true, matchPriority: true } });
    expect(fields).toEqual([{ erpField: "city", caseSensitiveMatching: true, matchPriority: 3 }]);
    const mapping = await env.db.integrationTableMapping.findUniqueOrThrow({ where: { id: mappingId } });
    expect(mapping).toMatchObject({ syncAfterMatchBasedCoupling: true, createNewIfNoMatch: false, rowVersion: before.mapping.rowVersion + 1 });
    const [audit] = await env.db.auditEntry.findMany({ where: { action: "mapping.matchCriteria", entityId: mappingId }, orderBy: { id: "desc" }, take: 1 });
    expect(audit).toMatchObject({ actor: users.admin.email, after: { criteria: byCity, syncAfterMatchBasedCoupling: true } });
    const jobId = started.ok && started.data.status === "queued" ? started.data.jobIds[0] : "";
    expect(await runQueuedJob(jobId)).toMatchObject({ status: "SUCCEEDED", coupled: 1 });
    expect((await couplingOf(customer.id))?.dataverseId).toBe(accountId);
  });

  it("API v1: criteria are the run's own unless saveCriteria is true; a dry run never saves", async () => {
    for (const { id, ...data } of savedFieldRows) await env.db.integrationFieldMapping.update({ where: { id }, data });
    await resetCustomerMapping(env.db);
    const post = (body: unknown, wait = false) =>
      matchCoupling.POST(
        apiRequest("POST", `/api/v1/mappings/CUSTOMER/match-based-coupling${wait ? "?wait=true" : ""}`, { token: users.admin.token, body }),
        routeParams({ name: "CUSTOMER" }),
      );

    const perRun = await cityOnlyPair("Api");
    const before = await mappingState();
    const response = await post({ nos: [perRun.customer.no], criteria: [{ erpField: "city" }], syncAfterCoupling: true }, true);
    expect(response.status).toBe(200);
    expect((await response.json()).report).toMatchObject({ counters: { coupled: 1 }, matched: [{ no: perRun.customer.no, dataverseId: perRun.accountId }] });
    let after = await mappingState();
    expect(after.mapping).toEqual(before.mapping);
    expect(after.fields).toEqual(before.fields);

    const dry = await post({ dryRun: true, saveCriteria: true, nos: [perRun.customer.no], criteria: [{ erpField: "city" }] });
    expect(dry.status).toBe(200);
    after = await mappingState();
    expect(after.fields).toEqual(before.fields);
    expect(after.mapping).toEqual(before.mapping);

    const saving = await cityOnlyPair("Sav");
    const saved = await post({ nos: [saving.customer.no], criteria: [{ erpField: "city", priority: 2 }], saveCriteria: true }, true);
    expect(saved.status).toBe(200);
    expect((await saved.json()).report).toMatchObject({ counters: { coupled: 1 } });
    const fields = await env.db.integrationFieldMapping.findMany({ where: { mappingId, useForMatchBasedCoupling: true }, select: { erpField: true, matchPriority: true } });
    expect(fields).toEqual([{ erpField: "city", matchPriority: 2 }]);

    const bad = await post({ saveCriteria: "yes", criteria: [{ erpField: "city" }] });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toMatchObject({ code: "invalid", details: { saveCriteria: [expect.any(String)] } });
  });
});
