import { randomUUID } from "node:crypto";
import type pg from "pg";
import { DataverseClient } from "../lib/dataverse/dataverse-client.ts";
import { upsertOperation } from "../lib/dataverse/entity-operations.ts";
import {
  QUICK,
  bulkInsertCustomers,
  commandCpuSeconds,
  cpuSecondsSince,
  cpuSeconds,
  createBenchDatabase,
  ensureIntegration,
  fmt,
  log,
  machineCpuSeconds,
  percentile,
  printGoals,
  printTable,
  round,
  rssMiB,
  runBench,
  sampleRss,
  startEmulatorProcess,
  startWorkerProcess,
  waitForChangeCaptureHorizon,
  waitUntil,
  workerEnv,
  writeResult,
  type EmulatorProcess,
} from "./bench-support.ts";

// P1 full sync and P5 worker memory. N customers → accounts at 25 ms injected latency per HTTP request, three ways
// side by side against the same emulator process:
//   (a) the engine: a run of the CUSTOMER mapping (Sync Only Coupled Records off, To Integration Table) carried out
//       by a real worker process, from enqueue to the SyncJob's end — change capture, decisions, pending couplings,
//       $batch writes, couplings and job log included;
//   (b) the naive baseline: one PATCH (upsert) per record, one at a time, on a sample, extrapolated to N;
//   (c) the ceiling: the same upserts (same bodies, same returned columns) pushed through $batch by the same
//       DataverseClient with its default caps (1,000 operations per batch, 4 batches in flight), nothing else.
// The worker's RSS is sampled every 200 ms during each engine run (P5), at every N of the scaling series.
// Run: npx tsx bench/full-sync-bench.ts   (BENCH_QUICK=1 for the small sizes)

const LATENCY_MS = 25;
const MAIN_N = Number(process.env.BENCH_N ?? (QUICK ? 1_000 : 20_000));
const SERIES = QUICK ? [250, MAIN_N] : [1_000, 5_000, MAIN_N, 50_000, 100_000];
const BASELINE_SAMPLE = QUICK ? 40 : 200;
const WARM_UP = 20;
// The select the engine asks back after a create (selectColumns of the CUSTOMER mapping).
const RETURN_SELECT = [
  "accountid", "versionnumber", "modifiedon", "name", "_ownerid_value", "address1_line1", "address1_line2", "address1_postalcode", "address1_city",
  "address1_country", "address1_stateorprovince", "_transactioncurrencyid_value", "emailaddress1", "fax", "websiteurl", "telephone1", "creditlimit",
  "_primarycontactid_value", "statecode",
];

type EngineRun = { n: number; seconds: number; recordsPerSecond: number; jobSeconds: number | null; dataverseRequests: number; batchOperations: number; inserted: number; failed: number; rssIdleMiB: number | null; rssPeakMiB: number | null; rssP50MiB: number | null; couplings: number; cpu: RunCpu };

/** CPU seconds used during a run: the worker, the emulator, every PostgreSQL process, and the whole machine. */
type RunCpu = { worker: number | null; emulator: number | null; postgres: number; machineBusy: number; machineCapacity: number };

function cpuMeter(workerPid: number, emulatorPid: number): { stop(): RunCpu } {
  const worker = cpuSeconds(workerPid);
  const emulator = cpuSeconds(emulatorPid);
  const postgres = commandCpuSeconds("postgres");
  const machine = machineCpuSeconds();
  const delta = (before: number | null, now: number | null) => (before === null || now === null ? null : now - before);
  return {
    stop() {
      const after = machineCpuSeconds();
      return {
        worker: delta(worker, cpuSeconds(workerPid)),
        emulator: delta(emulator, cpuSeconds(emulatorPid)),
        postgres: cpuSecondsSince(postgres, commandCpuSeconds("postgres")),
        machineBusy: after.busy - machine.busy,
        machineCapacity: after.total - machine.total,
      };
    },
  };
}

function accountBody(i: number): Record<string, unknown> {
  return {
    name: `Bench Customer ${i + 1}`,
    address1_line1: "Main Street 1",
    address1_line2: null,
    address1_postalcode: null,
    address1_city: "Seattle",
    address1_country: null,
    address1_stateorprovince: null,
    emailaddress1: `customer${i + 1}@bench.example`,
    fax: null,
    websiteurl: null,
    telephone1: `+1 555 ${String(i % 10_000).padStart(4, "0")}`,
    creditlimit: 0,
  };
}

function clientFor(emulator: EmulatorProcess): DataverseClient {
  return new DataverseClient({ baseUrl: emulator.url, tenantId: "emulator", clientId: "emulator", clientSecret: "emulator-secret", authorityHost: emulator.url });
}

async function resetForRun(pool: pg.Pool, emulator: EmulatorProcess): Promise<void> {
  await pool.query(`TRUNCATE "Coupling", "SyncJobError", "SyncRecordLog", "SyncJob", "Contact", "Customer", "ErpDeletion" CASCADE`).catch(async () => {
    await pool.query(`TRUNCATE "Coupling", "SyncJob", "Contact", "Customer", "ErpDeletion" CASCADE`);
  });
  await pool.query(`UPDATE "IntegrationTableMapping" SET "erpWatermark" = 0, "dataverseDeltaLink" = NULL, "dataverseModifiedOnWatermark" = NULL`);
  await emulator.reset();
}

/**
 * The worker registers the console's webhook with the emulator at start (http://127.0.0.1:$PORT, where no console
 * runs during this benchmark — or another program does). The emulator would then POST one webhook per created account
 * from inside its $batch handling, which the ceiling's emulator (reset, no webhooks) never does: the comparison would
 * measure the emulator's webhook fan-out, not the engine. The registration is removed once it is there.
 */
async function dropWorkerWebhooks(emulator: EmulatorProcess): Promise<void> {
  const list = async () => ((await (await fetch(`${emulator.url}/_emulator/webhooks`)).json()) as { value: { id: string }[] }).value;
  const hooks = await waitUntil(async () => {
    const value = await list();
    return value.length > 0 ? value : undefined;
  }, 10_000, "the worker's webhook registration", 50).catch(() => [] as { id: string }[]);
  for (const hook of hooks) await fetch(`${emulator.url}/_emulator/webhooks/${hook.id}`, { method: "DELETE" });
}

async function engineRun(pool: pg.Pool, databaseUrl: string, emulator: EmulatorProcess, mappingId: string, n: number): Promise<EngineRun> {
  await resetForRun(pool, emulator);
  // ERP poll and Dataverse poll off, the mapping paused: nothing starts a run but the job enqueued below.
  const worker = startWorkerProcess(workerEnv(databaseUrl, emulator.url, { ERP_POLL_MS: "0", DATAVERSE_POLL_SECONDS: "0" }));
  try {
    await waitUntil(async () => ((await pool.query(`SELECT 1 FROM "WorkerHeartbeat" WHERE "pid" = $1`, [worker.pid])).rowCount ? true : undefined), 60_000, "the worker start", 100);
    await dropWorkerWebhooks(emulator);
    const { createQueueConnection } = await import("../lib/queue/queue-connection.ts");
    const { enqueueJob } = await import("../lib/queue/enqueue.ts");
    const queue = createQueueConnection({ databaseUrl });
    let finishedJobs = 0;
    const runOnce = async (what: string) => {
      await enqueueJob(queue, "sync-run", { mappingId, trigger: "MANUAL", direction: "TO_INTEGRATION_TABLE" });
      finishedJobs += 1;
      return waitUntil(
        async () => {
          const { rows } = await pool.query(
            `SELECT "status", "inserted", "failed", "dataverseRequests", extract(epoch from ("finishedAt" - "startedAt")) AS seconds
             FROM "SyncJob" WHERE "mappingId" = $1 AND "status" IN ('SUCCEEDED', 'FAILED', 'CANCELLED') ORDER BY "finishedAt" DESC`,
            [mappingId],
          );
          return rows.length >= finishedJobs ? (rows[0] as { status: string; inserted: number; failed: number; dataverseRequests: number; seconds: string | null }) : undefined;
        },
        QUICK ? 60_000 + 5 * n : 900_000,
        what,
        25,
      );
    };
    // A long-running worker is warm: one small run first (query plans, lazily loaded modules, the token), then N.
    await bulkInsertCustomers(pool, WARM_UP, "W");
    await waitForChangeCaptureHorizon(pool);
    await runOnce("the warm-up run");
    await bulkInsertCustomers(pool, n);
    await waitForChangeCaptureHorizon(pool);
    await pool.query("ANALYZE \"Customer\"");
    const rssIdle = rssMiB(worker.pid);
    await emulator.resetStats();
    const sampler = sampleRss(worker.pid);
    const meter = cpuMeter(worker.pid, emulator.child.pid!);
    const started = Date.now();
    let job: Awaited<ReturnType<typeof runOnce>>;
    try {
      job = await runOnce(`the engine run of ${n} records`);
    } finally {
      await queue.close();
    }
    const seconds = (Date.now() - started) / 1000;
    const samples = sampler.stop();
    const cpu = meter.stop();
    const stats = await emulator.stats();
    const couplings = Number((await pool.query(`SELECT count(*) FROM "Coupling" WHERE "state" = 'COUPLED'`)).rows[0].count) - WARM_UP;
    if (job.status !== "SUCCEEDED" || couplings !== n) log(`engine run of ${n}: status ${job.status}, ${couplings} couplings, ${job.failed} failed\n${worker.output().slice(-3000)}`);
    return {
      n,
      seconds,
      recordsPerSecond: n / seconds,
      jobSeconds: job.seconds === null ? null : Number(job.seconds),
      dataverseRequests: stats.total,
      batchOperations: stats.batchOperations,
      inserted: job.inserted,
      failed: job.failed,
      rssIdleMiB: rssIdle,
      rssPeakMiB: samples.length ? Math.max(...samples) : null,
      rssP50MiB: percentile(samples, 50),
      couplings,
      cpu,
    };
  } finally {
    await worker.stop();
  }
}

async function baseline(emulator: EmulatorProcess, sample: number): Promise<{ sample: number; seconds: number; recordsPerSecond: number }> {
  const client = clientFor(emulator);
  const started = Date.now();
  for (let i = 0; i < sample; i += 1) {
    await client.upsert("accounts", randomUUID(), accountBody(i), { returnRepresentation: true, select: RETURN_SELECT });
  }
  const seconds = (Date.now() - started) / 1000;
  return { sample, seconds, recordsPerSecond: sample / seconds };
}

async function ceiling(emulator: EmulatorProcess, n: number): Promise<{ n: number; seconds: number; recordsPerSecond: number; failed: number; requests: number; cpu: RunCpu }> {
  await emulator.reset();
  const client = clientFor(emulator);
  await client.whoAmI().catch(() => undefined);
  const ops = Array.from({ length: n }, (_, i) => upsertOperation("accounts", randomUUID(), accountBody(i), { returnRepresentation: true, select: RETURN_SELECT }));
  await emulator.resetStats();
  const meter = cpuMeter(process.pid, emulator.child.pid!);
  const started = Date.now();
  const results = await client.executeBatch(ops, { continueOnError: true });
  const seconds = (Date.now() - started) / 1000;
  // "worker" is the benchmark process itself here: it plays the client.
  const cpu = meter.stop();
  const stats = await emulator.stats();
  return { n, seconds, recordsPerSecond: n / seconds, failed: results.filter((r) => r.error).length, requests: stats.total, cpu };
}

// The quick run's limits grow with BENCH_N: a quick run at N = 20,000 on a loaded machine needs more than 100 s.
await runBench("full-sync", QUICK ? 100 + Math.ceil(MAIN_N / 50) : 1_500, async () => {
  const db = await createBenchDatabase("p1");
  const emulator = await startEmulatorProcess({ latencyMs: LATENCY_MS });
  await ensureIntegration(db.url, emulator.url);
  await db.pool.query(`UPDATE "IntegrationTableMapping" SET "isEnabled" = (name = 'CUSTOMER')`);
  const { rows } = await db.pool.query(
    `UPDATE "IntegrationTableMapping" SET "syncOnlyCoupledRecords" = false, "status" = 'PAUSED' WHERE name = 'CUSTOMER' RETURNING id`,
  );
  const mappingId = rows[0].id as string;
  log(`N = ${MAIN_N.toLocaleString("en-US")}, latency ${LATENCY_MS} ms per request, series ${SERIES.join(", ")}`);

  const runs: EngineRun[] = [];
  for (const n of SERIES) {
    const run = await engineRun(db.pool, db.url, emulator, mappingId, n);
    log(
      `engine N=${n}: ${run.seconds.toFixed(2)} s, ${fmt(run.recordsPerSecond)} records/s, ${run.dataverseRequests} requests, RSS peak ${fmt(run.rssPeakMiB)} MiB, ` +
        `CPU s: worker ${fmt(run.cpu.worker, 2)}, emulator ${fmt(run.cpu.emulator, 2)}, PostgreSQL ${fmt(run.cpu.postgres, 2)}, machine ${fmt(run.cpu.machineBusy, 2)} of ${fmt(run.cpu.machineCapacity, 2)}`,
    );
    runs.push(run);
  }
  const main = runs.find((r) => r.n === MAIN_N)!;
  const base = await baseline(emulator, BASELINE_SAMPLE);
  log(`baseline: ${base.sample} records in ${base.seconds.toFixed(2)} s`);
  const top = await ceiling(emulator, MAIN_N);
  log(
    `ceiling: ${top.n} records in ${top.seconds.toFixed(2)} s (${top.requests} requests), ` +
      `CPU s: client ${fmt(top.cpu.worker, 2)}, emulator ${fmt(top.cpu.emulator, 2)}, PostgreSQL ${fmt(top.cpu.postgres, 2)}, machine ${fmt(top.cpu.machineBusy, 2)} of ${fmt(top.cpu.machineCapacity, 2)}`,
  );

  const baselineSeconds = MAIN_N / base.recordsPerSecond;
  printTable(`P1 full sync: ${MAIN_N.toLocaleString("en-US")} customers → accounts, ${LATENCY_MS} ms per request`, [
    { method: "(a) engine (worker, end to end)", "records/s": fmt(main.recordsPerSecond), seconds: fmt(main.seconds, 2), requests: main.dataverseRequests, note: `${main.inserted} inserted, ${main.failed} failed` },
    { method: "(b) per-record sequential baseline", "records/s": fmt(base.recordsPerSecond, 1), seconds: fmt(baselineSeconds, 0), requests: MAIN_N, note: `measured on ${base.sample} records, extrapolated to ${MAIN_N.toLocaleString("en-US")}` },
    { method: "(c) $batch ceiling (1,000/batch, 4 in flight)", "records/s": fmt(top.recordsPerSecond), seconds: fmt(top.seconds, 2), requests: top.requests, note: `${top.failed} failed` },
  ]);
  printTable(
    "Scaling (engine) and worker memory (P5)",
    runs.map((r) => ({ N: r.n, "records/s": fmt(r.recordsPerSecond), seconds: fmt(r.seconds, 2), "job s": fmt(r.jobSeconds, 2), requests: r.dataverseRequests, "RSS idle MiB": fmt(r.rssIdleMiB), "RSS p50 MiB": fmt(r.rssP50MiB), "RSS peak MiB": fmt(r.rssPeakMiB) })),
  );
  const vsBaseline = main.recordsPerSecond / base.recordsPerSecond;
  const vsCeiling = main.recordsPerSecond / top.recordsPerSecond;
  const peaks = runs.map((r) => r.rssPeakMiB ?? 0);
  const maxPeak = Math.max(...peaks);
  const smallest = runs[0];
  const largest = runs[runs.length - 1];
  // "Flat": the peak at the largest N is within 25 % (and 60 MiB) of the peak at the smallest N.
  const growth = (largest.rssPeakMiB ?? 0) - (smallest.rssPeakMiB ?? 0);
  const isFlat = growth <= Math.max(60, 0.25 * (smallest.rssPeakMiB ?? 0));
  printGoals([
    { measure: "engine vs per-record baseline", value: `${fmt(vsBaseline, 1)}×`, goal: "≥ 50×", met: vsBaseline >= 50 },
    { measure: "engine vs $batch ceiling", value: `${fmt(vsCeiling, 2)}×`, goal: "≥ 0.5×", met: vsCeiling >= 0.5 },
    { measure: "P5 worker RSS peak (all N)", value: `${fmt(maxPeak)} MiB`, goal: "< 300 MB", met: maxPeak * 1.048576 < 300 },
    { measure: `P5 RSS growth N=${smallest.n}→${largest.n}`, value: `${fmt(growth)} MiB`, goal: "flat", met: isFlat },
  ]);
  writeResult("full-sync", {
    latencyMs: LATENCY_MS,
    n: MAIN_N,
    engine: main,
    baseline: { ...base, extrapolatedSecondsForN: baselineSeconds, note: `measured on ${base.sample} records and extrapolated to N` },
    ceiling: top,
    ratios: { engineVsBaseline: round(vsBaseline, 1), engineVsCeiling: round(vsCeiling, 3) },
    scaling: runs,
    memory: { peakMiB: round(maxPeak, 1), growthMiB: round(growth, 1), isFlat },
  });
});
