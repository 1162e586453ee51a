import { randomUUID } from "node:crypto";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { encryptSecret, EMULATOR_CLIENT_ID, EMULATOR_CLIENT_SECRET, EMULATOR_TENANT_ID } from "../../lib/integration/dataverse-connection.ts";
import { startSyncTriggers, type SyncTriggers } from "../../lib/integration/sync-triggers.ts";
import { createQueueConnection, type QueueConnection } from "../../lib/queue/queue-connection.ts";
import { startWorkerRuntime, type WorkerRuntime } from "../../workers/worker-runtime.ts";
import { setPolicy, startEngineEnv, uniqueNo, type EngineEnv } from "./engine-fixtures.ts";

// The whole chain through a real worker: an ERP edit is noticed by the change poll, a de-duplicated sync-run job goes
// through BullMQ on the PostgreSQL backend, the worker's processor builds its client from the connection row and
// runs the engine.

const logger = pino({ level: "silent" });
let env: EngineEnv;
let queue: QueueConnection;
let runtime: WorkerRuntime;
let triggers: SyncTriggers;
let connectionId: string;

beforeAll(async () => {
  env = await startEngineEnv();
  await env.db.dataverseConnection.deleteMany({});
  const connection = await env.db.dataverseConnection.create({
    data: {
      environmentUrl: env.emulator.url,
      tenantId: EMULATOR_TENANT_ID,
      clientId: EMULATOR_CLIENT_ID,
      clientSecretEnc: encryptSecret(EMULATOR_CLIENT_SECRET),
      isEnabled: true,
      isEmulator: true,
      webhookSecret: encryptSecret("test-webhook-secret"),
    },
  });
  connectionId = connection.id;
  queue = createQueueConnection({ databaseUrl: inject("databaseUrl"), namespace: `bq_engine_${randomUUID().slice(0, 8)}`, logger });
  runtime = await startWorkerRuntime({ queue, db: env.db, log: logger, queues: ["sync-run"], heartbeatIntervalMs: 60_000 });
  triggers = await startSyncTriggers({ db: env.db, queue, log: logger, erpPollMs: 200, dataversePollMs: 0, scheduleSyncMs: 0 });
});

afterAll(async () => {
  await triggers?.stop();
  await runtime?.stop(10_000);
  await queue?.close();
  if (connectionId) await env.db.dataverseConnection.deleteMany({ where: { id: connectionId } });
  await env?.emulator.close();
});

async function waitFor<T>(what: string, read: () => Promise<T | null>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("ERP edit → run through a real worker", () => {
  it("a new customer is created in Dataverse by an ERP_CHANGE run, and an edit reaches the account", async () => {
    const { db, client } = env;
    await setPolicy(db, "CUSTOMER", { syncOnlyCoupledRecords: false });
    const customer = await db.customer.create({ data: { no: uniqueNo("EW"), name: "Worker Customer" } });
    const coupling = await waitFor("the coupling", () =>
      db.coupling.findFirst({ where: { erpId: customer.id, state: "COUPLED" } }),
    );
    expect((await client.retrieve("accounts", coupling.dataverseId)).name).toBe("Worker Customer");
    const job = await db.syncJob.findFirstOrThrow({ where: { id: coupling.lastToJobId! } });
    expect(job.trigger).toBe("ERP_CHANGE");

    await db.customer.update({ where: { id: customer.id }, data: { city: "Oslo" } });
    await waitFor("the edit in Dataverse", async () => ((await client.retrieve("accounts", coupling.dataverseId)).address1_city === "Oslo" ? true : null));
  });
});
