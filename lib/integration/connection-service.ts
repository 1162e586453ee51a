import { z } from "zod";
import { actionError } from "../actions/action-result.ts";
import { fieldText, renderText, serverMessage, type ServerMessage } from "../actions/server-message.ts";
import { writeAuditEntry, type AuditActor } from "../auth/audit-entry.ts";
import { DataverseClient } from "../dataverse/dataverse-client.ts";
import { DataverseError } from "../dataverse/dataverse-error.ts";
import type { Db } from "../db/db-client.ts";
import type { DataverseConnection } from "../db/generated/client.ts";
import { getEnv } from "../env.ts";
import { connectionConfig, encryptSecret } from "./dataverse-connection.ts";

// The Dataverse Connection page: the one connection row (environment URL, tenant, client id, the client secret —
// write-only, encrypted at rest, never read back), Test Connection (a token and WhoAmI through the real client) and
// Enable / Disable. Every change is audited without the secret.

export type ConnectionView = {
  id: string | null;
  environmentUrl: string;
  tenantId: string;
  clientId: string;
  hasSecret: boolean;
  isEnabled: boolean;
  isEmulator: boolean;
  lastTestAt: string | null;
  lastTestOk: boolean | null;
  lastTestMessage: string | null;
  rowVersion: number;
};

const atMost = (max: number) => fieldText("fields.atMostCharacters", { max: String(max) });

export const connectionInputSchema = z.strictObject({
  environmentUrl: z
    .string({ error: fieldText("fields.enterEnvironmentUrl") })
    .trim()
    .min(1, fieldText("fields.enterEnvironmentUrlExample"))
    .max(250, atMost(250))
    .pipe(z.url({ protocol: /^https?$/, error: fieldText("fields.urlHttps") }))
    .transform((u) => u.replace(/\/+$/, "")),
  tenantId: z.string({ error: fieldText("fields.enterTenantId") }).trim().min(1, fieldText("fields.enterTenantId")).max(100, atMost(100)),
  clientId: z.string({ error: fieldText("fields.enterClientId") }).trim().min(1, fieldText("fields.enterClientId")).max(100, atMost(100)),
  /** Blank keeps the stored secret. */
  clientSecret: z.string().max(500, atMost(500)).optional().default(""),
  rowVersion: z.number().int().min(0).optional(),
});

export type ConnectionInput = z.output<typeof connectionInputSchema>;

async function currentRow(db: Db): Promise<DataverseConnection | null> {
  return db.dataverseConnection.findFirst({ orderBy: { createdAt: "asc" } });
}

function toView(row: DataverseConnection | null): ConnectionView {
  if (!row) {
    return { id: null, environmentUrl: "", tenantId: "", clientId: "", hasSecret: false, isEnabled: false, isEmulator: false, lastTestAt: null, lastTestOk: null, lastTestMessage: null, rowVersion: 0 };
  }
  return {
    id: row.id,
    environmentUrl: row.environmentUrl,
    tenantId: row.tenantId,
    clientId: row.clientId,
    hasSecret: row.clientSecretEnc.length > 0,
    isEnabled: row.isEnabled,
    isEmulator: row.isEmulator,
    lastTestAt: row.lastTestAt?.toISOString() ?? null,
    lastTestOk: row.lastTestOk,
    lastTestMessage: row.lastTestMessage,
    rowVersion: row.rowVersion,
  };
}

export async function getConnectionView(db: Db): Promise<ConnectionView> {
  return toView(await currentRow(db));
}

const normalizeUrl = (url: string) => url.trim().replace(/\/+$/, "").toLowerCase();

/** The bundled emulator is recognised by its URL, so its own token endpoint is used instead of Entra ID. */
function isEmulatorUrl(url: string): boolean {
  const emulator = getEnv().EMULATOR_URL;
  return Boolean(emulator) && normalizeUrl(emulator!) === normalizeUrl(url);
}

function auditView(row: DataverseConnection) {
  return { environmentUrl: row.environmentUrl, tenantId: row.tenantId, clientId: row.clientId, isEnabled: row.isEnabled, secretChanged: false };
}

export async function saveConnection(db: Db, actor: AuditActor, input: ConnectionInput): Promise<ConnectionView> {
  const row = await currentRow(db);
  const secret = input.clientSecret.trim();
  if (!row && !secret) throw actionError("invalid", serverMessage("errors.enterClientSecret"), { clientSecret: [serverMessage("errors.enterClientSecret")] });
  const isEmulator = (row?.isEmulator && normalizeUrl(row.environmentUrl) === normalizeUrl(input.environmentUrl)) || isEmulatorUrl(input.environmentUrl);
  const data = {
    environmentUrl: input.environmentUrl,
    tenantId: input.tenantId,
    clientId: input.clientId,
    isEmulator,
    ...(secret ? { clientSecretEnc: encryptSecret(secret) } : {}),
  };
  if (!row) {
    const created = await db.dataverseConnection.create({ data: { ...data, clientSecretEnc: encryptSecret(secret), isEnabled: false } });
    await writeAuditEntry(db, actor, { action: "connection.create", entityType: "DataverseConnection", entityId: created.id, after: { ...auditView(created), secretChanged: true } });
    return toView(created);
  }
  const changed = await db.dataverseConnection.updateMany({
    where: { id: row.id, ...(input.rowVersion ? { rowVersion: input.rowVersion } : {}) },
    // A changed connection has not been tested yet.
    data: { ...data, rowVersion: { increment: 1 }, lastTestAt: null, lastTestOk: null, lastTestMessage: null },
  });
  if (changed.count === 0) throw actionError("conflict", serverMessage("errors.connectionChanged"));
  const after = (await db.dataverseConnection.findUniqueOrThrow({ where: { id: row.id } }));
  await writeAuditEntry(db, actor, { action: "connection.update", entityType: "DataverseConnection", entityId: row.id, before: auditView(row), after: { ...auditView(after), secretChanged: Boolean(secret) } });
  return toView(after);
}

/**
 * `message` is in English (stored on the connection as its last test, recognised and translated when shown); `text`
 * describes it, for the reader's language.
 */
export type TestResult = { ok: boolean; message: string; text: ServerMessage; userId: string | null };

function failureMessage(error: unknown): ServerMessage {
  if (error instanceof DataverseError) {
    if (error.name === "TokenAcquisitionError") {
      return serverMessage(error.retryClass === "transient" ? "engine.connectionSignInUnreachable" : "engine.connectionCredentialsRefused", { detail: error.message });
    }
    if (error.retryClass === "auth") return serverMessage("engine.connectionAccessRefused", { status: String(error.status) });
    return serverMessage("engine.connectionHttpError", { status: String(error.status), detail: error.message });
  }
  return serverMessage("engine.connectionUnreachable", { detail: error instanceof Error ? error.message : String(error) });
}

function testResult(ok: boolean, text: ServerMessage, userId: string | null): TestResult {
  return { ok, message: renderText("en", text), text, userId };
}

/** Token + WhoAmI with the saved settings; the result is stored on the row and returned. */
export async function testConnection(db: Db, actor: AuditActor): Promise<TestResult> {
  const row = await currentRow(db);
  if (!row) throw actionError("not_found", serverMessage("errors.noConnection"));
  let result: TestResult;
  try {
    // A fresh client with few retries: a test should answer within seconds, not back off for minutes.
    const client = new DataverseClient({ ...connectionConfig(row), limits: { maxRetries: 0, maxThrottleRetries: 1, requestTimeoutMs: 15_000 } });
    const who = await client.whoAmI();
    const connected = who.organizationId
      ? serverMessage("engine.connectedInOrganization", { user: who.userId, organization: who.organizationId })
      : serverMessage("engine.connected", { user: who.userId });
    result = testResult(true, connected, who.userId);
  } catch (error) {
    result = testResult(false, failureMessage(error), null);
  }
  await db.dataverseConnection.update({
    where: { id: row.id },
    data: { lastTestAt: new Date(), lastTestOk: result.ok, lastTestMessage: result.message.slice(0, 1000), ...(result.userId ? { integrationUserId: result.userId } : {}) },
  });
  await writeAuditEntry(db, actor, { action: "connection.test", entityType: "DataverseConnection", entityId: row.id, after: { ok: result.ok, message: result.message } });
  return result;
}

export async function setConnectionEnabled(db: Db, actor: AuditActor, isEnabled: boolean): Promise<ConnectionView> {
  const row = await currentRow(db);
  if (!row) throw actionError("not_found", serverMessage("errors.noConnection"));
  const updated = await db.dataverseConnection.update({ where: { id: row.id }, data: { isEnabled, rowVersion: { increment: 1 } } });
  await writeAuditEntry(db, actor, { action: isEnabled ? "connection.enable" : "connection.disable", entityType: "DataverseConnection", entityId: row.id, before: { isEnabled: row.isEnabled }, after: { isEnabled } });
  return toView(updated);
}
