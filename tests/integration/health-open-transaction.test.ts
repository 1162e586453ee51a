import { randomUUID } from "node:crypto";
import pg from "pg";
import pino from "pino";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { GET } from "../../app/api/health/route.ts";
import { provideEnvDefaults } from "../../lib/env.ts";
import { getHealth, watchOpenTransactions, type HealthReport } from "../../lib/queue/health.ts";
import { createQueueConnection, getQueueConnection } from "../../lib/queue/queue-connection.ts";
import { testDb } from "../support/test-db.ts";

// A transaction left open on the server holds ERP change capture back (lib/erp/change-capture.ts): /api/health says
// so — degraded, naming the session and how long — but still answers 200, since queued work runs.
const logger = pino({ level: "silent" });

describe("health warns about a long-open transaction", () => {
  const db = testDb();
  const queue = createQueueConnection({ databaseUrl: inject("databaseUrl"), logger });
  const heartbeatId = `health-xact-test:${randomUUID()}`;
  const sessions: pg.Client[] = [];

  async function openSession(applicationName: string): Promise<{ client: pg.Client; pid: number }> {
    const client = new pg.Client({ connectionString: inject("databaseUrl"), application_name: applicationName });
    await client.connect();
    sessions.push(client);
    const { rows } = await client.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
    return { client, pid: rows[0].pid };
  }

  const heldBy = (report: HealthReport, pid: number) => report.warnings.find((w) => w.transaction.pid === pid);

  beforeAll(async () => {
    // A live worker, so the report would be ok but for the transaction.
    const now = new Date();
    await db.workerHeartbeat.create({
      data: { id: heartbeatId, hostname: "test-host", pid: 4242, queueBackend: "postgres", startedAt: now, lastSeenAt: now, jobsProcessed: 0 },
    });
  });

  afterEach(async () => {
    for (const client of sessions.splice(0)) await client.end().catch(() => undefined);
    delete process.env.OPEN_TRANSACTION_WARN_SECONDS;
    provideEnvDefaults({});
  });

  afterAll(async () => {
    await db.workerHeartbeat.deleteMany({ where: { id: heartbeatId } });
    await queue.close();
    await getQueueConnection().close();
  });

  it("reports a writing transaction older than the threshold, by pid and application, until it commits", async () => {
    const applicationName = `long-xact-${randomUUID().slice(0, 8)}`;
    const session = await openSession(applicationName);
    await session.client.query("BEGIN");
    // A write gives the transaction an id: from now on it holds the snapshot xmin back.
    await session.client.query("SELECT pg_current_xact_id()");
    await new Promise((r) => setTimeout(r, 1_500));

    const report = await getHealth({ db, queue, openTransactionWarnSeconds: 1 });
    const warning = heldBy(report, session.pid);
    expect(warning, JSON.stringify(report.warnings)).toBeDefined();
    expect(warning!.code).toBe("long-open-transaction");
    expect(warning!.transaction).toMatchObject({ applicationName, state: "idle in transaction" });
    expect(warning!.transaction.openForSeconds).toBeGreaterThanOrEqual(1);
    expect(warning!.message).toContain(`pid ${session.pid}`);
    expect(warning!.message).toContain(applicationName);
    expect(report.status).toBe("degraded");
    expect(report.reasons).toContain(warning!.message);

    // A higher threshold does not report it yet.
    const patient = await getHealth({ db, queue, openTransactionWarnSeconds: 3_600 });
    expect(heldBy(patient, session.pid)).toBeUndefined();

    await session.client.query("COMMIT");
    const cleared = await getHealth({ db, queue, openTransactionWarnSeconds: 1 });
    expect(heldBy(cleared, session.pid)).toBeUndefined();
  });

  it("does not report a transaction that only reads (it holds nothing back)", async () => {
    const session = await openSession(`read-only-${randomUUID().slice(0, 8)}`);
    await session.client.query("BEGIN ISOLATION LEVEL REPEATABLE READ");
    await session.client.query("SELECT count(*) FROM \"Customer\"");
    await new Promise((r) => setTimeout(r, 1_500));

    const report = await getHealth({ db, queue, openTransactionWarnSeconds: 1 });
    expect(heldBy(report, session.pid)).toBeUndefined();
    await session.client.query("COMMIT");
  });

  it("GET /api/health uses OPEN_TRANSACTION_WARN_SECONDS and still answers 200", async () => {
    process.env.OPEN_TRANSACTION_WARN_SECONDS = "1";
    provideEnvDefaults({});
    const session = await openSession(`api-xact-${randomUUID().slice(0, 8)}`);
    await session.client.query("BEGIN");
    await session.client.query("SELECT pg_current_xact_id()");
    await new Promise((r) => setTimeout(r, 1_500));

    const held = await GET();
    const body = (await held.json()) as HealthReport;
    expect(held.status, JSON.stringify(body)).toBe(200);
    expect(body.status).toBe("degraded");
    expect(heldBy(body, session.pid)?.message).toMatch(/^A transaction open for \d+ s \(pid \d+, application "api-xact-/);

    await session.client.query("COMMIT");
    const released = await GET();
    const after = (await released.json()) as HealthReport;
    expect(released.status).toBe(200);
    expect(heldBy(after, session.pid)).toBeUndefined();
  });

  it("the worker's watch logs it once while open and once when it ends", async () => {
    const lines: { level: number; msg: string; pid?: number; transaction?: { pid: number } }[] = [];
    const log = pino({ level: "info" }, { write: (line: string) => void lines.push(JSON.parse(line)) });
    const watch = watchOpenTransactions({ db, log, warnSeconds: 1, everyMs: 200 });
    const until = async (what: string, found: () => boolean) => {
      const deadline = Date.now() + 10_000;
      while (!found()) {
        if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}: ${JSON.stringify(lines)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    try {
      const session = await openSession(`watched-xact-${randomUUID().slice(0, 8)}`);
      await session.client.query("BEGIN");
      await session.client.query("SELECT pg_current_xact_id()");
      const warned = () => lines.filter((l) => l.level === 40 && l.transaction?.pid === session.pid);
      await until("the warning", () => warned().length > 0);
      expect(warned()[0].msg).toContain(`pid ${session.pid}`);

      await new Promise((r) => setTimeout(r, 600));
      expect(warned()).toHaveLength(1);

      await session.client.query("COMMIT");
      await until("the all-clear", () => lines.some((l) => l.level === 30 && l.pid === session.pid));
    } finally {
      await watch.stop();
    }
  });
});
