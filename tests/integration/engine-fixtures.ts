import { randomUUID } from "node:crypto";
import pino from "pino";
import { inject } from "vitest";
import { DataverseClient } from "../../lib/dataverse/dataverse-client.ts";
import type { DataverseLimits } from "../../lib/dataverse/dataverse-config.ts";
import type { Db } from "../../lib/db/db-client.ts";
import type { DeletionConflictResolution, UpdateConflictResolution } from "../../lib/db/generated/enums.ts";
import { currentWatermark } from "../../lib/erp/change-capture.ts";
import { encryptSecret, EMULATOR_CLIENT_ID, EMULATOR_CLIENT_SECRET, EMULATOR_TENANT_ID } from "../../lib/integration/dataverse-connection.ts";
import { ensureDefaultMappings } from "../../lib/integration/mapping-setup.ts";
import { runSync, type RunRequest } from "../../lib/integration/sync-run.ts";
import { startSyncTriggers, type SyncTriggerOptions } from "../../lib/integration/sync-triggers.ts";
import { createQueueConnection } from "../../lib/queue/queue-connection.ts";
import { startWorkerRuntime } from "../../workers/worker-runtime.ts";
import { startEmulator, type RunningEmulator } from "../../emulator/emulator-server.ts";
import { testDb } from "../support/test-db.ts";

// Shared set-up of the engine tests: the app's database, the default mappings, a fresh emulator over HTTP and a
// client on it. Engine state from earlier files (couplings, watermarks, delta links of another emulator) is reset,
// so each file starts from "nothing coupled, nothing pending".

export type EngineEnv = { db: Db; emulator: RunningEmulator; client: DataverseClient };

export async function startEngineEnv(): Promise<EngineEnv> {
  const db = testDb();
  await ensureDefaultMappings(db);
  const emulator = await startEmulator({ port: 0, dataDir: null, seed: "none", quiet: true });
  const client = newClient(emulator);
  await resetEngineState(db);
  return { db, emulator, client };
}

export function newClient(emulator: RunningEmulator, limits: Partial<DataverseLimits> = {}): DataverseClient {
  return new DataverseClient({
    baseUrl: emulator.url,
    tenantId: "emulator",
    clientId: "emulator",
    clientSecret: "emulator-secret",
    authorityHost: emulator.url,
    limits: { backoffBaseMs: 20, backoffMaxMs: 200, ...limits },
  });
}

export async function resetEngineState(db: Db): Promise<void> {
  await db.coupling.deleteMany({});
  await db.syncJob.deleteMany({});
  const watermark = await currentWatermark(db);
  await db.$executeRaw`
    UPDATE "IntegrationTableMapping"
    SET "erpWatermark" = ${watermark}, "dataverseDeltaLink" = NULL, "dataverseModifiedOnWatermark" = NULL,
        "runLeaseOwner" = NULL, "runLeaseUntil" = NULL, "status" = 'READY',
        "failedRuns" = 0, "failingSince" = NULL, "lastFailedRunAt" = NULL, "lastFailureMessage" = NULL, "nextAttemptAt" = NULL`;
}

export async function mappingId(db: Db, name: string): Promise<string> {
  const m = await db.integrationTableMapping.findUniqueOrThrow({ where: { name } });
  return m.id;
}

export async function setPolicy(
  db: Db,
  name: string,
  data: { syncOnlyCoupledRecords?: boolean; updateConflictResolution?: UpdateConflictResolution; deletionConflictResolution?: DeletionConflictResolution },
): Promise<void> {
  await db.integrationTableMapping.update({ where: { name }, data });
}

/**
 * Waits until ERP change capture sees every write made so far. A writing transaction left open anywhere on the
 * PostgreSQL server (another test file, a migration) holds the watermark back, so a run started at once could miss
 * the test's own ERP writes.
 */
export async function waitForChangeCapture(db: Db, timeoutMs = 60_000): Promise<void> {
  const [row] = await db.$queryRaw<{ xid: bigint }[]>`SELECT pg_current_xact_id()::text::bigint AS xid`;
  const deadline = Date.now() + timeoutMs;
  while ((await currentWatermark(db)) <= row.xid) {
    if (Date.now() > deadline) throw new Error(`change capture did not catch up within ${timeoutMs / 1000} s (a writing transaction is open on the PostgreSQL server)`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A run of the mapping once change capture sees the test's ERP writes. */
export async function run(env: EngineEnv, name: string, extra: Partial<RunRequest> = {}) {
  await waitForChangeCapture(env.db);
  return runSync({ db: env.db, client: env.client }, { mappingId: await mappingId(env.db, name), trigger: "MANUAL", ...extra });
}

/** Web API requests the emulator received since the last reset. */
export async function emulatorRequests(emulator: RunningEmulator): Promise<number> {
  const response = await fetch(`${emulator.url}/_emulator/stats`);
  const stats = (await response.json()) as { total: number; byEntitySet: Record<string, number> };
  return stats.total;
}

export async function resetEmulatorStats(emulator: RunningEmulator): Promise<void> {
  await fetch(`${emulator.url}/_emulator/stats/reset`, { method: "POST" });
}

let counter = 0;
/** A record number no other test of this run uses. */
export function uniqueNo(prefix: string): string {
  counter += 1;
  return `${prefix}${Date.now().toString(36).slice(-5).toUpperCase()}${counter}`.slice(0, 20);
}

/** The engine set-up with CUSTOMER one-way for a test file; restoreCustomerMapping puts the default back. */
export async function startOneWayCustomerEnv(direction: "TO_INTEGRATION_TABLE" | "FROM_INTEGRATION_TABLE"): Promise<EngineEnv> {
  const env = await startEngineEnv();
  await env.db.integrationTableMapping.update({ where: { name: "CUSTOMER" }, data: { direction } });
  return env;
}

export async function restoreCustomerMapping(env: EngineEnv | undefined): Promise<void> {
  if (!env) return;
  await env.db.integrationTableMapping.update({
    where: { name: "CUSTOMER" },
    data: { direction: "BIDIRECTIONAL", syncOnlyCoupledRecords: true, deletionConflictResolution: "NONE" },
  });
  await env.emulator.close();
}

/**
 * A real worker and the real triggers with only CUSTOMER enabled (a poll would start runs of every enabled mapping),
 * on an enabled connection to the test's emulator. stop() undoes all of it.
 */
export async function startCustomerTriggers(env: EngineEnv, triggers: Pick<SyncTriggerOptions, "erpPollMs" | "dataversePollMs">) {
  const { db } = env;
  const logger = pino({ level: "silent" });
  const others = await db.integrationTableMapping.findMany({ where: { name: { not: "CUSTOMER" }, isEnabled: true }, select: { id: true } });
  await db.integrationTableMapping.updateMany({ where: { id: { in: others.map((m) => m.id) } }, data: { isEnabled: false } });
  await db.dataverseConnection.deleteMany({});
  const connection = await db.dataverseConnection.create({
    data: { environmentUrl: env.emulator.url, tenantId: EMULATOR_TENANT_ID, clientId: EMULATOR_CLIENT_ID, clientSecretEnc: encryptSecret(EMULATOR_CLIENT_SECRET), isEnabled: true, isEmulator: true },
  });
  const queue = createQueueConnection({ databaseUrl: inject("databaseUrl"), namespace: `bq_cust_${randomUUID().slice(0, 8)}`, logger });
  const runtime = await startWorkerRuntime({ queue, db, log: logger, queues: ["sync-run"], heartbeatIntervalMs: 60_000 });
  const running = await startSyncTriggers({ db, queue, log: logger, ...triggers, scheduleSyncMs: 0 });
  return {
    async stop() {
      await running.stop();
      await runtime.stop(10_000);
      await queue.close();
      await db.dataverseConnection.deleteMany({ where: { id: connection.id } });
      await db.integrationTableMapping.updateMany({ where: { id: { in: others.map((m) => m.id) } }, data: { isEnabled: true } });
    },
  };
}

/** The finished job of a mapping that uncoupled a record (a deletion handled under Remove Coupling). */
export async function waitForUncouplingJob(db: Db, mappingId: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await db.syncJob.findFirst({ where: { mappingId, uncoupled: 1, finishedAt: { not: null } } });
    if (job) return job;
    if (Date.now() > deadline) throw new Error(`the deletion was not handled within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
