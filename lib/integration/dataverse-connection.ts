import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import type { Db, Tx } from "../db/db-client.ts";
import type { DataverseConnection } from "../db/generated/client.ts";
import { DataverseClient } from "../dataverse/dataverse-client.ts";
import type { DataverseConfigInput } from "../dataverse/dataverse-config.ts";
import { getEnv } from "../env.ts";

// The one Dataverse connection the engine talks through: the enabled DataverseConnection row, its client secret
// encrypted at rest (AES-256-GCM with ENCRYPTION_KEY), turned into a DataverseClient. Clients are cached per process
// and per row version, so every run of a worker shares one request gate (Retry-After and concurrency are honoured
// across concurrent runs) and one token cache.

export const EMULATOR_CLIENT_ID = "emulator";
export const EMULATOR_CLIENT_SECRET = "emulator-secret";
export const EMULATOR_TENANT_ID = "emulator";

/** No enabled connection: every engine entry point reports this instead of failing obscurely. */
export class DataverseNotConfiguredError extends Error {
  override name = "DataverseNotConfiguredError";
  constructor(message = "No Dataverse connection is enabled. Set up and enable the Dataverse connection first.") {
    super(message);
  }
}

// ───────────── secrets at rest ─────────────

// A fixed development key keeps `npm run dev` and tests working without configuration; the launcher always generates
// a real ENCRYPTION_KEY, and production refuses to run without one.
const DEVELOPMENT_KEY_SEED = "coupling-console-development-only-key";

function encryptionKey(): Buffer {
  const env = getEnv();
  const configured = env.ENCRYPTION_KEY;
  if (!configured) {
    if (env.NODE_ENV === "production") throw new Error("ENCRYPTION_KEY is not set: the Dataverse client secret cannot be encrypted.");
    return createHash("sha256").update(DEVELOPMENT_KEY_SEED).digest();
  }
  const decoded = Buffer.from(configured, "base64");
  // A 32-byte base64 key (what the launcher generates) is used as is; any other text is hashed into a key.
  return decoded.length === 32 ? decoded : createHash("sha256").update(configured).digest();
}

/** "iv:tag:data", each base64. */
export function encryptSecret(plain: string, key: Buffer = encryptionKey()): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  const data = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return [iv.toString("base64"), cipher.getAuthTag().toString("base64"), data.toString("base64")].join(":");
}

export function decryptSecret(encrypted: string, key: Buffer = encryptionKey()): string {
  const [iv, tag, data] = encrypted.split(":");
  if (!iv || !tag || data === undefined) throw new Error("The stored secret is not in the iv:tag:data format.");
  const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64"));
  decipher.setAuthTag(Buffer.from(tag, "base64"));
  try {
    return Buffer.concat([decipher.update(Buffer.from(data, "base64")), decipher.final()]).toString("utf8");
  } catch {
    throw new Error("The stored Dataverse secret cannot be decrypted: ENCRYPTION_KEY changed since it was saved. Enter the client secret again.");
  }
}

// ───────────── the connection row ─────────────

/** The emulator's URL at run time: EMULATOR_URL (the launcher sets it) wins over the URL stored on the row. */
export function effectiveEnvironmentUrl(row: Pick<DataverseConnection, "environmentUrl" | "isEmulator">): string {
  if (row.isEmulator) return getEnv().EMULATOR_URL ?? row.environmentUrl;
  return row.environmentUrl;
}

/** The client configuration of a connection row (secret decrypted). */
export function connectionConfig(row: DataverseConnection): DataverseConfigInput {
  const baseUrl = effectiveEnvironmentUrl(row);
  return {
    baseUrl,
    tenantId: row.tenantId,
    clientId: row.clientId,
    clientSecret: decryptSecret(row.clientSecretEnc),
    // The emulator is its own token endpoint; a real org uses Entra ID (or DATAVERSE_AUTHORITY_HOST).
    authorityHost: row.isEmulator ? baseUrl : getEnv().DATAVERSE_AUTHORITY_HOST,
  };
}

export async function findEnabledConnection(db: Db | Tx): Promise<DataverseConnection | null> {
  return db.dataverseConnection.findFirst({ where: { isEnabled: true }, orderBy: { createdAt: "asc" } });
}

/**
 * Creates the connection row on first start: from DATAVERSE_URL / _TENANT_ID / _CLIENT_ID / _CLIENT_SECRET when
 * DATAVERSE_URL is set, else the bundled emulator. An existing row (any) is left as it is and returned.
 */
export async function ensureDefaultConnection(db: Db): Promise<DataverseConnection> {
  const existing = await db.dataverseConnection.findFirst({ orderBy: { createdAt: "asc" } });
  if (existing) return existing;
  const env = getEnv();
  const webhookSecretEnc = encryptSecret(randomBytes(24).toString("base64url"));
  if (env.DATAVERSE_URL) {
    const missing = (
      [
        ["DATAVERSE_TENANT_ID", env.DATAVERSE_TENANT_ID],
        ["DATAVERSE_CLIENT_ID", env.DATAVERSE_CLIENT_ID],
        ["DATAVERSE_CLIENT_SECRET", env.DATAVERSE_CLIENT_SECRET],
      ] as const
    ).filter(([, value]) => !value);
    if (missing.length > 0) {
      throw new Error(`DATAVERSE_URL is set, but ${missing.map(([name]) => name).join(", ")} ${missing.length > 1 ? "are" : "is"} not.`);
    }
    return db.dataverseConnection.create({
      data: {
        environmentUrl: env.DATAVERSE_URL.replace(/\/+$/, ""),
        tenantId: env.DATAVERSE_TENANT_ID!,
        clientId: env.DATAVERSE_CLIENT_ID!,
        clientSecretEnc: encryptSecret(env.DATAVERSE_CLIENT_SECRET!),
        isEnabled: true,
        isEmulator: false,
        webhookSecret: webhookSecretEnc,
      },
    });
  }
  return db.dataverseConnection.create({
    data: {
      environmentUrl: env.EMULATOR_URL ?? `http://127.0.0.1:${env.EMULATOR_PORT}`,
      tenantId: EMULATOR_TENANT_ID,
      clientId: EMULATOR_CLIENT_ID,
      clientSecretEnc: encryptSecret(EMULATOR_CLIENT_SECRET),
      isEnabled: true,
      isEmulator: true,
      webhookSecret: webhookSecretEnc,
    },
  });
}

/** The shared secret a webhook caller must present (decrypted), or null when the row has none. */
export function webhookSecretOf(row: Pick<DataverseConnection, "webhookSecret">): string | null {
  return row.webhookSecret ? decryptSecret(row.webhookSecret) : null;
}

// ───────────── clients ─────────────

const globalForClients = globalThis as unknown as { couplingConsoleDataverseClients?: Map<string, DataverseClient> };

function clientCache(): Map<string, DataverseClient> {
  globalForClients.couplingConsoleDataverseClients ??= new Map();
  return globalForClients.couplingConsoleDataverseClients;
}

/** A client for the enabled connection row; throws DataverseNotConfiguredError when none is enabled. */
export async function getDataverseClient(db: Db | Tx): Promise<DataverseClient> {
  const row = await findEnabledConnection(db);
  if (!row) throw new DataverseNotConfiguredError();
  return clientForConnection(row);
}

export function clientForConnection(row: DataverseConnection): DataverseClient {
  const cacheKey = [row.id, row.rowVersion, effectiveEnvironmentUrl(row), row.clientId, row.clientSecretEnc].join("|");
  const cache = clientCache();
  const cached = cache.get(cacheKey);
  if (cached) return cached;
  // A changed row (new secret, new URL) replaces its old client.
  for (const key of cache.keys()) if (key.startsWith(`${row.id}|`)) cache.delete(key);
  const client = new DataverseClient(connectionConfig(row));
  cache.set(cacheKey, client);
  return client;
}
