import { timingSafeEqual } from "node:crypto";
import { z } from "zod";
import type { DataverseClient } from "../dataverse/dataverse-client.ts";
import type { Db } from "../db/db-client.ts";
import { Prisma } from "../db/generated/client.ts";
import type { SyncJobTrigger } from "../db/generated/enums.ts";
import type { Logger } from "../log/logger.ts";
import { enqueueJob, mappingRunDeduplicationId } from "../queue/enqueue.ts";
import { removeMappingSchedule, upsertMappingSchedule } from "../queue/job-schedules.ts";
import type { QueueConnection } from "../queue/queue-connection.ts";
import { effectiveEnvironmentUrl, findEnabledConnection, getDataverseClient, webhookSecretOf } from "./dataverse-connection.ts";
import { DATAVERSE_ENTITIES } from "./field-catalog.ts";
import { isHeldBack } from "./run-backoff.ts";

// What starts runs besides people: per-mapping job schedulers, an ERP change poll (an ERP edit → a de-duplicated
// run of its mapping within about a second, whoever wrote it: console, API or SQL; From-only mappings on ERP
// deletions only, which their runs handle), a cheap Dataverse delta poll (one request per mapping when nothing
// changed; To-only mappings too, for the deletions their runs handle) and the emulator's webhooks. Every trigger
// enqueues a whole-mapping run under the mapping's de-duplication id, so a burst of triggers becomes one run (plus
// at most one queued behind a running one). While a mapping's automatic runs keep failing, its schedule and delta poll
// back off (run-backoff.ts); ERP edits and webhooks still try at once.

export async function enqueueMappingRun(queue: QueueConnection, mappingId: string, trigger: SyncJobTrigger): Promise<void> {
  await enqueueJob(queue, "sync-run", { mappingId, trigger }, { deduplicationId: mappingRunDeduplicationId(mappingId) });
}

type MappingRow = {
  id: string;
  name: string;
  erpTable: string;
  dataverseEntity: string;
  direction: string;
  isEnabled: boolean;
  status: string;
  scheduleSeconds: number;
  erpWatermark: bigint;
  dataverseDeltaLink: string | null;
  nextAttemptAt: Date | null;
};

async function activeMappings(db: Db): Promise<MappingRow[]> {
  return db.integrationTableMapping.findMany({
    select: { id: true, name: true, erpTable: true, dataverseEntity: true, direction: true, isEnabled: true, status: true, scheduleSeconds: true, erpWatermark: true, dataverseDeltaLink: true, nextAttemptAt: true },
  });
}

const isActive = (m: MappingRow) => m.isEnabled && m.status !== "PAUSED" && m.status !== "ON_HOLD";

const ERP_TABLES: Record<string, string> = { CUSTOMER: '"Customer"', CONTACT: '"Contact"', SALESPERSON: '"Salesperson"', CURRENCY: '"Currency"' };

/** The newest change stamp of an ERP table (rows and tombstones) at or above `since`; null when nothing changed. */
export async function latestErpChange(db: Db, table: string, since: bigint): Promise<bigint | null> {
  const t = Prisma.raw(ERP_TABLES[table]);
  const [row] = await db.$queryRaw<{ latest: bigint | null }[]>`
    SELECT GREATEST(
      (SELECT max("changeXid") FROM ${t} WHERE "changeXid" >= ${since}),
      (SELECT max("changeXid") FROM "ErpDeletion" WHERE "table" = ${table}::"ErpTable" AND "changeXid" >= ${since})
    ) AS latest`;
  return row?.latest ?? null;
}

/**
 * The newest tombstone stamp of an ERP table at or above `since` whose record is still gone; null when none. A
 * From-only mapping's runs read ERP change capture for deletions only, so only these start one.
 */
export async function latestErpDeletion(db: Db, table: string, since: bigint): Promise<bigint | null> {
  const t = Prisma.raw(ERP_TABLES[table]);
  const [row] = await db.$queryRaw<{ latest: bigint | null }[]>`
    SELECT max(d."changeXid") AS latest FROM "ErpDeletion" d
    WHERE d."table" = ${table}::"ErpTable" AND d."changeXid" >= ${since}
      AND NOT EXISTS (SELECT 1 FROM ${t} r WHERE r."id" = d."recordId")`;
  return row?.latest ?? null;
}

/** Whether the delta link has anything new (one small request); true when there is no link yet or it expired. */
export async function dataverseHasChanges(client: DataverseClient, entity: string, deltaLink: string | null): Promise<boolean> {
  if (!deltaLink) return true;
  const entitySet = DATAVERSE_ENTITIES[entity]?.entitySet;
  if (!entitySet) return false;
  try {
    for await (const page of client.changes(entitySet, { deltaLink, pageSize: 1 })) {
      return page.upserts.length > 0 || page.deletes.length > 0 || page.nextLink !== null;
    }
    return false;
  } catch {
    // Expired link, or Dataverse unreachable: let a run find out and record it.
    return true;
  }
}

export type SyncTriggerOptions = {
  db: Db;
  queue: QueueConnection;
  log: Logger;
  /** 0 disables the ERP change poll. */
  erpPollMs: number;
  /** 0 disables the Dataverse delta poll. */
  dataversePollMs: number;
  /** How often schedules are reconciled with the mappings (schedule edits, pause/resume); 0: leave schedules alone. */
  scheduleSyncMs?: number;
  /** URL the emulator's webhooks call (the console's /api/webhooks/dataverse); none: no registration. */
  webhookBaseUrl?: string;
  getClient?: (db: Db) => Promise<DataverseClient>;
};

export type SyncTriggers = { stop(): Promise<void>; /** One round of every check, for tests. */ tick(): Promise<void> };

export async function startSyncTriggers(options: SyncTriggerOptions): Promise<SyncTriggers> {
  const { db, queue, log } = options;
  const getClient = options.getClient ?? getDataverseClient;
  const lastTriggered = new Map<string, bigint>();
  const appliedSchedules = new Map<string, string>();
  const timers: NodeJS.Timeout[] = [];
  let stopped = false;
  const running = new Set<Promise<unknown>>();

  const guard = (name: string, fn: () => Promise<void>) => async () => {
    if (stopped) return;
    const p = fn().catch((err: unknown) => log.warn({ err, trigger: name }, "sync trigger failed"));
    running.add(p);
    await p;
    running.delete(p);
  };

  const syncSchedules = async () => {
    // Without an enabled connection no run could do anything: schedules are removed until one is enabled.
    const connected = (await findEnabledConnection(db)) !== null;
    for (const m of await activeMappings(db)) {
      const wanted = connected && isActive(m) ? `every:${m.scheduleSeconds}` : "off";
      if (appliedSchedules.get(m.id) === wanted) continue;
      if (wanted === "off") await removeMappingSchedule(queue, m.id);
      else await upsertMappingSchedule(queue, m.id, m.scheduleSeconds);
      appliedSchedules.set(m.id, wanted);
    }
  };

  const pollErp = async () => {
    if (!(await findEnabledConnection(db))) return;
    for (const m of await activeMappings(db)) {
      if (!isActive(m)) continue;
      // From-only mappings too, for the ERP deletions their runs handle.
      const latest = m.direction === "FROM_INTEGRATION_TABLE" ? await latestErpDeletion(db, m.erpTable, m.erpWatermark) : await latestErpChange(db, m.erpTable, m.erpWatermark);
      if (latest === null) continue;
      const previous = lastTriggered.get(m.id);
      if (previous !== undefined && latest <= previous) continue;
      lastTriggered.set(m.id, latest);
      await enqueueMappingRun(queue, m.id, "ERP_CHANGE");
    }
  };

  const pollDataverse = async () => {
    const connection = await findEnabledConnection(db);
    if (!connection) return;
    const client = await getClient(db);
    // To-only mappings too: their runs read the link's deletions (a deleted counterpart is handled when it happens).
    for (const m of await activeMappings(db)) {
      if (!isActive(m)) continue;
      // A failing mapping is not polled until its next attempt (run-backoff.ts): its run would be held back anyway.
      if (isHeldBack(m, "DATAVERSE_CHANGE")) continue;
      if (await dataverseHasChanges(client, m.dataverseEntity, m.dataverseDeltaLink)) await enqueueMappingRun(queue, m.id, "DATAVERSE_CHANGE");
    }
  };

  const tick = async () => {
    if (options.scheduleSyncMs !== 0) await guard("schedules", syncSchedules)();
    await guard("erp-poll", pollErp)();
    if (options.dataversePollMs > 0) await guard("dataverse-poll", pollDataverse)();
  };

  const manageSchedules = options.scheduleSyncMs !== 0;
  if (manageSchedules) await guard("schedules", syncSchedules)();
  if (options.webhookBaseUrl) await guard("webhooks", async () => void (await registerEmulatorWebhook(db, options.webhookBaseUrl!, log)))();
  const every = (ms: number, fn: () => Promise<void>) => {
    let busy = false;
    const timer = setInterval(() => {
      if (busy) return;
      busy = true;
      void fn().finally(() => (busy = false));
    }, ms);
    timers.push(timer);
  };
  if (manageSchedules) every(options.scheduleSyncMs ?? 30_000, guard("schedules", syncSchedules));
  if (options.erpPollMs > 0) every(options.erpPollMs, guard("erp-poll", pollErp));
  if (options.dataversePollMs > 0) every(options.dataversePollMs, guard("dataverse-poll", pollDataverse));

  return {
    tick,
    async stop() {
      stopped = true;
      for (const t of timers) clearInterval(t);
      await Promise.allSettled([...running]);
    },
  };
}

// ───────────── webhooks ─────────────

const emulatorWebhookListSchema = z.array(z.looseObject({ id: z.string(), url: z.string() }));

/** Registers the console's webhook with the emulator (once: an existing registration for the same URL is kept). */
export async function registerEmulatorWebhook(db: Db, webhookBaseUrl: string, log?: Logger): Promise<boolean> {
  const connection = await findEnabledConnection(db);
  if (!connection?.isEmulator) return false;
  const secret = webhookSecretOf(connection);
  if (!secret) return false;
  const emulatorUrl = effectiveEnvironmentUrl(connection).replace(/\/+$/, "");
  const url = `${webhookBaseUrl.replace(/\/+$/, "")}/api/webhooks/dataverse?secret=${encodeURIComponent(secret)}`;
  const listed = await fetch(`${emulatorUrl}/_emulator/webhooks`);
  if (listed.ok) {
    const body: unknown = await listed.json();
    const parsed = emulatorWebhookListSchema.safeParse(Array.isArray(body) ? body : (body as { value?: unknown })?.value);
    if (parsed.success && parsed.data.some((w) => w.url === url)) return true;
  }
  const entities = [...new Set((await db.integrationTableMapping.findMany({ select: { dataverseEntity: true } })).map((m) => m.dataverseEntity))];
  const response = await fetch(`${emulatorUrl}/_emulator/webhooks`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ url, entities, messages: ["create", "update", "delete"] }),
  });
  if (!response.ok) log?.warn({ status: response.status }, "the emulator refused the webhook registration");
  return response.ok;
}

export const webhookPayloadSchema = z.looseObject({
  MessageName: z.string().optional(),
  PrimaryEntityName: z.string().min(1),
  PrimaryEntityId: z.string().optional(),
});

export type WebhookOutcome = { status: 202; runs: number } | { status: 400 | 401; message: string };

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** A Dataverse (emulator) webhook call: checks the shared secret, then enqueues a de-duplicated run per mapping of the entity. */
export async function handleDataverseWebhook(db: Db, queue: QueueConnection, presentedSecret: string | null, body: unknown): Promise<WebhookOutcome> {
  const connection = await findEnabledConnection(db);
  const secret = connection ? webhookSecretOf(connection) : null;
  if (!secret || !presentedSecret || !sameSecret(secret, presentedSecret)) return { status: 401, message: "The webhook secret is missing or wrong." };
  const parsed = webhookPayloadSchema.safeParse(body);
  if (!parsed.success) return { status: 400, message: "The webhook body must be a Dataverse notification with PrimaryEntityName." };
  // A deletion concerns To-only mappings as well (their runs apply the deletion policy); other messages do not.
  const isDelete = parsed.data.MessageName?.toLowerCase() === "delete";
  const mappings = await db.integrationTableMapping.findMany({
    where: {
      dataverseEntity: parsed.data.PrimaryEntityName.toLowerCase(),
      isEnabled: true,
      status: { notIn: ["PAUSED", "ON_HOLD"] },
      ...(isDelete ? {} : { direction: { not: "TO_INTEGRATION_TABLE" as const } }),
    },
    select: { id: true },
  });
  for (const m of mappings) await enqueueMappingRun(queue, m.id, "WEBHOOK");
  return { status: 202, runs: mappings.length };
}
