import net from "node:net";
import { randomUUID } from "node:crypto";
import pg from "pg";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { enqueueJob } from "../../lib/queue/enqueue.ts";
import { JobPayloadError } from "../../lib/queue/job-payloads.ts";
import { mappingScheduleId, removeMappingSchedule, upsertMappingSchedule } from "../../lib/queue/job-schedules.ts";
import { queueNames, type QueueName } from "../../lib/queue/queue-config.ts";
import { createQueueConnection, type QueueConnection } from "../../lib/queue/queue-connection.ts";
import { startWorkerRuntime, type WorkerRuntime } from "../../workers/worker-runtime.ts";
import { testDb } from "../support/test-db.ts";

// A real job round trip through the real worker runtime on both queue backends. Redis is optional on a developer
// machine: without a reachable redis-server the Redis half is skipped with a message (`npm test` provides one).

// `npm test` starts a private redis-server and passes it as TEST_REDIS_URL; then the Redis half never skips.
const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const logger = pino({ level: "silent" });

function isPortOpen(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.setTimeout(1_000);
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("timeout", () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("error", () => resolve(false));
  });
}

const redisAddress = new URL(REDIS_URL);
const redisUp = Boolean(process.env.TEST_REDIS_URL) || (await isPortOpen(redisAddress.hostname, Number(redisAddress.port || 6379)));
if (!redisUp) console.warn(`queue-round-trip: no redis-server reachable at ${REDIS_URL}; the Redis backend tests are skipped.`);

type Finished = { state: string; job: NonNullable<Awaited<ReturnType<ReturnType<QueueConnection["queue"]>["getJob"]>>> };

async function waitForState(
  connection: QueueConnection,
  queueName: QueueName,
  jobId: string,
  states: string[],
  timeoutMs = 20_000,
): Promise<Finished> {
  const queue = connection.queue(queueName);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // State first, then the job: a job read before its state check can predate the transition.
    const state = await queue.getJobState(jobId);
    if (states.includes(state)) {
      const job = await queue.getJob(jobId);
      if (job) return { state, job };
    }
    if (Date.now() > deadline) throw new Error(`Job ${jobId} is "${state}", not ${states.join("/")} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const backends = [
  { backend: "postgres" as const, available: true },
  { backend: "redis" as const, available: redisUp },
];

describe.each(backends)("queue on $backend", ({ backend, available }) => {
  const runId = `qt_${process.pid}_${Date.now().toString(36)}`;
  let connection: QueueConnection;
  let idle: QueueConnection;
  let runtime: WorkerRuntime;

  beforeAll(async () => {
    if (!available) return;
    const base = backend === "redis" ? { redisUrl: REDIS_URL } : { databaseUrl: inject("databaseUrl") };
    connection = createQueueConnection({ ...base, namespace: runId, logger });
    // A second namespace that no worker serves, to observe jobs at rest.
    idle = createQueueConnection({ ...base, namespace: `${runId}_idle`, logger });
    runtime = await startWorkerRuntime({ queue: connection, db: testDb(), log: logger, heartbeatIntervalMs: 1_000 });
  });

  afterAll(async () => {
    if (!available) return;
    await runtime?.stop(5_000);
    for (const c of [connection, idle]) {
      if (!c) continue;
      if (backend === "redis") {
        for (const name of queueNames) await c.queue(name).obliterate({ force: true });
      }
      await c.close();
    }
    if (backend === "postgres") {
      const client = new pg.Client({ connectionString: inject("databaseUrl") });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${runId}" CASCADE`);
      await client.query(`DROP SCHEMA IF EXISTS "${runId}_idle" CASCADE`);
      await client.end();
    }
  });

  it.skipIf(!available)("runs a job through a worker and returns its result", async () => {
    const echo = randomUUID();
    const { id, queue } = await enqueueJob(connection, "ping", { echo });
    expect(queue).toBe("maintenance");
    const { state, job } = await waitForState(connection, "maintenance", id, ["completed", "failed"]);
    expect(state).toBe("completed");
    expect(job.returnvalue).toMatchObject({ pong: true, echo, workerId: runtime.identity.id, attempt: 1 });
    expect(job.data).toEqual({ echo });
  });

  it.skipIf(!available)("coalesces triggers with the same de-duplication id while the job waits", async () => {
    const dedup = `mapping-${randomUUID()}`;
    const first = await enqueueJob(idle, "ping", { echo: "a" }, { deduplicationId: dedup });
    const second = await enqueueJob(idle, "ping", { echo: "b" }, { deduplicationId: dedup });
    const third = await enqueueJob(idle, "ping", { echo: "c" }, { deduplicationId: dedup });
    expect(second.id).toBe(first.id);
    expect(third.id).toBe(first.id);
    expect(await idle.queue("maintenance").getWaitingCount()).toBe(1);
    const other = await enqueueJob(idle, "ping", { echo: "d" }, { deduplicationId: `${dedup}-other` });
    expect(other.id).not.toBe(first.id);
    expect(await idle.queue("maintenance").getWaitingCount()).toBe(2);
  });

  it.skipIf(!available)("keeps one more run, with the latest payload, for triggers during an active run", async () => {
    const dedup = `mapping-${randomUUID()}`;
    const tag = randomUUID();
    const first = await enqueueJob(connection, "ping", { echo: `${tag}-1`, workMs: 1_500 }, { deduplicationId: dedup });
    await waitForState(connection, "maintenance", first.id, ["active"]);
    for (const n of [2, 3, 4]) {
      await enqueueJob(connection, "ping", { echo: `${tag}-${n}` }, { deduplicationId: dedup });
    }
    await waitForState(connection, "maintenance", first.id, ["completed"]);
    // The kept trigger becomes a new job when the active one finishes; wait for it to finish too.
    const deadline = Date.now() + 20_000;
    let runs: string[] = [];
    for (;;) {
      const done = await connection.queue("maintenance").getJobs(["completed"], 0, 200);
      runs = done.map((j) => (j.data as { echo?: string }).echo ?? "").filter((e) => e.startsWith(tag));
      const pending = await connection.queue("maintenance").getJobCounts("waiting", "active", "delayed");
      if (runs.length >= 2 && pending.waiting + pending.active + pending.delayed === 0) break;
      if (Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(runs.sort()).toEqual([`${tag}-1`, `${tag}-4`]);
  });

  it.skipIf(!available)("retries a failing job with backoff, then lands it as failed", async () => {
    const { id } = await enqueueJob(
      connection,
      "ping",
      { echo: "doomed", failAttempts: 10 },
      { attempts: 3, backoff: { type: "fixed", delayMs: 400 } },
    );
    const { state, job } = await waitForState(connection, "maintenance", id, ["failed", "completed"]);
    expect(state).toBe("failed");
    expect(job.attemptsMade).toBe(3);
    expect(job.failedReason).toContain("Ping attempt 3 failed on purpose");
    // Two backoff waits of 400 ms separate the three attempts.
    expect((job.finishedOn ?? 0) - job.timestamp).toBeGreaterThanOrEqual(800);
  });

  it.skipIf(!available)("succeeds on a later attempt when only the first attempts fail", async () => {
    const { id } = await enqueueJob(
      connection,
      "ping",
      { failAttempts: 1 },
      { attempts: 3, backoff: { type: "fixed", delayMs: 100 } },
    );
    const { state, job } = await waitForState(connection, "maintenance", id, ["failed", "completed"]);
    expect(state).toBe("completed");
    expect(job.returnvalue).toMatchObject({ pong: true, attempt: 2 });
  });

  it.skipIf(!available)("runs a delayed job only after its delay", async () => {
    const { id } = await enqueueJob(connection, "ping", { echo: "later" }, { delayMs: 1_500 });
    const delayed = await connection.queue("maintenance").getJob(id);
    expect(await delayed?.getState()).toBe("delayed");
    const { state, job } = await waitForState(connection, "maintenance", id, ["completed", "failed"]);
    expect(state).toBe("completed");
    expect((job.processedOn ?? 0) - job.timestamp).toBeGreaterThanOrEqual(1_500);
  });

  it.skipIf(!available)("refuses an invalid payload at enqueue with field-level messages and stores nothing", async () => {
    const before = await idle.queue("sync-run").getJobCountByTypes("waiting", "delayed", "prioritized");
    const attempt = enqueueJob(idle, "sync-run", { mappingId: "not-a-uuid", trigger: "SOMETIMES" } as never);
    await expect(attempt).rejects.toBeInstanceOf(JobPayloadError);
    const error = (await attempt.catch((e: unknown) => e)) as JobPayloadError;
    expect(Object.keys(error.fieldErrors ?? {}).sort()).toEqual(["mappingId", "trigger"]);
    expect(error.message).toMatch(/mappingId: Must be a record id/);
    expect(await idle.queue("sync-run").getJobCountByTypes("waiting", "delayed", "prioritized")).toBe(before);
  });

  it.skipIf(!available)("refuses a job whose stored payload is invalid in the processor, without retrying", async () => {
    // Written around enqueueJob on purpose, as an older release or a hand-made job would be.
    const job = await connection.queue("maintenance").add("ping", { workMs: "soon" }, { attempts: 3 });
    const { state, job: done } = await waitForState(connection, "maintenance", job.id!, ["failed", "completed"]);
    expect(state).toBe("failed");
    expect(done.attemptsMade).toBe(1);
    expect(done.failedReason).toMatch(/ping job payload is not valid \(workMs:/);
  });

  it.skipIf(!available)("fails a sync job at once, without retries, when no Dataverse connection is enabled", async () => {
    const { id } = await enqueueJob(connection, "sync-run", { mappingId: randomUUID(), trigger: "MANUAL" });
    const { state, job } = await waitForState(connection, "sync-run", id, ["failed", "completed"]);
    expect(state).toBe("failed");
    expect(job.attemptsMade).toBe(1);
    expect(job.failedReason).toMatch(/No Dataverse connection is enabled/);
  });

  it.skipIf(!available)("maintenance deletes finished jobs", async () => {
    const { id: pingId } = await enqueueJob(connection, "ping", { echo: "to be swept" });
    await waitForState(connection, "maintenance", pingId, ["completed"]);
    const { id } = await enqueueJob(connection, "maintenance", { completedJobAgeSeconds: 0, failedJobAgeSeconds: 0 });
    const { state, job } = await waitForState(connection, "maintenance", id, ["completed", "failed"]);
    expect(state).toBe("completed");
    expect(job.returnvalue.removedCompletedJobs.maintenance).toBeGreaterThanOrEqual(1);
    expect(job.returnvalue.removedFailedJobs["sync-run"]).toBeGreaterThanOrEqual(1);
    expect(await connection.queue("maintenance").getJob(pingId)).toBeUndefined();
  });

  it.skipIf(!available)("keeps one job scheduler per mapping and removes it", async () => {
    const mappingId = randomUUID();
    await upsertMappingSchedule(idle, mappingId, 60);
    await upsertMappingSchedule(idle, mappingId, 30);
    const schedulers = await idle.queue("sync-run").getJobSchedulers();
    const mine = schedulers.filter((s) => s.key === mappingScheduleId(mappingId) || s.id === mappingScheduleId(mappingId));
    expect(mine).toHaveLength(1);
    expect(mine[0].every).toBe(30_000);
    expect(mine[0].template?.data).toEqual({ mappingId, trigger: "SCHEDULE" });
    expect(await removeMappingSchedule(idle, mappingId)).toBe(true);
    expect(await idle.queue("sync-run").getJobSchedulersCount()).toBe(0);
  });
});
