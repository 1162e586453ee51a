import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { randomUUID } from "node:crypto";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { enqueueJob } from "../../lib/queue/enqueue.ts";
import { getHealth } from "../../lib/queue/health.ts";
import { createQueueConnection, type QueueConnection } from "../../lib/queue/queue-connection.ts";
import { testDb } from "../support/test-db.ts";

// `npm run worker` as a real child process on the run's database (PostgreSQL queue backend): heartbeat, a job
// through it, graceful SIGTERM while a job is running.

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const logger = pino({ level: "silent" });

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("worker process", () => {
  const db = testDb();
  let queue: QueueConnection;
  let child: ChildProcess | undefined;
  let output = "";
  let exited: Promise<number | null>;
  let workerId: string;

  beforeAll(async () => {
    queue = createQueueConnection({ databaseUrl: inject("databaseUrl"), logger });
    const before = new Set((await db.workerHeartbeat.findMany({ select: { id: true } })).map((r) => r.id));
    // node --import tsx, so a SIGKILL in the cleanup reaches the worker itself (the tsx CLI would leave it orphaned).
    child = spawn(process.execPath, ["--import", "tsx", "workers/main.ts"], {
      cwd: repoRoot,
      env: { ...process.env, DATABASE_URL: inject("databaseUrl"), REDIS_URL: "", LOG_LEVEL: "info" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    exited = new Promise((resolve) => child!.once("exit", (code) => resolve(code)));
    const row = await until("the worker's heartbeat", async () => {
      if (child?.exitCode !== null) throw new Error(`The worker exited early:\n${output}`);
      const rows = await db.workerHeartbeat.findMany();
      return rows.find((r) => !before.has(r.id));
    });
    workerId = row.id;
  });

  afterAll(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill("SIGKILL");
      await exited;
    }
    await db.workerHeartbeat.deleteMany({ where: { id: workerId ?? "" } });
    await queue?.close();
  });

  it("writes a heartbeat that the health report shows as alive", async () => {
    const row = await db.workerHeartbeat.findUniqueOrThrow({ where: { id: workerId } });
    expect(row.queueBackend).toBe("postgres");
    const report = await getHealth({ db, queue });
    expect(report.status).toBe("ok");
    expect(report.queue).toEqual({ backend: "postgres", ok: true });
    expect(report.workers).toContainEqual(expect.objectContaining({ id: workerId, alive: true }));
  });

  it("runs a ping job and counts it in its next heartbeat", async () => {
    const echo = randomUUID();
    const { id } = await enqueueJob(queue, "ping", { echo });
    const job = await until("the ping job to finish", async () => {
      const state = await queue.queue("maintenance").getJobState(id);
      return state === "completed" || state === "failed" ? queue.queue("maintenance").getJob(id) : undefined;
    });
    expect(job?.returnvalue).toMatchObject({ pong: true, echo, workerId });
    const beat = await until("a heartbeat counting the job", async () => {
      const row = await db.workerHeartbeat.findUnique({ where: { id: workerId } });
      return row && row.jobsProcessed >= 1 ? row : undefined;
    }, 15_000);
    expect(beat.lastSeenAt.getTime()).toBeGreaterThan(beat.startedAt.getTime());
  });

  it("on SIGTERM finishes the running job, removes its heartbeat and exits 0", async () => {
    const { id } = await enqueueJob(queue, "ping", { echo: "in flight", workMs: 2_000 });
    await until("the job to be active", async () =>
      (await queue.queue("maintenance").getJobState(id)) === "active" ? true : undefined,
    );
    child!.kill("SIGTERM");
    const code = await exited;
    expect(code, output).toBe(0);
    expect(await queue.queue("maintenance").getJobState(id)).toBe("completed");
    expect(await db.workerHeartbeat.findUnique({ where: { id: workerId } })).toBeNull();
    expect(output).toContain('"outcome":"drained"');

    const report = await getHealth({ db, queue });
    expect(report.workers.some((w) => w.id === workerId && w.alive)).toBe(false);
    expect(report.status).toBe("degraded");
  });
});
