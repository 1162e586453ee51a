import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { enqueueJob } from "../../lib/queue/enqueue.ts";
import { createQueueConnection, type QueueConnection } from "../../lib/queue/queue-connection.ts";
import { LEASE_TTL_MS, recoverStaleRuns } from "../../lib/integration/run-lease.ts";
import { ROOT } from "./app-surface.ts";
import { allAccounts, isLong, mappingIdOf, setEmulatorConfig, startReliabilityEnv, until, useConnection, type ReliabilityEnv } from "./reliability-fixtures.ts";

// R2 crash (issue 6): a full synchronization of N customers runs in a real worker process (`workers/main.ts`, BullMQ
// on the PostgreSQL backend, the emulator over HTTP with 300–500 ms latency); the worker is SIGKILLed at random
// moments — a random instant after creates became pending (account ids recorded, the $batch about to go out or in
// flight), or a random instant after it took the job — and restarted each time. After the last restart the full synchronization finishes: exactly N accounts, N couplings, no duplicates.
// Counts: N = 500 and 3 kills in `npm test`; N = 5,000 and 10 kills with --long.
//
// Recovery without waiting for wall-clock timeouts: a killed worker's run lease would expire after LEASE_TTL_MS (60 s)
// and its BullMQ job be found stalled after the lock duration (30 s). The test does what the sweeper does after that
// time — recoverStaleRuns with the clock LEASE_TTL_MS ahead — and, like an operator, starts the full synchronization
// again when the killed one had not finished. The killed job may still be re-delivered by BullMQ later: one more run
// of the same idempotent work, which must not create anything twice either.

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
    env: { ...process.env, DATABASE_URL: inject("databaseUrl"), REDIS_URL: "", LOG_LEVEL: "warn", ERP_POLL_MS: "1000", DATAVERSE_POLL_SECONDS: "0" },
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

async function pendingCount(): Promise<number> {
  return env.db.coupling.count({ where: { erpTable: "CUSTOMER", state: { not: "COUPLED" } } });
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
    const moments: string[] = [];
    let killedMidway = 0;
    for (let kill = 1; kill <= KILLS; kill += 1) {
      startWorker();
      // Where to kill, observed in PostgreSQL (the emulator's injected latency would make polling it too coarse):
      // the first kill, and then one in three, while creates are pending (couplings recorded with their account id,
      // the $batch about to go out or in flight); otherwise at a random instant after the worker took the job.
      const mode = kill === 1 || Math.random() < 1 / 3 ? "pending" : "instant";
      if (mode === "pending") {
        await until("creates to be pending", async () => (await pendingCount()) > 0 || (await jobState(jobId)) === "completed", 300_000, 5);
        const delay = Math.floor(Math.random() * 400);
        await new Promise((r) => setTimeout(r, delay));
        moments.push(`${delay} ms after creates became pending,`);
      } else {
        await until("the worker to take the full synchronization", async () => (await jobState(jobId)) === "active", 60_000, 20);
        const delay = Math.floor(Math.random() * 4_000);
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
      await recoverStaleRuns(db, new Date(Date.now() + LEASE_TTL_MS + 1_000));
      if ((await jobState(jobId)) !== "completed") jobId = await enqueueFullSync();
    }

    startWorker();
    await until("the last full synchronization to complete", async () => {
      const state = await jobState(jobId);
      if (state === "failed") throw new Error(`the full synchronization failed:\n${worker?.output.join("")}`);
      return state === "completed";
    }, 600_000, 200);
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
