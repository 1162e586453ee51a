import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { encryptSecret, EMULATOR_CLIENT_ID, EMULATOR_CLIENT_SECRET, EMULATOR_TENANT_ID } from "../../lib/integration/dataverse-connection.ts";
import { enqueueJob } from "../../lib/queue/enqueue.ts";
import { removeMappingSchedule } from "../../lib/queue/job-schedules.ts";
import { createQueueConnection, type QueueConnection } from "../../lib/queue/queue-connection.ts";
import { mappingId, setPolicy, startEngineEnv, uniqueNo, type EngineEnv } from "./engine-fixtures.ts";

// "Two workers never run the same mapping at once", across processes: two `workers/main.ts` processes on the same
// database and queue (PostgreSQL backend), both given runs of the same mapping — several sync-run jobs at once, plus
// what their own ERP change polls, Dataverse delta polls and schedules start — while customers keep being created.
// From the job log: no two runs of the mapping overlap in time, both workers ran some; in the emulator: every
// customer has exactly one account.

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const logger = pino({ level: "silent" });
const WAVES = 3;
const RUNS_PER_WAVE = 4;
const PER_WAVE = 15;

type WorkerProcess = { child: ChildProcess; output: string[]; exited: Promise<unknown> };

let env: EngineEnv;
let queue: QueueConnection;
let connectionId: string | null = null;
let disabled: string[] = [];
const workers: WorkerProcess[] = [];

function startWorker(): WorkerProcess {
  // The worker itself (node --import tsx), not the tsx CLI, so a kill in the cleanup reaches it.
  const child = spawn(process.execPath, ["--import", "tsx", "workers/main.ts"], {
    cwd: repoRoot,
    env: { ...process.env, DATABASE_URL: inject("databaseUrl"), REDIS_URL: "", LOG_LEVEL: "warn", ERP_POLL_MS: "200", DATAVERSE_POLL_SECONDS: "1", WORKER_CONCURRENCY: "2" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output: string[] = [];
  child.stdout?.on("data", (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => output.push(chunk.toString()));
  const worker = { child, output, exited: new Promise((resolve) => child.once("exit", resolve)) };
  workers.push(worker);
  return worker;
}

async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 60_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== null && value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}\n${workers.map((w) => w.output.join("")).join("\n---\n")}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

beforeAll(async () => {
  env = await startEngineEnv();
  const { db } = env;
  // Network-like latency, so that runs take long enough for the other worker's attempts to collide with them.
  await fetch(`${env.emulator.url}/_emulator/config`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ latencyMs: 20, jitterMs: 20 }) });
  await setPolicy(db, "CUSTOMER", { syncOnlyCoupledRecords: false, deletionConflictResolution: "NONE", updateConflictResolution: "NONE" });
  // Only CUSTOMER runs: the workers' polls and schedules would start runs of every enabled mapping.
  disabled = (await db.integrationTableMapping.findMany({ where: { name: { not: "CUSTOMER" }, isEnabled: true }, select: { id: true } })).map((m) => m.id);
  await db.integrationTableMapping.updateMany({ where: { id: { in: disabled } }, data: { isEnabled: false } });
  await db.dataverseConnection.deleteMany({});
  // No webhook secret: the workers register no webhook (no console listens in this test).
  const connection = await db.dataverseConnection.create({
    data: { environmentUrl: env.emulator.url, tenantId: EMULATOR_TENANT_ID, clientId: EMULATOR_CLIENT_ID, clientSecretEnc: encryptSecret(EMULATOR_CLIENT_SECRET), isEnabled: true, isEmulator: true },
  });
  connectionId = connection.id;
  queue = createQueueConnection({ databaseUrl: inject("databaseUrl"), logger });
});

afterAll(async () => {
  for (const w of workers) {
    if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill("SIGKILL");
    await w.exited;
  }
  if (env) {
    const { db } = env;
    for (const m of await db.integrationTableMapping.findMany({ select: { id: true } })) await removeMappingSchedule(queue, m.id).catch(() => undefined);
    await db.integrationTableMapping.updateMany({ where: { id: { in: disabled } }, data: { isEnabled: true } });
    await setPolicy(db, "CUSTOMER", { syncOnlyCoupledRecords: true });
    if (connectionId) await db.dataverseConnection.deleteMany({ where: { id: connectionId } });
  }
  await queue?.close();
  await env?.emulator.close();
});

describe("two worker processes, one mapping", () => {
  it("runs of the mapping never overlap, both workers take part, and no account is created twice", async () => {
    const { db, client } = env;
    const id = await mappingId(db, "CUSTOMER");
    const word = uniqueNo("TW");
    const before = new Set((await db.workerHeartbeat.findMany({ select: { id: true } })).map((r) => r.id));
    startWorker();
    startWorker();
    const workerIds = await until("both workers' heartbeats", async () => {
      for (const w of workers) if (w.child.exitCode !== null) throw new Error(`a worker exited early:\n${w.output.join("")}`);
      const rows = (await db.workerHeartbeat.findMany({ select: { id: true } })).filter((r) => !before.has(r.id));
      return rows.length === 2 ? rows.map((r) => r.id) : null;
    });

    // Both workers are handed runs of the same mapping at once (no de-duplication), while customers keep coming.
    const started = new Date();
    const queued: string[] = [];
    for (let wave = 0; wave < WAVES; wave += 1) {
      await db.customer.createMany({ data: Array.from({ length: PER_WAVE }, (_, i) => ({ no: `${word}W${wave}N${i}`, name: `${word} customer ${wave}.${i}` })) });
      for (let i = 0; i < RUNS_PER_WAVE; i += 1) queued.push((await enqueueJob(queue, "sync-run", { mappingId: id, trigger: "MANUAL" })).id);
      await new Promise((r) => setTimeout(r, 300));
    }
    await until("every queued run to finish", async () => {
      const states = await Promise.all(queued.map((q) => queue.queue("sync-run").getJobState(q)));
      if (states.includes("failed")) throw new Error(`a run failed:\n${workers.map((w) => w.output.join("")).join("\n---\n")}`);
      return states.every((s) => s === "completed");
    }, 120_000, 200);
    const total = WAVES * PER_WAVE;
    await until("every customer coupled", async () => (await db.coupling.count({ where: { mappingId: id, state: "COUPLED" } })) === total, 60_000, 200);
    // Let the polls' and schedules' runs in flight end, then stop both workers.
    await until("no run in progress", async () => (await db.syncJob.count({ where: { mappingId: id, status: "RUNNING" } })) === 0, 30_000, 100);
    for (const w of workers) w.child.kill("SIGTERM");
    for (const w of workers) expect(await w.exited, w.output.join("")).toBe(0);

    const rows = await db.syncJob.findMany({ where: { mappingId: id, type: "SYNCHRONIZATION", startedAt: { gte: started } }, orderBy: { startedAt: "asc" } });
    expect(rows.filter((r) => r.status !== "SUCCEEDED").map((r) => `${r.status}: ${r.message}`)).toEqual([]);
    // A run's passes carry its lease owner, `run:<worker id>:<run id>`.
    const runs = new Map<string, { worker: string; trigger: string; start: number; end: number; passes: number }>();
    for (const r of rows) {
      const worker = workerIds.find((w) => r.workerId?.startsWith(`run:${w}:`));
      expect(worker, `job ${r.id} was run by ${r.workerId}`).toBeDefined();
      const run = runs.get(r.workerId!) ?? { worker: worker!, trigger: r.trigger, start: r.startedAt!.getTime(), end: r.finishedAt!.getTime(), passes: 0 };
      run.start = Math.min(run.start, r.startedAt!.getTime());
      run.end = Math.max(run.end, r.finishedAt!.getTime());
      run.passes += 1;
      runs.set(r.workerId!, run);
    }
    const ordered = [...runs.values()].sort((a, b) => a.start - b.start);
    // Each queued job is one run (To and From pass); the workers' own triggers added more.
    expect(ordered.filter((r) => r.trigger === "MANUAL")).toHaveLength(WAVES * RUNS_PER_WAVE);
    for (const run of ordered) expect(run.passes).toBeLessThanOrEqual(2);
    for (let i = 1; i < ordered.length; i += 1) {
      expect(ordered[i].start, `run ${i} started before run ${i - 1} finished`).toBeGreaterThanOrEqual(ordered[i - 1].end);
    }
    expect(new Set(ordered.map((r) => r.worker))).toEqual(new Set(workerIds));

    // Nothing duplicated: one account per customer, one coupling each, pointing at the account of the same name.
    const customers = await db.customer.findMany({ where: { no: { startsWith: word } }, select: { id: true, name: true } });
    const accounts = (await client.queryAll("accounts", { select: ["accountid", "name"] })).filter((a) => String(a.name).startsWith(`${word} `));
    expect(customers).toHaveLength(total);
    expect(accounts).toHaveLength(total);
    expect(new Set(accounts.map((a) => a.name)).size).toBe(total);
    const couplings = await db.coupling.findMany({ where: { mappingId: id } });
    expect(couplings).toHaveLength(total);
    const accountName = new Map(accounts.map((a) => [String(a.accountid).toLowerCase(), a.name]));
    const customerName = new Map(customers.map((c) => [c.id, c.name]));
    for (const c of couplings) expect(accountName.get(c.dataverseId.toLowerCase())).toBe(customerName.get(c.erpId));
  });
});
