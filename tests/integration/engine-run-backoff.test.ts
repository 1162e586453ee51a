import { randomUUID } from "node:crypto";
import pino from "pino";
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import * as jobItem from "../../app/api/v1/jobs/[id]/route.ts";
import * as mappingItem from "../../app/api/v1/mappings/[name]/route.ts";
import * as mappingRun from "../../app/api/v1/mappings/[name]/run/route.ts";
import { DataverseClient } from "../../lib/dataverse/dataverse-client.ts";
import type { SyncJobTrigger } from "../../lib/db/generated/enums.ts";
import { EMULATOR_CLIENT_ID, EMULATOR_CLIENT_SECRET, EMULATOR_TENANT_ID, encryptSecret } from "../../lib/integration/dataverse-connection.ts";
import { listJobs } from "../../lib/integration/job-queries.ts";
import { listMappingOverview } from "../../lib/integration/mapping-admin-service.ts";
import { backoffDelayMs } from "../../lib/integration/run-backoff.ts";
import { runSync, type RunResult } from "../../lib/integration/sync-run.ts";
import { startSyncTriggers } from "../../lib/integration/sync-triggers.ts";
import { enqueueJob } from "../../lib/queue/enqueue.ts";
import { getHealth } from "../../lib/queue/health.ts";
import { createQueueConnection, type QueueConnection } from "../../lib/queue/queue-connection.ts";
import { startWorkerRuntime } from "../../workers/worker-runtime.ts";
import { emulatorRequests, mappingId, resetEmulatorStats, resetEngineState, startEngineEnv, uniqueNo, waitForChangeCapture, type EngineEnv } from "./engine-fixtures.ts";
import { apiRequest, createRoleUsers, routeParams, type RoleUsers } from "./ops-fixtures.ts";

// Automatic runs of a mapping that keep failing as a whole (issue 4): the same failure again adds no job row (the
// first row counts the repeats), schedules and delta polls back off 1, 2, 4, … minutes (at most 30) while ERP edits,
// webhooks and people still run at once, the mappings list, API v1 and /api/health say the mapping is failing, and the
// first run that succeeds clears it all. Faults come from the emulator over HTTP: every Web API request answered 503
// (Dataverse unavailable, after the client's retries), or the token endpoint refusing the client secret.

const logger = pino({ level: "silent" });
const MINUTE = 60_000;
let env: EngineEnv;
let users: RoleUsers;
let queue: QueueConnection;
let previouslyEnabled: string[] = [];
const connectionIds: string[] = [];

beforeAll(async () => {
  env = await startEngineEnv();
  users = await createRoleUsers(env.db);
  queue = createQueueConnection({ databaseUrl: inject("databaseUrl"), namespace: `bq_backoff_${randomUUID().slice(0, 8)}`, logger });
  // The API routes and the worker build their client from the one enabled connection: this file's own (see useConnection).
  previouslyEnabled = (await env.db.dataverseConnection.findMany({ where: { isEnabled: true }, select: { id: true } })).map((r) => r.id);
});

// A test that failed half-way must not leave the next one with a broken emulator.
beforeEach(async () => {
  await setFaults({ failRate: 0 });
});

afterAll(async () => {
  await setFaults({ failRate: 0 }).catch(() => undefined);
  if (connectionIds.length) await env.db.dataverseConnection.deleteMany({ where: { id: { in: connectionIds } } });
  await env.db.dataverseConnection.updateMany({ where: { id: { in: previouslyEnabled } }, data: { isEnabled: true } });
  await resetEngineState(env.db);
  await queue?.close();
  await env?.emulator.close();
});

async function setFaults(body: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${env.emulator.url}/_emulator/config`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`the emulator refused its config: ${response.status}`);
}

/** The one enabled connection, at this file's emulator, with the right or a wrong client secret. */
async function useConnection(secret: string): Promise<void> {
  await env.db.dataverseConnection.updateMany({ data: { isEnabled: false } });
  const row = await env.db.dataverseConnection.create({
    data: { environmentUrl: env.emulator.url, tenantId: EMULATOR_TENANT_ID, clientId: EMULATOR_CLIENT_ID, clientSecretEnc: encryptSecret(secret), isEnabled: true, isEmulator: true },
  });
  connectionIds.push(row.id);
}

/** A client whose token request the emulator refuses (a wrong or expired client secret). */
function refusedClient(): DataverseClient {
  return new DataverseClient({
    baseUrl: env.emulator.url,
    tenantId: "emulator",
    clientId: "emulator",
    clientSecret: "not-the-secret",
    authorityHost: env.emulator.url,
    limits: { backoffBaseMs: 20, backoffMaxMs: 200 },
  });
}

async function runAs(trigger: SyncJobTrigger, client: DataverseClient = env.client): Promise<RunResult> {
  await waitForChangeCapture(env.db);
  return runSync({ db: env.db, client }, { mappingId: await mappingId(env.db, "CUSTOMER"), trigger });
}

async function mappingRow(name = "CUSTOMER") {
  return env.db.integrationTableMapping.findUniqueOrThrow({ where: { name } });
}

/** Time passes: the mapping's next automatic attempt is due now. */
async function nextAttemptIsDue(name?: string): Promise<void> {
  if (name) await env.db.$executeRaw`UPDATE "IntegrationTableMapping" SET "nextAttemptAt" = ${new Date(Date.now() - 1_000)} WHERE "name" = ${name}`;
  else await env.db.$executeRaw`UPDATE "IntegrationTableMapping" SET "nextAttemptAt" = ${new Date(Date.now() - 1_000)} WHERE "nextAttemptAt" IS NOT NULL`;
}

/** The failed job rows of automatic runs of the mapping, by direction. */
async function automaticFailures(name = "CUSTOMER") {
  const rows = await env.db.syncJob.findMany({
    where: { mapping: { name }, status: "FAILED", trigger: { in: ["SCHEDULE", "ERP_CHANGE", "DATAVERSE_CHANGE", "WEBHOOK"] } },
    orderBy: { queuedAt: "asc" },
  });
  return { to: rows.filter((r) => r.direction === "TO_INTEGRATION_TABLE"), from: rows.filter((r) => r.direction === "FROM_INTEGRATION_TABLE"), all: rows };
}

/** A coupled customer with an ERP edit not yet synchronized, so the To pass must ask Dataverse for its account. */
async function coupledCustomerWithEdit(): Promise<{ customerId: string; accountId: string }> {
  const { db, client } = env;
  const customer = await db.customer.create({ data: { no: uniqueNo("BO"), name: "Backoff Customer" } });
  const account = await client.create("accounts", { name: "Backoff Customer" }, { returnRepresentation: true });
  await db.coupling.create({
    data: { mappingId: await mappingId(db, "CUSTOMER"), erpTable: "CUSTOMER", erpId: customer.id, dataverseEntity: "account", dataverseId: String(account.id).toLowerCase() },
  });
  await db.customer.update({ where: { id: customer.id }, data: { city: "Backoff City" } });
  return { customerId: customer.id, accountId: String(account.id).toLowerCase() };
}

async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== null && value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("a mapping whose automatic runs keep failing", () => {
  it("folds the same failure into one row per direction, backs off 1, 2, 4, … 30 minutes, is reported failing, and the first success clears it", async () => {
    const { db } = env;
    await resetEngineState(db);
    const { accountId } = await coupledCustomerWithEdit();
    await setFaults({ failRate: 1 });

    const firstStarted = new Date();
    const first = await runAs("SCHEDULE");
    expect(first.jobs.map((j) => [j.direction, j.status])).toEqual([
      ["TO_INTEGRATION_TABLE", "FAILED"],
      ["FROM_INTEGRATION_TABLE", "FAILED"],
    ]);
    const rowIds = first.jobs.map((j) => j.id).sort();
    let mapping = await mappingRow();
    expect(mapping.failedRuns).toBe(1);
    expect(mapping.failingSince!.getTime()).toBeGreaterThanOrEqual(firstStarted.getTime() - 5);
    expect(mapping.nextAttemptAt!.getTime() - mapping.lastFailedRunAt!.getTime()).toBe(MINUTE);
    expect(mapping.lastFailureMessage).toContain("Dataverse could not be reached or is busy");

    // Until the next attempt, schedules and delta polls neither run nor ask Dataverse anything, nor add a row.
    await resetEmulatorStats(env.emulator);
    for (const trigger of ["SCHEDULE", "DATAVERSE_CHANGE", "SCHEDULE"] as const) expect((await runAs(trigger)).jobs).toEqual([]);
    expect(await emulatorRequests(env.emulator)).toBe(0);
    expect((await automaticFailures()).all.map((r) => r.id).sort()).toEqual(rowIds);

    // An ERP edit and a webhook try at once; time passing lets schedules and delta polls try again. Every failure is
    // one more repeat on the same two rows, and the wait doubles up to 30 minutes.
    const attempts: { trigger: SyncJobTrigger; due: boolean }[] = [
      { trigger: "ERP_CHANGE", due: false },
      { trigger: "WEBHOOK", due: false },
      { trigger: "SCHEDULE", due: true },
      { trigger: "DATAVERSE_CHANGE", due: true },
      { trigger: "SCHEDULE", due: true },
      { trigger: "ERP_CHANGE", due: false },
    ];
    const delays = [mapping.nextAttemptAt!.getTime() - mapping.lastFailedRunAt!.getTime()];
    let lastStarted = firstStarted;
    for (const { trigger, due } of attempts) {
      if (due) await nextAttemptIsDue("CUSTOMER");
      await resetEmulatorStats(env.emulator);
      lastStarted = new Date();
      const result = await runAs(trigger);
      expect(result.jobs.map((j) => j.status), trigger).toEqual(["FAILED", "FAILED"]);
      expect(await emulatorRequests(env.emulator), `${trigger} asked Dataverse`).toBeGreaterThan(0);
      expect(result.jobs.map((j) => j.id).sort(), `${trigger} folded into the first rows`).toEqual(rowIds);
      mapping = await mappingRow();
      delays.push(mapping.nextAttemptAt!.getTime() - mapping.lastFailedRunAt!.getTime());
    }
    expect(delays).toEqual([1, 2, 4, 8, 16, 30, 30].map((m) => m * MINUTE));
    expect(delays).toEqual([1, 2, 3, 4, 5, 6, 7].map(backoffDelayMs));
    expect(mapping.failedRuns).toBe(7);

    const failures = await automaticFailures();
    expect(failures.to).toHaveLength(1);
    expect(failures.from).toHaveLength(1);
    // The streak began with the first run: before its first pass started.
    expect(mapping.failingSince!.getTime()).toBeLessThanOrEqual(Math.min(...failures.all.map((r) => r.startedAt!.getTime())));
    for (const row of failures.all) {
      expect(row.repeatCount).toBe(7);
      expect(row.trigger).toBe("SCHEDULE");
      expect(row.startedAt!.getTime()).toBeLessThan(lastStarted.getTime());
      expect(row.lastAttemptAt!.getTime()).toBeGreaterThanOrEqual(lastStarted.getTime() - 5);
      expect(row.queuedAt.getTime()).toBeGreaterThanOrEqual(lastStarted.getTime() - 5);
      expect(row.message).toContain("Dataverse could not be reached or is busy");
      expect(row.dataverseRequests).toBeGreaterThanOrEqual(7);
    }

    // The jobs list shows the two rows first (at their latest attempt), with the repeats.
    const listed = await listJobs(db, { mapping: "CUSTOMER", page: 1, pageSize: 10 });
    expect(listed.items.slice(0, 2).map((j) => j.id).sort()).toEqual(rowIds);
    for (const item of listed.items.slice(0, 2)) expect(item).toMatchObject({ status: "FAILED", repeatCount: 7, lastAttemptAt: expect.any(String) });

    // The mappings list, API v1 and the health report say the mapping is failing, and until when it waits.
    const overview = (await listMappingOverview(db)).find((m) => m.name === "CUSTOMER")!;
    expect(overview.failing).toEqual({
      since: mapping.failingSince!.toISOString(),
      attempts: 7,
      lastAt: mapping.lastFailedRunAt!.toISOString(),
      nextAttemptAt: mapping.nextAttemptAt!.toISOString(),
      message: mapping.lastFailureMessage,
    });
    expect(new Date(overview.nextRunAt!).getTime()).toBeGreaterThanOrEqual(mapping.nextAttemptAt!.getTime());
    const job = await jobItem.GET(apiRequest("GET", `/api/v1/jobs/${rowIds[0]}`, { token: users.viewer.token }), routeParams({ id: rowIds[0] }));
    expect(job.status).toBe(200);
    expect(await job.json()).toMatchObject({ id: rowIds[0], status: "FAILED", repeatCount: 7, lastAttemptAt: failures.all.find((r) => r.id === rowIds[0])!.lastAttemptAt!.toISOString() });
    const apiMapping = await mappingItem.GET(apiRequest("GET", "/api/v1/mappings/CUSTOMER", { token: users.viewer.token }), routeParams({ name: "CUSTOMER" }));
    expect((await apiMapping.json()).failing).toMatchObject({ attempts: 7, nextAttemptAt: mapping.nextAttemptAt!.toISOString() });
    const health = await getHealth({ db, queue, openTransactionWarnSeconds: 0 });
    expect(health.status).toBe("degraded");
    expect(health.failingMappings).toEqual([expect.objectContaining({ name: "CUSTOMER", failedRuns: 7, nextAttemptAt: mapping.nextAttemptAt!.toISOString() })]);
    expect(health.reasons.some((r) => r.includes("The mapping CUSTOMER has failed 7 automatic runs in a row"))).toBe(true);

    // The fault clears. Schedules still wait for the next attempt; once it is due, the run succeeds and clears it all.
    await setFaults({ failRate: 0 });
    expect((await runAs("SCHEDULE")).jobs).toEqual([]);
    await nextAttemptIsDue("CUSTOMER");
    const recovered = await runAs("SCHEDULE");
    expect(recovered.jobs.map((j) => j.status)).toEqual(["SUCCEEDED", "SUCCEEDED"]);
    expect(recovered.jobs[0].counters.modified).toBe(1);
    expect((await env.client.retrieve("accounts", accountId)).address1_city).toBe("Backoff City");
    mapping = await mappingRow();
    expect(mapping).toMatchObject({ failedRuns: 0, failingSince: null, lastFailedRunAt: null, lastFailureMessage: null, nextAttemptAt: null });
    expect((await listMappingOverview(db)).find((m) => m.name === "CUSTOMER")!.failing).toBeNull();
    expect((await getHealth({ db, queue, openTransactionWarnSeconds: 0 })).failingMappings).toEqual([]);
    // Schedules run at their own pace again.
    expect((await runAs("SCHEDULE")).jobs).toHaveLength(2);

    // The history stays; a new failure after the success starts a row of its own.
    await setFaults({ failRate: 1 });
    await db.customer.updateMany({ where: { city: "Backoff City" }, data: { city: "Backoff Town" } });
    const again = await runAs("ERP_CHANGE");
    expect(again.jobs.map((j) => j.status)).toEqual(["FAILED", "FAILED"]);
    expect(again.jobs.every((j) => !rowIds.includes(j.id))).toBe(true);
    expect(await db.syncJob.count({ where: { id: { in: rowIds }, repeatCount: 7 } })).toBe(2);
    expect((await mappingRow()).failedRuns).toBe(1);
    await setFaults({ failRate: 0 });
    await runAs("MANUAL");
  });

  it("a different failure is a row of its own; people are never held back and their failures leave the backoff alone", async () => {
    const { db } = env;
    await resetEngineState(db);
    await coupledCustomerWithEdit();
    await setFaults({ failRate: 1 });
    const unavailable = await runAs("SCHEDULE");
    expect(unavailable.jobs.map((j) => j.status)).toEqual(["FAILED", "FAILED"]);
    await setFaults({ failRate: 0 });

    // Dataverse refuses the credentials now: another failure, other rows — and the same one again folds into those.
    const refused = await runAs("ERP_CHANGE", refusedClient());
    expect(refused.jobs.map((j) => j.status)).toEqual(["FAILED", "FAILED"]);
    expect(refused.jobs[0].message).toContain("Dataverse refused the connection");
    expect(refused.jobs.some((j) => unavailable.jobs.some((u) => u.id === j.id))).toBe(false);
    const refusedAgain = await runAs("WEBHOOK", refusedClient());
    expect(refusedAgain.jobs.map((j) => j.id)).toEqual(refused.jobs.map((j) => j.id));
    expect(await db.syncJob.count({ where: { id: { in: refused.jobs.map((j) => j.id) }, repeatCount: 2 } })).toBe(2);
    expect(await db.syncJob.count({ where: { id: { in: unavailable.jobs.map((j) => j.id) }, repeatCount: 1 } })).toBe(2);
    let mapping = await mappingRow();
    expect(mapping.failedRuns).toBe(3);
    const heldUntil = mapping.nextAttemptAt!;
    expect(heldUntil.getTime() - Date.now()).toBeGreaterThan(3 * MINUTE);

    // A person's run is not held back: Run through API v1 (its client comes from the connection row, whose secret is
    // wrong too) runs at once and fails with its own row; the backoff stays as it was.
    await useConnection("not-the-secret");
    expect((await runAs("SCHEDULE")).jobs).toEqual([]);
    const manual = await mappingRun.POST(apiRequest("POST", "/api/v1/mappings/CUSTOMER/run?wait=true", { token: users.user.token, body: {} }), routeParams({ name: "CUSTOMER" }));
    expect(manual.status).toBe(200);
    const manualBody = await manual.json();
    expect(manualBody.jobs.map((j: { status: string; trigger: string; repeatCount: number }) => [j.trigger, j.status, j.repeatCount])).toEqual([
      ["API", "FAILED", 1],
      ["API", "FAILED", 1],
    ]);
    expect(manualBody.jobs.some((j: { id: string }) => refused.jobs.some((r) => r.id === j.id))).toBe(false);
    mapping = await mappingRow();
    expect(mapping.failedRuns).toBe(3);
    expect(mapping.nextAttemptAt).toEqual(heldUntil);

    // With the secret fixed, the person's run succeeds and ends the streak at once: schedules run again.
    await useConnection(EMULATOR_CLIENT_SECRET);
    const fixed = await mappingRun.POST(apiRequest("POST", "/api/v1/mappings/CUSTOMER/run?wait=true", { token: users.user.token, body: {} }), routeParams({ name: "CUSTOMER" }));
    expect((await fixed.json()).jobs.map((j: { status: string }) => j.status)).toEqual(["SUCCEEDED", "SUCCEEDED"]);
    expect(await mappingRow()).toMatchObject({ failedRuns: 0, nextAttemptAt: null, failingSince: null });
    expect((await runAs("SCHEDULE")).jobs).toHaveLength(2);
  });

  it("through a real worker and the real triggers: the delta poll stops hammering, queued schedules are held back, an ERP edit is not", async () => {
    const { db } = env;
    await resetEngineState(db);
    await useConnection("not-the-secret");
    const ids = Object.fromEntries((await db.integrationTableMapping.findMany({ where: { isEnabled: true, status: { notIn: ["PAUSED", "ON_HOLD"] } } })).map((m) => [m.name, m]));
    const runtime = await startWorkerRuntime({ queue, db, log: logger, queues: ["sync-run"], heartbeatIntervalMs: 60_000 });
    const triggers = await startSyncTriggers({ db, queue, log: logger, erpPollMs: 0, dataversePollMs: 100, scheduleSyncMs: 0 });
    try {
      // Every mapping's first delta-poll run fails on the refused credentials; then the polls leave them alone.
      await until("every mapping failing", async () => (await db.integrationTableMapping.count({ where: { id: { in: Object.values(ids).map((m) => m.id) }, failedRuns: { gt: 0 } } })) === Object.keys(ids).length);
      await new Promise((r) => setTimeout(r, 3_000));
      // (A To pass with no ERP change asks Dataverse nothing, so it succeeds: its quiet row is the only one left.)
      for (const m of Object.values(ids)) {
        const rows = await db.syncJob.findMany({ where: { mappingId: m.id } });
        const failed = rows.filter((r) => r.status === "FAILED");
        expect(failed.length, m.name).toBeGreaterThan(0);
        expect(failed.map((r) => [r.trigger, r.repeatCount]), m.name).toEqual(failed.map(() => ["DATAVERSE_CHANGE", 1]));
        expect(new Set(rows.map((r) => r.direction)).size, `${m.name}: one row per direction`).toBe(rows.length);
        expect((await mappingRow(m.name)).failedRuns, m.name).toBe(1);
      }

      // Scheduled runs that reach the worker while the mapping waits finish at once, with no job.
      const customerId = ids.CUSTOMER.id;
      const rowsBefore = await db.syncJob.count({ where: { mappingId: customerId } });
      const failedIds = (await automaticFailures()).all.map((r) => r.id).sort();
      const scheduled = await Promise.all([1, 2, 3].map(() => enqueueJob(queue, "sync-run", { mappingId: customerId, trigger: "SCHEDULE" })));
      for (const { id } of scheduled) {
        const done = await until(`scheduled job ${id}`, async () => {
          const state = await queue.queue("sync-run").getJobState(id);
          if (state === "failed") throw new Error(`the scheduled job ${id} failed`);
          return state === "completed" ? queue.queue("sync-run").getJob(id) : null;
        });
        expect(done?.returnvalue).toEqual({ jobs: [] });
      }
      expect(await db.syncJob.count({ where: { mappingId: customerId } })).toBe(rowsBefore);

      // An ERP edit runs at once and its failure is one more repeat on the same rows.
      const erpEdit = await enqueueJob(queue, "sync-run", { mappingId: customerId, trigger: "ERP_CHANGE" });
      await until("the ERP edit's run", async () => (await queue.queue("sync-run").getJobState(erpEdit.id)) === "completed");
      const afterEdit = await automaticFailures();
      expect(afterEdit.all.map((r) => r.id).sort()).toEqual(failedIds);
      expect(afterEdit.all.map((r) => r.repeatCount)).toEqual(failedIds.map(() => 2));
      expect((await mappingRow()).failedRuns).toBe(2);

      // The secret is fixed and the wait is over: the delta poll's runs succeed and every mapping runs normally again.
      await useConnection(EMULATOR_CLIENT_SECRET);
      await nextAttemptIsDue();
      await until("every mapping recovered", async () => (await db.integrationTableMapping.count({ where: { id: { in: Object.values(ids).map((m) => m.id) }, failedRuns: 0, nextAttemptAt: null } })) === Object.keys(ids).length);
      expect(await db.syncJob.count({ where: { mappingId: customerId, status: "SUCCEEDED", trigger: "DATAVERSE_CHANGE" } })).toBeGreaterThan(0);
    } finally {
      await triggers.stop();
      await runtime.stop(10_000);
    }
  });
});
