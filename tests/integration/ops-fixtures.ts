import { randomBytes } from "node:crypto";
import { startEmulator, type RunningEmulator } from "../../emulator/emulator-server.ts";
import { createApiToken } from "../../lib/auth/api-tokens.ts";
import type { AuditActor } from "../../lib/auth/audit-entry.ts";
import type { SessionUser } from "../../lib/auth/authorize.ts";
import { DataverseClient } from "../../lib/dataverse/dataverse-client.ts";
import type { Db } from "../../lib/db/db-client.ts";
import type { Prisma } from "../../lib/db/generated/client.ts";
import type { Role } from "../../lib/db/generated/enums.ts";
import { encryptSecret } from "../../lib/integration/dataverse-connection.ts";
import { ensureDefaultMappings } from "../../lib/integration/mapping-setup.ts";
import type { OperationDeps } from "../../lib/integration/operation-context.ts";
import { testDb } from "../support/test-db.ts";

// Shared set-up of the operations tests: a fresh in-process emulator reached over HTTP through the real client, the
// default mappings, the enabled connection row pointing at the emulator (for the API routes), users per role, and
// record numbers unique across the whole run (the database is shared by every integration file).

export type OpsEnv = {
  db: Db;
  emulator: RunningEmulator;
  client: DataverseClient;
  deps: OperationDeps;
  actor: AuditActor;
  close(): Promise<void>;
};

export async function startOpsEnv(): Promise<OpsEnv> {
  const db = testDb();
  const emulator = await startEmulator({ port: 0, dataDir: null, seed: "none", quiet: true });
  const client = new DataverseClient({ baseUrl: emulator.url, tenantId: "ops-tests", clientId: "emulator", clientSecret: "emulator-secret", authorityHost: emulator.url });
  await ensureDefaultMappings(db);
  // The API routes use the enabled connection: point exactly one at this emulator (the others come back on close).
  const previouslyEnabled = (await db.dataverseConnection.findMany({ where: { isEnabled: true }, select: { id: true } })).map((r) => r.id);
  await db.dataverseConnection.updateMany({ data: { isEnabled: false } });
  await db.dataverseConnection.create({
    data: { environmentUrl: emulator.url, tenantId: "ops-tests", clientId: "emulator", clientSecretEnc: encryptSecret("emulator-secret"), isEnabled: true, isEmulator: true },
  });
  await coupleBaseCurrency(db, client);
  return {
    db,
    emulator,
    client,
    deps: { db, client },
    actor: { id: null, label: "ops tests" },
    close: async () => {
      await db.dataverseConnection.updateMany({ where: { environmentUrl: emulator.url }, data: { isEnabled: false } });
      await db.dataverseConnection.updateMany({ where: { id: { in: previouslyEnabled } }, data: { isEnabled: true } });
      await emulator.close();
    },
  };
}

/**
 * Dataverse gives every new account the org's base currency; the engine translates it through the CURRENCY
 * couplings, so couple it to an ERP currency of this run (currency codes are shared by all files, hence unique).
 */
async function coupleBaseCurrency(db: Db, client: DataverseClient): Promise<void> {
  const currencies = await client.queryAll("transactioncurrencies", {});
  const mapping = await db.integrationTableMapping.findUniqueOrThrow({ where: { name: "CURRENCY" } });
  for (const currency of currencies) {
    const id = String(currency.transactioncurrencyid).toLowerCase();
    // The emulator's base currency has the same id in every instance: an earlier file may have coupled it already.
    if (await db.coupling.findUnique({ where: { dataverseEntity_dataverseId: { dataverseEntity: "transactioncurrency", dataverseId: id } } })) continue;
    const erp = await db.currency.create({ data: { code: uniqueNo("Q", 10), description: String(currency.currencyname ?? "") } });
    await db.coupling.create({ data: { mappingId: mapping.id, erpTable: "CURRENCY", erpId: erp.id, dataverseEntity: "transactioncurrency", dataverseId: id } });
  }
}

let counter = 0;

/** A record key no other test uses; `prefix` keeps it readable (at most 20 characters). */
export function uniqueNo(prefix: string, maxLength = 20): string {
  counter++;
  return `${prefix}${Date.now().toString(36).toUpperCase()}${counter}${randomBytes(1).toString("hex").toUpperCase()}`.slice(-maxLength);
}

/** A unique word for names, so Dataverse queries of one test never see another test's rows. */
export function uniqueWord(prefix = "T"): string {
  return `${prefix}${randomBytes(5).toString("hex")}`;
}

export async function createCustomer(db: Db, data: Partial<Prisma.CustomerCreateInput> & { name: string }) {
  return db.customer.create({ data: { no: uniqueNo("OC"), ...data } });
}

export async function createAccount(client: DataverseClient, body: Record<string, unknown>): Promise<string> {
  const result = await client.create("accounts", body, { returnRepresentation: true });
  return result.id!;
}

export async function getAccount(client: DataverseClient, id: string) {
  return client.tryRetrieve("accounts", id);
}

export async function setMapping(db: Db, name: string, data: Prisma.IntegrationTableMappingUpdateInput) {
  await db.integrationTableMapping.update({ where: { name }, data });
}

/** The default CUSTOMER mapping as the tests expect it (other files may have changed its settings). */
export async function resetCustomerMapping(db: Db) {
  await setMapping(db, "CUSTOMER", {
    direction: "BIDIRECTIONAL",
    syncOnlyCoupledRecords: true,
    isEnabled: true,
    updateConflictResolution: "NONE",
    deletionConflictResolution: "NONE",
    createNewIfNoMatch: false,
    syncAfterMatchBasedCoupling: false,
    tableFilter: [{ field: "blocked", operator: "eq", value: "NONE" }],
    integrationTableFilter: [{ field: "statecode", operator: "eq", value: 0 }],
  });
}

export type RoleUsers = Record<"viewer" | "user" | "admin", SessionUser & { token: string }>;

export async function createRoleUsers(db: Db): Promise<RoleUsers> {
  const suffix = randomBytes(4).toString("hex");
  const make = async (role: Role) => {
    const row = await db.user.create({ data: { email: `ops-${role.toLowerCase()}-${suffix}@test.local`, name: `Ops ${role} ${suffix}`, role } });
    const { token } = await createApiToken(db, { userId: row.id, name: "ops tests" });
    return { id: row.id, email: row.email, name: row.name, role: row.role, locale: row.locale, token };
  };
  return { viewer: await make("VIEWER"), user: await make("USER"), admin: await make("ADMIN") };
}

export function apiRequest(method: string, path: string, options: { token?: string; body?: unknown; rawBody?: string } = {}): Request {
  const headers: Record<string, string> = {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.rawBody !== undefined) body = options.rawBody;
  else if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined) headers["content-type"] = "application/json";
  return new Request(`http://localhost${path}`, { method, headers, body });
}

export function routeParams<T>(params: T): { params: Promise<T> } {
  return { params: Promise.resolve(params) };
}
