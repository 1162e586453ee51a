import pino from "pino";
import { describe, expect, it } from "vitest";
import { mappingRunDeduplicationId } from "../../../lib/queue/enqueue.ts";
import { jobKinds } from "../../../lib/queue/job-payloads.ts";
import { queueConfig, queueForJobKind, queueNames } from "../../../lib/queue/queue-config.ts";
import { createQueueConnection } from "../../../lib/queue/queue-connection.ts";
import { ALIVE_WITHIN_MS, isAlive } from "../../../lib/queue/worker-heartbeat.ts";

describe("queue configuration", () => {
  it("routes every job kind to exactly one queue", () => {
    for (const kind of jobKinds) {
      const carriers = queueNames.filter((name) => (queueConfig[name].kinds as readonly string[]).includes(kind));
      expect(carriers, kind).toHaveLength(1);
      expect(queueForJobKind(kind)).toBe(carriers[0]);
    }
  });

  it.each(queueNames)("%s has usable settings", (name) => {
    const s = queueConfig[name];
    expect(s.concurrency).toBeGreaterThanOrEqual(1);
    expect(s.attempts).toBeGreaterThanOrEqual(1);
    expect(s.backoff.delayMs).toBeGreaterThan(0);
    expect(s.removeOnComplete.count).toBeGreaterThan(0);
    expect(s.removeOnFail.ageSeconds).toBeGreaterThanOrEqual(s.removeOnComplete.ageSeconds);
  });
});

describe("backend selection", () => {
  const logger = pino({ level: "silent" });
  it("uses Redis when a Redis URL is given, whatever the database URL", async () => {
    const connection = createQueueConnection({ redisUrl: "redis://127.0.0.1:1", databaseUrl: "postgresql://x@h/db", logger });
    expect(connection.backend).toBe("redis");
    expect(connection.namespace).toBe("bull");
    await connection.close();
  });

  it("uses BullMQ's PostgreSQL backend without a Redis URL", async () => {
    const connection = createQueueConnection({ databaseUrl: "postgresql://x@h/db", namespace: "bullmq_app", logger });
    expect(connection.backend).toBe("postgres");
    expect(connection.namespace).toBe("bullmq_app");
    await connection.close();
  });

  it("refuses to start with neither", () => {
    expect(() => createQueueConnection({})).toThrow(/REDIS_URL or DATABASE_URL/);
  });

  it("reports an unreachable backend as not ok instead of throwing", async () => {
    const connection = createQueueConnection({ redisUrl: "redis://127.0.0.1:1", logger });
    expect(await connection.ping(1_000)).toBe(false);
    await connection.close();
  });
});

describe("worker liveness", () => {
  const now = new Date("2026-01-01T12:00:00Z");
  it.each([
    { ageMs: 0, alive: true },
    { ageMs: ALIVE_WITHIN_MS, alive: true },
    { ageMs: ALIVE_WITHIN_MS + 1, alive: false },
    { ageMs: 60_000, alive: false },
  ])("a heartbeat $ageMs ms old is alive: $alive", ({ ageMs, alive }) => {
    expect(isAlive(new Date(now.getTime() - ageMs), now)).toBe(alive);
  });
});

describe("mapping run de-duplication ids", () => {
  it("differ per mapping and direction, and are stable", () => {
    const a = "0b8f9c3e-4a5d-4e6f-8a7b-9c0d1e2f3a4b";
    const b = "1c9a0d4f-5b6e-4f70-9b8c-0d1e2f3a4b5c";
    expect(mappingRunDeduplicationId(a)).toBe(mappingRunDeduplicationId(a));
    expect(new Set([
      mappingRunDeduplicationId(a),
      mappingRunDeduplicationId(b),
      mappingRunDeduplicationId(a, "TO_INTEGRATION_TABLE"),
      mappingRunDeduplicationId(a, "FROM_INTEGRATION_TABLE"),
    ]).size).toBe(4);
  });
});
