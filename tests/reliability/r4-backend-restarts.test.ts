import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "../../lib/db/db-client.ts";
import { LEASE_TTL_MS, MappingBusyError, recoverStaleRuns } from "../../lib/integration/run-lease.ts";
import { enqueueJob } from "../../lib/queue/enqueue.ts";
import { createQueueConnection, type QueueConnection } from "../../lib/queue/queue-connection.ts";
import { findFreePort, startEmbeddedPostgres, type EmbeddedDatabase } from "../../scripts/launch-support.ts";
import { applyMigrations } from "../../scripts/migrate-engine.ts";
import { startWorkerRuntime, type WorkerRuntime } from "../../workers/worker-runtime.ts";
import { testDb } from "../support/test-db.ts";
import { allAccounts, isLong, mappingIdOf, setEmulatorConfig, startReliabilityEnv, syncCustomers, until, useConnection, waitForChangeCaptureHorizon, type ReliabilityEnv } from "./reliability-fixtures.ts";

// R4 backend restarts (issue 6): PostgreSQL restarted in the middle of a sync run, and Redis (the BullMQ backend when
// REDIS_URL is set) restarted while a sync-run job is being processed. The run fails or finishes; either way it is
// retried — by the test like the queue would, after the lease expired — and no change is lost: every edit and every
// new record made before the restart is in Dataverse afterwards, exactly once.
// PostgreSQL is a dedicated embedded server (scripts/launch-support.ts) on a free port in a temp dir, and Redis a
// private redis-server with an append-only file — both stopped and started by the test, never the machine's servers.
// Counts: 200 customers, 2 PostgreSQL restarts and 1 Redis restart in `npm test`; 2,000, 5 and 3 with --long.

const N = isLong ? 2_000 : 200;
const PG_RESTARTS = isLong ? 5 : 2;
const REDIS_RESTARTS = isLong ? 3 : 1;
const logger = pino({ level: "silent" });

describe("R4 PostgreSQL restarted during a run", () => {
  let dir: string;
  let port: number;
  let server: EmbeddedDatabase | null = null;
  let db: Db;
  let env: ReliabilityEnv;

  const startServer = async () => {
    server = await startEmbeddedPostgres({ dir: path.join(dir, "data"), port, password: "r4", database: "r4" });
    return server;
  };

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "cc-r4-pg-"));
    fs.chmodSync(dir, 0o755);
    port = await findFreePort();
    const started = await startServer();
    await applyMigrations(started.url);
    db = createDb(started.url, { max: 5 });
    env = await startReliabilityEnv({ db });
    await setEmulatorConfig(env.emulator, { latencyMs: 40, jitterMs: 40 });
  });

  afterAll(async () => {
    await db?.$disconnect().catch(() => undefined);
    await env?.close();
    await server?.stop().catch(() => undefined);
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Runs until a run succeeds; a lease left by a run that died with the database is released as the sweeper would. */
  async function runUntilSucceeded(): Promise<void> {
    for (let attempt = 1; attempt <= 10; attempt += 1) {
      try {
        await waitForChangeCaptureHorizon(db);
        // A run that died with the database may have left its lease behind (its release failed): do not wait for it,
        // release it like the sweeper does once it has expired.
        const result = await syncCustomers(db, env.client, { trigger: "SCHEDULE" }, 500);
        if (result.jobs.length > 0 && result.jobs.every((j) => j.status === "SUCCEEDED" && j.counters.failed === 0 && !(j.message ?? "").includes("retried by the next run"))) return;
        // No job: a run recorded as failed made the schedule back off (lib/integration/run-backoff.ts); its wait of a
        // minute or more passes here at once.
        if (result.jobs.length === 0) await db.$executeRaw`UPDATE "IntegrationTableMapping" SET "nextAttemptAt" = NULL WHERE "name" = 'CUSTOMER'`;
      } catch (error) {
        if (error instanceof MappingBusyError) await recoverStaleRuns(db, new Date(Date.now() + LEASE_TTL_MS + 1_000));
      }
      await new Promise((r) => setTimeout(r, 300));
    }
    throw new Error("no run succeeded after the restarts");
  }

  it(`${N} customers created and edited, PostgreSQL restarted ${PG_RESTARTS}× during the runs: every change arrives exactly once`, async () => {
    const word = `P${Date.now().toString(36)}`;
    await db.customer.createMany({ data: Array.from({ length: N }, (_, i) => ({ no: `${word}${i}`, name: `${word} customer ${i}`, city: "Created" })) });
    await runUntilSucceeded();
    for (let restart = 1; restart <= PG_RESTARTS; restart += 1) {
      // A round of changes: every customer edited, some new ones.
      await db.customer.updateMany({ where: { no: { startsWith: word } }, data: { city: `Round ${restart}` } });
      await db.customer.createMany({ data: Array.from({ length: 20 }, (_, i) => ({ no: `${word}R${restart}N${i}`, name: `${word} new ${restart}.${i}`, city: `Round ${restart}` })) });
      await waitForChangeCaptureHorizon(db);
      const run = syncCustomers(db, env.client, { trigger: "SCHEDULE" }).then(
        (result) => `finished (${result.jobs.map((j) => `${j.direction} ${j.status}`).join(", ")})`,
        (error: unknown) => `failed (${(error as Error).name}: ${(error as Error).message.trim().split("\n")[0].slice(0, 160)})`,
      );
      await new Promise((r) => setTimeout(r, 100 + Math.floor(Math.random() * 600)));
      await server!.stop();
      await new Promise((r) => setTimeout(r, 500));
      await startServer();
      console.log(`R4 PostgreSQL restart ${restart}: the run ${await run}`);
      await runUntilSucceeded();
    }

    const customers = await db.customer.findMany({ where: { no: { startsWith: word } } });
    const accounts = (await allAccounts(env.client)).filter((a) => String(a.name).startsWith(`${word} `));
    const couplings = await db.coupling.findMany({ where: { erpTable: "CUSTOMER" } });
    expect(customers).toHaveLength(N + 20 * PG_RESTARTS);
    expect(accounts).toHaveLength(customers.length);
    expect(new Set(accounts.map((a) => a.name)).size).toBe(accounts.length);
    expect(couplings).toHaveLength(customers.length);
    const accountById = new Map(accounts.map((a) => [String(a.accountid).toLowerCase(), a]));
    const customerById = new Map(customers.map((c) => [c.id, c]));
    for (const c of couplings) {
      expect(c.state).toBe("COUPLED");
      const account = accountById.get(c.dataverseId.toLowerCase());
      const customer = customerById.get(c.erpId);
      expect(account?.name).toBe(customer?.name);
      expect(account?.address1_city).toBe(`Round ${PG_RESTARTS}`);
    }
  });
});

describe("R4 Redis restarted while a sync-run job is processed (BullMQ on Redis)", () => {
  let dir: string;
  let port: number;
  let redis: { child: ChildProcess; exited: Promise<unknown> } | null = null;
  let queue: QueueConnection;
  let runtime: WorkerRuntime;
  let env: ReliabilityEnv;

  const startRedis = async () => {
    const child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--appendonly", "yes", "--appendfsync", "always", "--save", ""], { stdio: "ignore" });
    redis = { child, exited: new Promise((resolve) => child.once("exit", resolve)) };
    await until("redis-server to answer", async () => {
      const probe = createQueueConnection({ redisUrl: `redis://127.0.0.1:${port}`, logger, namespace: "probe" });
      try {
        return await probe.ping(500);
      } finally {
        await probe.close().catch(() => undefined);
      }
    }, 15_000, 100);
  };

  const stopRedis = async () => {
    if (!redis) return;
    redis.child.kill("SIGTERM");
    await redis.exited;
    redis = null;
  };

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "cc-r4-redis-"));
    port = await findFreePort();
    await startRedis();
    env = await startReliabilityEnv({ db: testDb() });
    await useConnection(env.db, env.emulator.url);
    await setEmulatorConfig(env.emulator, { latencyMs: 40, jitterMs: 40 });
    queue = createQueueConnection({ redisUrl: `redis://127.0.0.1:${port}`, logger, namespace: "r4" });
    runtime = await startWorkerRuntime({ queue, db: env.db, log: logger, queues: ["sync-run"], heartbeatIntervalMs: 60_000 });
  });

  afterAll(async () => {
    await runtime?.stop(10_000).catch(() => undefined);
    await queue?.close().catch(() => undefined);
    await env?.close();
    await stopRedis();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it(`jobs enqueued before and during ${REDIS_RESTARTS} Redis restart(s) all complete, and every change arrives exactly once`, async () => {
    const { db } = env;
    const mappingId = await mappingIdOf(db, "CUSTOMER");
    const word = `Q${Date.now().toString(36)}`;
    await db.customer.createMany({ data: Array.from({ length: N }, (_, i) => ({ no: `${word}${i}`, name: `${word} customer ${i}`, city: "Created" })) });
    await waitForChangeCaptureHorizon(db);
    const jobIds: string[] = [];
    for (let restart = 1; restart <= REDIS_RESTARTS; restart += 1) {
      jobIds.push((await enqueueJob(queue, "sync-run", { mappingId, trigger: "MANUAL" })).id);
      await until("the job to be taken", async () => ["active", "completed"].includes(await queue.queue("sync-run").getJobState(jobIds.at(-1)!)), 30_000, 20);
      await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 300)));
      await stopRedis();
      // Changes made while Redis is down still land in PostgreSQL; the next run takes them.
      await db.customer.updateMany({ where: { no: { startsWith: word } }, data: { city: `Redis round ${restart}` } });
      await new Promise((r) => setTimeout(r, 500));
      await startRedis();
    }
    await waitForChangeCaptureHorizon(db);
    jobIds.push((await enqueueJob(queue, "sync-run", { mappingId, trigger: "MANUAL" })).id);
    for (const id of jobIds) {
      await until(`sync-run job ${id} to complete`, async () => {
        const state = await queue.queue("sync-run").getJobState(id);
        if (state === "failed") throw new Error(`job ${id} failed: ${(await queue.queue("sync-run").getJob(id))?.failedReason}`);
        return state === "completed";
      }, 240_000, 200);
    }

    const customers = await db.customer.findMany({ where: { no: { startsWith: word } } });
    const accounts = (await allAccounts(env.client)).filter((a) => String(a.name).startsWith(`${word} `));
    const couplings = await db.coupling.findMany({ where: { erpTable: "CUSTOMER", erpId: { in: customers.map((c) => c.id) } } });
    expect(accounts).toHaveLength(N);
    expect(new Set(accounts.map((a) => a.name)).size).toBe(N);
    expect(couplings).toHaveLength(N);
    for (const a of accounts) expect(a.address1_city).toBe(`Redis round ${REDIS_RESTARTS}`);
  });
});
