import { randomUUID } from "node:crypto";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { DataverseClient } from "../../lib/dataverse/dataverse-client.ts";
import { QUIET_JOB_RETENTION_MS } from "../../lib/integration/job-recorder.ts";
import { runSync, type RunResult } from "../../lib/integration/sync-run.ts";
import { createQueueConnection } from "../../lib/queue/queue-connection.ts";
import { enqueueJob } from "../../lib/queue/enqueue.ts";
import { startWorkerRuntime } from "../../workers/worker-runtime.ts";
import { startEmulator, type RunningEmulator } from "../../emulator/emulator-server.ts";
import { emulatorRequests, mappingId, newClient, resetEmulatorStats, resetEngineState, run, setPolicy, startEngineEnv, uniqueNo, waitForChangeCapture, type EngineEnv } from "./engine-fixtures.ts";

// The job log of runs (issue 4): a job's Dataverse request count is the requests that job made, even when other
// mappings run on the same client at the same time; scheduled runs and delta polls that found nothing do not pile up
// job rows, while the mapping still tells when it last ran.

let env: EngineEnv;
const logger = pino({ level: "silent" });

beforeAll(async () => {
  env = await startEngineEnv();
});

afterAll(async () => {
  await setPolicy(env.db, "CUSTOMER", { syncOnlyCoupledRecords: true });
  await setPolicy(env.db, "CONTACT", { syncOnlyCoupledRecords: true });
  await env?.emulator.close();
});

async function until<T>(what: string, probe: () => Promise<T | null | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== null && value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Small pages and batches, so that every run makes a good number of requests that interleave with the other's. */
function pagingClient(emulator: RunningEmulator): DataverseClient {
  return newClient(emulator, { maxPageSize: 3, maxOperationsPerBatch: 4, batchConcurrency: 1 });
}

type Work = "CUSTOMER" | "CONTACT";
const COUNT = 10;

/**
 * COUNT new ERP records of the mapping, none coupled; a run creates them in Dataverse and reads them back. Contacts
 * belong to `parentId`, a customer already coupled to an account (the CONTACT mapping takes contacts of customers).
 */
async function newRecords(work: Work, parentId: string): Promise<void> {
  const word = uniqueNo("JL");
  if (work === "CUSTOMER") {
    await env.db.customer.createMany({ data: Array.from({ length: COUNT }, (_, i) => ({ no: `${word}C${i}`, name: `${word} customer ${i}` })) });
  } else {
    await env.db.contact.createMany({ data: Array.from({ length: COUNT }, (_, i) => ({ no: `${word}P${i}`, firstName: "Pat", surname: `${word}${i}`, name: `Pat ${word}${i}`, customerId: parentId })) });
  }
}

type Measured = { result: RunResult; perPass: Record<string, number>; startedAt: Date; finishedAt: Date };

async function runAndRead(client: DataverseClient, work: Work): Promise<Measured> {
  const result = await runSync({ db: env.db, client }, { mappingId: await mappingId(env.db, work), trigger: "MANUAL" });
  const rows = await env.db.syncJob.findMany({ where: { id: { in: result.jobs.map((j) => j.id) } }, orderBy: { startedAt: "asc" } });
  expect(rows.map((r) => r.status)).toEqual(["SUCCEEDED", "SUCCEEDED"]);
  return {
    result,
    perPass: Object.fromEntries(rows.map((r) => [r.direction!, r.dataverseRequests])),
    startedAt: rows[0].startedAt!,
    finishedAt: rows[rows.length - 1].finishedAt!,
  };
}

/**
 * A fresh emulator (every phase starts from the same empty Dataverse), nothing coupled but the contacts' parent
 * customer (coupled to an account made directly), new ERP records; the emulator's count starts at zero.
 */
async function freshPhase(works: Work[]): Promise<RunningEmulator> {
  const emulator = await startEmulator({ port: 0, dataDir: null, seed: "none", quiet: true, latencyMs: 15 });
  const parent = await env.db.customer.create({ data: { no: uniqueNo("JP"), name: "Parent Customer" } });
  // Change capture must have passed every earlier write (the parent included) before the watermark is reset to "now":
  // a transaction open elsewhere on the server would otherwise leave some of them for this phase's run.
  await waitForChangeCapture(env.db);
  await resetEngineState(env.db);
  const account = await newClient(emulator).create("accounts", { name: "Parent Customer" }, { returnRepresentation: true });
  await env.db.coupling.create({
    data: { mappingId: await mappingId(env.db, "CUSTOMER"), erpTable: "CUSTOMER", erpId: parent.id, dataverseEntity: "account", dataverseId: account.id!.toLowerCase() },
  });
  for (const work of works) await newRecords(work, parent.id);
  await waitForChangeCapture(env.db);
  await resetEmulatorStats(emulator);
  return emulator;
}

describe("Dataverse requests per job", () => {
  it("two mappings running at once on one client: each job counts exactly the requests it made", async () => {
    await setPolicy(env.db, "CUSTOMER", { syncOnlyCoupledRecords: false });
    await setPolicy(env.db, "CONTACT", { syncOnlyCoupledRecords: false });

    // Alone, a run's requests are all the emulator receives: its job counts are checked against the emulator's.
    const solo: Record<Work, Record<string, number>> = { CUSTOMER: {}, CONTACT: {} };
    for (const work of ["CUSTOMER", "CONTACT"] as const) {
      const emulator = await freshPhase([work]);
      try {
        const measured = await runAndRead(pagingClient(emulator), work);
        expect(measured.result.jobs.reduce((n, j) => n + j.counters.inserted, 0), JSON.stringify(measured.result.jobs)).toBe(COUNT);
        expect(Object.values(measured.perPass).reduce((a, b) => a + b, 0)).toBe(await emulatorRequests(emulator));
        solo[work] = measured.perPass;
      } finally {
        await emulator.close();
      }
    }
    expect(solo.CUSTOMER.TO_INTEGRATION_TABLE).toBeGreaterThanOrEqual(3);
    expect(solo.CONTACT.FROM_INTEGRATION_TABLE).toBeGreaterThanOrEqual(3);

    // The same work for both mappings at once, on one shared client (as in one worker).
    const emulator = await freshPhase(["CUSTOMER", "CONTACT"]);
    try {
      const client = pagingClient(emulator);
      const [customer, contact] = await Promise.all([runAndRead(client, "CUSTOMER"), runAndRead(client, "CONTACT")]);
      // The runs really overlapped, or this would prove nothing.
      expect(customer.startedAt.getTime()).toBeLessThan(contact.finishedAt.getTime());
      expect(contact.startedAt.getTime()).toBeLessThan(customer.finishedAt.getTime());
      expect(customer.perPass).toEqual(solo.CUSTOMER);
      expect(contact.perPass).toEqual(solo.CONTACT);
      const counted = [customer, contact].flatMap((m) => Object.values(m.perPass)).reduce((a, b) => a + b, 0);
      expect(counted).toBe(await emulatorRequests(emulator));
      expect(client.stats.requests).toBe(counted);
      for (const m of [customer, contact]) for (const job of m.result.jobs) expect(job.dataverseRequests).toBe(m.perPass[job.direction]);
    } finally {
      await emulator.close();
    }
  });
});

describe("quiet automatic runs", () => {
  const quietRows = async (id: string) =>
    env.db.syncJob.findMany({ where: { mappingId: id, trigger: { in: ["SCHEDULE", "DATAVERSE_CHANGE"] } }, orderBy: { startedAt: "asc" } });

  it("schedules and delta polls that find nothing keep at most their newest row, the sweeper removes it, lastRunAt stays", async () => {
    const { db } = env;
    await resetEngineState(db);
    await setPolicy(db, "CUSTOMER", { syncOnlyCoupledRecords: false });
    const id = await mappingId(db, "CUSTOMER");
    await db.customer.create({ data: { no: uniqueNo("JQ"), name: "Quiet Customer" } });
    await waitForChangeCapture(db);
    await run(env, "CUSTOMER");
    await run(env, "CUSTOMER");

    const quiet: RunResult[] = [];
    for (const trigger of ["SCHEDULE", "SCHEDULE", "DATAVERSE_CHANGE", "SCHEDULE"] as const) {
      await resetEmulatorStats(env.emulator);
      const startedAt = new Date();
      const result = await run(env, "CUSTOMER", { trigger });
      quiet.push(result);
      expect(result.jobs.map((j) => j.status)).toEqual(["SUCCEEDED", "SUCCEEDED"]);
      expect(result.jobs.every((j) => j.message === null)).toBe(true);
      // The no-op cost (P4) stays measurable: the run's own request count equals what the emulator received.
      const requests = result.jobs.reduce((n, j) => n + (j.dataverseRequests ?? 0), 0);
      expect(requests).toBe(await emulatorRequests(env.emulator));
      expect(requests).toBeLessThanOrEqual(3);
      const mapping = await db.integrationTableMapping.findUniqueOrThrow({ where: { id } });
      expect(mapping.lastRunAt!.getTime()).toBeGreaterThanOrEqual(startedAt.getTime() - 1_000);
    }
    // Only the newest quiet row per direction is left, with its request count.
    const rows = await quietRows(id);
    expect(rows.map((r) => r.id).sort()).toEqual(quiet[quiet.length - 1].jobs.map((j) => j.id).sort());
    expect(rows.reduce((n, r) => n + r.dataverseRequests, 0)).toBe(quiet[quiet.length - 1].jobs.reduce((n, j) => n + (j.dataverseRequests ?? 0), 0));

    // Manual runs that found nothing, and scheduled runs that did something, stay in the log.
    const manual = await run(env, "CUSTOMER");
    const customer = await db.customer.create({ data: { no: uniqueNo("JQ"), name: "Busy Customer" } });
    await waitForChangeCapture(db);
    const busy = await run(env, "CUSTOMER", { trigger: "SCHEDULE" });
    expect(busy.jobs[0].counters.inserted).toBe(1);
    // Scheduled runs until one finds nothing (the From pass may read the new account back once, as an echo).
    const scheduled: RunResult[] = [];
    let lastStarted = new Date();
    for (let i = 0; i < 3; i += 1) {
      lastStarted = new Date();
      scheduled.push(await run(env, "CUSTOMER", { trigger: "SCHEDULE" }));
      if (scheduled[i].jobs.every((j) => j.message === null)) break;
    }
    const last = scheduled[scheduled.length - 1];
    expect(last.jobs.every((j) => j.message === null)).toBe(true);
    const busyRows = [...busy.jobs, ...scheduled.slice(0, -1).flatMap((r) => r.jobs)].filter((j) => j.message !== null).map((j) => j.id);
    const keptIds = [...manual.jobs.map((j) => j.id), ...busyRows];
    expect(await db.syncJob.count({ where: { id: { in: keptIds } } })).toBe(keptIds.length);
    expect((await quietRows(id)).map((r) => r.id).sort()).toEqual([...busyRows, ...last.jobs.map((j) => j.id)].sort());
    expect(await db.coupling.count({ where: { erpId: customer.id, state: "COUPLED" } })).toBe(1);

    // The maintenance sweep, through a worker, once the retention has passed: the quiet rows go, the rest stays.
    await db.syncJob.updateMany({ where: { id: { in: last.jobs.map((j) => j.id) } }, data: { finishedAt: new Date(Date.now() - QUIET_JOB_RETENTION_MS - 60_000) } });
    const queue = createQueueConnection({ databaseUrl: inject("databaseUrl"), namespace: `bq_joblog_${randomUUID().slice(0, 8)}`, logger });
    const runtime = await startWorkerRuntime({ queue, db, log: logger, queues: ["maintenance"], heartbeatIntervalMs: 60_000 });
    try {
      const { id: sweepId } = await enqueueJob(queue, "maintenance", {});
      const job = await until("the maintenance sweep", async () => {
        const state = await queue.queue("maintenance").getJobState(sweepId);
        if (state === "failed") throw new Error("the maintenance sweep failed");
        return state === "completed" ? queue.queue("maintenance").getJob(sweepId) : null;
      });
      expect(job?.returnvalue).toMatchObject({ removedQuietJobs: 2 });
    } finally {
      await runtime.stop(10_000);
      await queue.close();
    }
    expect((await quietRows(id)).map((r) => r.id).sort()).toEqual([...busyRows].sort());
    expect(await db.syncJob.count({ where: { id: { in: keptIds } } })).toBe(keptIds.length);
    // The mappings list still shows when the mapping last ran.
    const mapping = await db.integrationTableMapping.findUniqueOrThrow({ where: { id } });
    expect(mapping.lastRunAt!.getTime()).toBeGreaterThanOrEqual(lastStarted.getTime() - 1_000);
  });
});
