import { randomBytes } from "node:crypto";
import { startEmulator, type RunningEmulator } from "../../emulator/emulator-server.ts";
import { DataverseClient } from "../../lib/dataverse/dataverse-client.ts";
import type { Db } from "../../lib/db/db-client.ts";
import { currentWatermark } from "../../lib/erp/change-capture.ts";
import { encryptSecret } from "../../lib/integration/dataverse-connection.ts";
import { ensureDefaultMappings } from "../../lib/integration/mapping-setup.ts";
import { runSync, type RunRequest } from "../../lib/integration/sync-run.ts";
import { testDb } from "../support/test-db.ts";

// Shared set-up of the reliability suite (issue 6). The suite has its own migrated database (global setup) and its
// files run one after another, so each file may wipe the ERP and integration tables it uses and start from nothing.

/** `npm test -- --long` (scripts/test.ts sets RELIABILITY_LONG=1): the higher counts of the issue. */
export const isLong = process.env.RELIABILITY_LONG === "1";

export type ReliabilityEnv = { db: Db; emulator: RunningEmulator; client: DataverseClient; close(): Promise<void> };

export function clientFor(url: string, limits: Record<string, number> = {}): DataverseClient {
  return new DataverseClient({
    baseUrl: url,
    tenantId: "emulator",
    clientId: "emulator",
    clientSecret: "emulator-secret",
    authorityHost: url,
    limits: { backoffBaseMs: 20, backoffMaxMs: 500, ...limits },
  });
}

export async function startReliabilityEnv(options: { db?: Db; limits?: Record<string, number> } = {}): Promise<ReliabilityEnv> {
  const db = options.db ?? testDb();
  await ensureDefaultMappings(db);
  const emulator = await startEmulator({ port: 0, dataDir: null, seed: "none", quiet: true });
  const client = clientFor(emulator.url, options.limits);
  await wipe(db);
  await coupleBaseCurrency(db, client);
  return { db, emulator, client, close: () => emulator.close() };
}

/** Nothing coupled, no customers or contacts, no jobs; watermarks at "now", no delta link; the CUSTOMER mapping at its defaults. */
export async function wipe(db: Db): Promise<void> {
  await db.coupling.deleteMany({});
  await db.syncJob.deleteMany({});
  await db.contact.deleteMany({});
  await db.customer.deleteMany({});
  await resetWatermarks(db);
  await db.integrationTableMapping.update({
    where: { name: "CUSTOMER" },
    data: { syncOnlyCoupledRecords: false, updateConflictResolution: "NONE", deletionConflictResolution: "NONE", isEnabled: true, fullSyncRunning: false },
  });
}

export async function resetWatermarks(db: Db): Promise<void> {
  const watermark = await currentWatermark(db);
  await db.$executeRaw`
    UPDATE "IntegrationTableMapping"
    SET "erpWatermark" = ${watermark}, "dataverseDeltaLink" = NULL, "dataverseModifiedOnWatermark" = NULL,
        "runLeaseOwner" = NULL, "runLeaseUntil" = NULL, "status" = 'READY'`;
}

/**
 * Dataverse gives every new account the org's base currency; the engine translates it through the CURRENCY couplings,
 * so the base currency is coupled to an ERP currency (as a real set-up would after its first full synchronization).
 */
export async function coupleBaseCurrency(db: Db, client: DataverseClient): Promise<void> {
  const currencies = await client.queryAll("transactioncurrencies", {});
  const mapping = await db.integrationTableMapping.findUniqueOrThrow({ where: { name: "CURRENCY" } });
  for (const currency of currencies) {
    const id = String(currency.transactioncurrencyid).toLowerCase();
    if (await db.coupling.findUnique({ where: { dataverseEntity_dataverseId: { dataverseEntity: "transactioncurrency", dataverseId: id } } })) continue;
    const code = String(currency.isocurrencycode ?? "BASE");
    const erp = (await db.currency.findUnique({ where: { code } })) ?? (await db.currency.create({ data: { code, description: String(currency.currencyname ?? "") } }));
    await db.coupling.create({ data: { mappingId: mapping.id, erpTable: "CURRENCY", erpId: erp.id, dataverseEntity: "transactioncurrency", dataverseId: id } });
  }
}

/** Points the single enabled Dataverse connection at `emulatorUrl` (workers and API routes build their client from it). */
export async function useConnection(db: Db, emulatorUrl: string): Promise<void> {
  await db.dataverseConnection.deleteMany({});
  await db.dataverseConnection.create({
    data: {
      environmentUrl: emulatorUrl,
      tenantId: "emulator",
      clientId: "emulator",
      clientSecretEnc: encryptSecret("emulator-secret"),
      isEnabled: true,
      isEmulator: true,
      webhookSecret: encryptSecret("reliability-webhook-secret"),
    },
  });
}

export async function mappingIdOf(db: Db, name: string): Promise<string> {
  return (await db.integrationTableMapping.findUniqueOrThrow({ where: { name } })).id;
}

export async function syncCustomers(db: Db, client: DataverseClient, extra: Partial<RunRequest> = {}, leaseWaitMs = 30_000) {
  return runSync({ db, client, leaseWaitMs }, { mappingId: await mappingIdOf(db, "CUSTOMER"), trigger: "MANUAL", ...extra });
}

export async function setEmulatorConfig(emulator: { url: string }, body: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${emulator.url}/_emulator/config`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`emulator config refused: ${response.status} ${await response.text()}`);
}

export type EmulatorLogEntry = {
  seq: number;
  timeMs: number;
  respondedAtMs: number;
  method: string;
  path: string;
  status: number;
  clientId: string | null;
  retryAfter?: number;
  duringPenalty?: boolean;
  dropped?: boolean;
};

export async function emulatorLog(emulator: { url: string }, sinceSeq = 0): Promise<{ lastSeq: number; entries: EmulatorLogEntry[] }> {
  const response = await fetch(`${emulator.url}/_emulator/log?since=${sinceSeq}`);
  return (await response.json()) as { lastSeq: number; entries: EmulatorLogEntry[] };
}

/** Every account of the emulator (active and inactive), with the mapped attributes the suite compares. */
export async function allAccounts(client: DataverseClient): Promise<Record<string, unknown>[]> {
  return client.queryAll("accounts", { select: ["accountid", "name", "address1_city", "telephone1", "emailaddress1", "statecode"] });
}

export function uniqueWord(prefix = "R"): string {
  return `${prefix}${randomBytes(4).toString("hex")}`;
}

export async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 60_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== null && value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/**
 * Waits until change capture can see every ERP write made so far. Its read bound is the server-wide snapshot xmin, so
 * a transaction open anywhere on the PostgreSQL server (another test run, another database) delays changes — by design,
 * "delayed, never lost". A "final run" that must see everything is started only once the horizon has passed.
 */
export async function waitForChangeCaptureHorizon(db: Db, timeoutMs = 120_000): Promise<void> {
  const [row] = await db.$queryRaw<{ xid: bigint }[]>`SELECT pg_current_xact_id()::text::bigint AS xid`;
  await until("change capture to see every committed ERP write (a long transaction is open on the PostgreSQL server)", async () => (await currentWatermark(db)) > row.xid, timeoutMs, 20);
}
