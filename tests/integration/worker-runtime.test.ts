import pino from "pino";
import pg from "pg";
import { afterAll, describe, expect, inject, it } from "vitest";
import { enqueueJob } from "../../lib/queue/enqueue.ts";
import { createQueueConnection } from "../../lib/queue/queue-connection.ts";
import { startWorkerRuntime } from "../../workers/worker-runtime.ts";
import { testDb } from "../support/test-db.ts";

// The shutdown path that a test of the real process cannot reach quickly: a job that outlives the shutdown timeout
// is aborted and handed back to its queue without spending an attempt, so another worker runs it from the start.

const logger = pino({ level: "silent" });

describe("worker runtime shutdown", () => {
  const namespace = `wr_${process.pid}_${Date.now().toString(36)}`;
  const queue = createQueueConnection({ databaseUrl: inject("databaseUrl"), namespace, logger });

  afterAll(async () => {
    await queue.close();
    const client = new pg.Client({ connectionString: inject("databaseUrl") });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${namespace}" CASCADE`);
    await client.end();
  });

  it("releases a job that does not finish within the timeout, then another worker completes it", async () => {
    const db = testDb();
    const first = await startWorkerRuntime({ queue, db, log: logger, queues: ["maintenance"] });
    const { id } = await enqueueJob(queue, "ping", { echo: "long", workMs: 3_000 });
    const deadline = Date.now() + 20_000;
    while ((await queue.queue("maintenance").getJobState(id)) !== "active") {
      if (Date.now() > deadline) throw new Error("the job never became active");
      await new Promise((r) => setTimeout(r, 50));
    }

    expect(await first.stop(300)).toBe("released");
    expect(await queue.queue("maintenance").getJobState(id)).toBe("waiting");
    expect((await queue.queue("maintenance").getJob(id))?.attemptsMade).toBe(0);
    expect(await db.workerHeartbeat.findUnique({ where: { id: first.identity.id } })).toBeNull();

    const second = await startWorkerRuntime({ queue, db, log: logger, queues: ["maintenance"] });
    try {
      while ((await queue.queue("maintenance").getJobState(id)) !== "completed") {
        if (Date.now() > deadline + 10_000) throw new Error("the released job never completed");
        await new Promise((r) => setTimeout(r, 50));
      }
      const job = await queue.queue("maintenance").getJob(id);
      expect(job?.returnvalue).toMatchObject({ pong: true, workerId: second.identity.id, attempt: 1 });
    } finally {
      expect(await second.stop(5_000)).toBe("drained");
    }
  });
});
