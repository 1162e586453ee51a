import { randomUUID } from "node:crypto";
import pino from "pino";
import { afterAll, afterEach, describe, expect, inject, it } from "vitest";
import { GET } from "../../app/api/health/route.ts";
import { createDb } from "../../lib/db/db-client.ts";
import { getHealth } from "../../lib/queue/health.ts";
import { createQueueConnection, getQueueConnection } from "../../lib/queue/queue-connection.ts";
import { testDb } from "../support/test-db.ts";

const logger = pino({ level: "silent" });

describe("health report", () => {
  const db = testDb();
  const queue = createQueueConnection({ databaseUrl: inject("databaseUrl"), logger });
  const ids: string[] = [];

  async function heartbeat(ageMs: number) {
    const id = `health-test:${randomUUID()}`;
    ids.push(id);
    const lastSeenAt = new Date(Date.now() - ageMs);
    await db.workerHeartbeat.create({
      data: { id, hostname: "test-host", pid: 4242, queueBackend: "postgres", startedAt: lastSeenAt, lastSeenAt, jobsProcessed: 7 },
    });
    return id;
  }

  afterEach(async () => {
    await db.workerHeartbeat.deleteMany({ where: { id: { in: ids.splice(0) } } });
  });

  afterAll(async () => {
    await queue.close();
    await getQueueConnection().close();
  });

  it("is ok with a live worker, reachable database and queue", async () => {
    const id = await heartbeat(1_000);
    const report = await getHealth({ db, queue });
    expect(report.status).toBe("ok");
    expect(report.database).toEqual({ ok: true });
    expect(report.queue).toEqual({ backend: "postgres", ok: true });
    expect(report.workers).toContainEqual(
      expect.objectContaining({ id, hostname: "test-host", pid: 4242, jobsProcessed: 7, alive: true }),
    );
  });

  it("is degraded when the only worker has not been seen for more than 15 seconds", async () => {
    const id = await heartbeat(20_000);
    const report = await getHealth({ db, queue });
    expect(report.status).toBe("degraded");
    expect(report.workers.find((w) => w.id === id)?.alive).toBe(false);
  });

  it("is degraded with no worker at all", async () => {
    const report = await getHealth({ db, queue });
    expect(report.workers).toEqual([]);
    expect(report.status).toBe("degraded");
  });

  it("is degraded when the database is down", async () => {
    const downDb = createDb("postgresql://postgres@127.0.0.1:1/nothing_here");
    const report = await getHealth({ db: downDb, queue });
    expect(report.database).toEqual({ ok: false });
    expect(report.status).toBe("degraded");
    await downDb.$disconnect();
  });

  it("is degraded when the queue backend does not answer", async () => {
    await heartbeat(1_000);
    const downQueue = createQueueConnection({ redisUrl: "redis://127.0.0.1:1", logger });
    const report = await getHealth({ db, queue: downQueue });
    expect(report.queue).toEqual({ backend: "redis", ok: false });
    expect(report.status).toBe("degraded");
    await downQueue.close();
  });

  it("GET /api/health answers 200 when ok and 503 when degraded, without authentication", async () => {
    const degraded = await GET();
    expect(degraded.status).toBe(503);
    expect(await degraded.json()).toMatchObject({ status: "degraded", database: { ok: true }, workers: [] });

    const id = await heartbeat(0);
    const ok = await GET();
    const body = await ok.json();
    expect(ok.status, JSON.stringify(body)).toBe(200);
    expect(body).toMatchObject({ status: "ok", queue: { ok: true } });
    expect(body.workers.map((w: { id: string }) => w.id)).toContain(id);
  });
});
