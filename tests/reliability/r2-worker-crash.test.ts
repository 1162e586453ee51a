import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { enqueueJob } from "../../lib/queue/enqueue.ts";
import { createQueueConnection, type QueueConnection } from "../../lib/queue/queue-connection.ts";
import { recoverStaleRuns, STALE_JOB_MS } from "../../lib/integration/run-lease.ts";
import { ROOT } from "./app-surface.ts";
import { allAccounts, isLong, mappingIdOf, setEmulatorConfig, startReliabilityEnv, until, useConnection, type ReliabilityEnv } from "./reliability-fixtures.ts";

// R2 crash (issue 6): a full synchronization of N customers runs in a real worker process (`workers/main.ts`, BullMQ
// on the PostgreSQL backend, the emulator over HTTP with 300–500 ms latency); the worker is SIGKILLed at random
// moments — a random instant after its creates became pending (account ids recorded, the $batch about to go out or in
// flight), or a random instant after it took the job — and restarted each time. After the last restart the full
// synchronization finishes: exactly N accounts, N couplings, no duplicates.
// Counts: N = 500 and 3 kills in `npm test`; N = 5,000 and 10 kills with --long.
//
// Recovery as in production, sooner: the worker holds its jobs with a 3 s lock (WORKER_LOCK_SECONDS), so the
// restarted worker takes the killed job back within seconds (BullMQ's stall check); a job killed twice is failed by
// BullMQ, and then — like an operator — the test starts the full synchronization again, as it does when the killed
// one had finished before the kill. The dead worker's run lease and job rows would be freed by the sweeper after
// STALE_JOB_MS (120 s): the test runs recoverStaleRuns with the clock that far ahead.

const N = isLong ? 5_000 : 500;
const KILLS = isLong ? 10 : 3;
const logger = pino({ level: "silent" });

let env: ReliabilityEnv;
let queue: QueueConnection;
let worker: { child: ChildProcess; exited: Promise<unknown>; output: string[] } | null = null;

beforeAll(async () => {
  env = await startReliabilityEnv();
  await useConnection(env.db, env.emulator.url);
  // Only the full synchronization creates accounts: change-triggered runs synchronize coupled records only.
  await env.db.integrationTableMapping.update({ where: { name: "CUSTOMER" }, data: { syncOnlyCoupledRecords: true } });
  queue = createQueueConnection({ databaseUrl: inject("databaseUrl"), logger });
  // Network-like latency, so a run spans seconds and the kills land in the middle of it.
  await setEmulatorConfig(env.emulator, { latencyMs: 300, jitterMs: 200 });
});

afterAll(async () => {
  await stopWorker("SIGKILL");
  await queue?.close();
  await env?.close();
});

function startWorker(): void {
  // The worker itself, not the tsx CLI: the CLI runs the script in a child process, which a SIGKILL of the CLI would
  // leave running (orphaned) — the kill would not be a crash at all.
  const child = spawn(process.execPath, ["--import", "tsx", "workers/main.ts"], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: inject("databaseUrl"), REDIS_URL: "", LOG_LEVEL: "warn", ERP_POLL_MS: "1000", DATAVERSE_POLL_SECONDS: "0", WORKER_LOCK_SECONDS: "3" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output: string[] = [];
  child.stdout?.on("data", (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => output.push(chunk.toString()));
  worker = { child, output, exited: new Promise((resolve) => child.once("exit", resolve)) };
}

async function stopWorker(signal: NodeJS.Signals): Promise<void> {
  if (!worker) return;
  const { child, exited } = worker;
  if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  await exited;
  worker = null;
}

async function accountCount(): Promise<number> {
  return env.client.count("accounts");
}

async function couplingCount(): Promise<number> {
  return env.db.coupling.count({ where: { erpTable: "CUSTOMER" } });
}

/** Couplings whose Dataverse create is pending; with `since`, only those recorded since then (by the live worker). */
async function pendingCount(since?: Date): Promise<number> {
  return env.db.coupling.count({ where: { erpTable: "CUSTOMER", state: { not: "COUPLED" }, ...(since ? { createdAt: { gte: since } } : {}) } });
}

/** A full synchronization of CUSTOMER being worked on by a live worker: its job row RUNNING (rows a killed worker left
 * RUNNING are marked failed by recoverStaleRuns after each kill). Whether it is the job the test enqueued last or an
 * earlier one BullMQ re-delivered after its stall check does not matter: either does the same work. */
async function fullSyncRunning(): Promise<boolean> {
  return (await env.db.syncJob.count({ where: { trigger: "FULL_SYNC", status: "RUNNING", mapping: { name: "CUSTOMER" } } })) > 0;
}

async function enqueueFullSync(): Promise<string> {
  const { id } = await enqueueJob(queue, "full-sync", { mappingIds: [await mappingIdOf(env.db, "CUSTOMER")] });
  return id;
}

async function jobState(id: string): Promise<string> {
  return queue.queue("full-sync").getJobState(id);
}

describe("R2 worker killed during a full synchronization", () => {
  it(`${N} customers, ${KILLS} SIGKILLs at random moments, restarts: exactly ${N} accounts and couplings, no duplicates`, async () => {
    const { db } = env;
    const word = `K${Date.now().toString(36)}`;
    await db.customer.createMany({ data: Array.from({ length: N }, (_, i) => ({ no: `${word}${i}`, name: `${word} customer ${i}`, city: "Crash" })) });

    let jobId = await enqueueFullSync();
    // The state of the test's full synchronization. One BullMQ failed for having been killed twice is started again,
    // as an operator would; any other failure ends the test.
    const fullSyncState = async (): Promise<string> => {
      const state = await jobState(jobId);
      if (state !== "failed") return state;
      const reason = (await queue.queue("full-sync").getJob(jobId))?.failedReason ?? "";
      if (!/stalled more than/i.test(reason)) throw new Error(`the full synchronization failed: ${reason}\n${worker?.output.join("")}`);
      jobId = await enqueueFullSync();
      return "waiting";
    };
    const moments: string[] = [];
    let killedMidway = 0;
    for (let kill = 1; kill <= KILLS; kill += 1) {
      const startedAt = new Date();
      startWorker();
      // Where to kill, observed in PostgreSQL (the emulator's injected latency would make polling it too coarse):
      // the first kill, and then one in three, while this worker's creates are pending (couplings recorded with their
      // account id, the $batch about to go out or in flight); otherwise at a random instant after it took a job.
      const mode = kill === 1 || Math.random() < 1 / 3 ? "pending" : "instant";
      if (mode === "pending") {
        await until("creates to be pending", async () => ((await fullSyncRunning()) && (await pendingCount(startedAt)) > 0) || (await fullSyncState()) === "completed", 300_000, 5);
        const delay = Math.floor(Math.random() * 400);
        await new Promise((r) => setTimeout(r, delay));
        moments.push(`${delay} ms after creates became pending,`);
      } else {
        await until("the worker to take a full synchronization", async () => (await fullSyncRunning()) || (await fullSyncState()) === "completed", 120_000, 20);
        // Anywhere in a run: matching and creating 5,000 records at this latency takes tens of seconds, 500 a few.
        const delay = Math.floor(Math.random() * (isLong ? 20_000 : 4_000));
        await new Promise((r) => setTimeout(r, delay));
        moments.push(`${delay} ms after taking the job,`);
      }
      await stopWorker("SIGKILL");
      const accounts = await accountCount();
      const couplings = await couplingCount();
      const pending = await pendingCount();
      if (accounts < N || couplings < N || pending > 0) killedMidway += 1;
      moments.push(`at ${accounts} accounts, ${couplings} couplings (${pending} pending) of ${N}`);
      // What the sweeper does once the dead worker's lease has expired.
      await recoverStaleRuns(db, new Date(Date.now() + STALE_JOB_MS + 1_000));
      // A killed job (active, its lock running out) goes back to the queue by itself; a finished one is started again,
      // so that every kill lands in a full synchronization's work.
      if ((await fullSyncState()) === "completed") jobId = await enqueueFullSync();
    }

    startWorker();
    await until("the last full synchronization to complete", async () => (await fullSyncState()) === "completed", 600_000, 200);
    await until("no full synchronization to be left in the queue", async () => {
      const counts = await queue.queue("full-sync").getJobCounts("active", "waiting", "delayed", "prioritized");
      return Object.values(counts).every((n) => n === 0);
    }, 600_000, 500);
    await stopWorker("SIGTERM");
    console.log(`R2: killed ${moments.join("; ")}`);
    // The kills must have hit the creation phase, or this test would prove nothing about duplicates.
    expect(killedMidway).toBeGreaterThan(0);

    const customers = await db.customer.findMany({ where: { no: { startsWith: word } }, select: { id: true, name: true } });
    const accounts = (await allAccounts(env.client)).filter((a) => String(a.name).startsWith(`${word} `));
    const couplings = await db.coupling.findMany({ where: { erpTable: "CUSTOMER" } });
    expect(customers).toHaveLength(N);
    expect(accounts).toHaveLength(N);
    expect(new Set(accounts.map((a) => a.name)).size).toBe(N);
    expect(couplings).toHaveLength(N);
    expect(couplings.filter((c) => c.state !== "COUPLED")).toEqual([]);
    const nameByCustomer = new Map(customers.map((c) => [c.id, c.name]));
    const nameByAccount = new Map(accounts.map((a) => [String(a.accountid).toLowerCase(), a.name]));
    for (const c of couplings) expect(nameByAccount.get(c.dataverseId.toLowerCase())).toBe(nameByCustomer.get(c.erpId));
  });
});
