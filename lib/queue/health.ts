import type { Db } from "../db/db-client.ts";
import { getEnv } from "../env.ts";
import { findWatermarkHolders, type WatermarkHolder } from "../erp/change-capture.ts";
import { describeFailingMapping, listFailingMappings, type FailingMapping } from "../integration/run-backoff.ts";
import { createLogger, type Logger } from "../log/logger.ts";
import type { QueueBackendKind, QueueConnection } from "./queue-connection.ts";
import { listWorkers, type WorkerStatus } from "./worker-heartbeat.ts";

/** Queued work still runs, but something slows it down. */
export type HealthWarning = {
  code: "long-open-transaction";
  message: string;
  transaction: WatermarkHolder;
};

export type HealthReport = {
  status: "ok" | "degraded";
  /** Why the status is degraded, one sentence each; empty when ok. */
  reasons: string[];
  database: { ok: boolean };
  queue: { backend: QueueBackendKind; ok: boolean };
  workers: WorkerStatus[];
  warnings: HealthWarning[];
  /** Mappings whose automatic runs fail in a row (they back off); their work waits until the cause is fixed. */
  failingMappings: FailingMapping[];
};

const log = createLogger("health");
const CHECK_TIMEOUT_MS = 3_000;

function timeout(ms: number): Promise<never> {
  return new Promise((_, reject) => {
    const timer = setTimeout(() => reject(new Error(`Timed out after ${ms} ms`)), ms);
    timer.unref();
  });
}

function describeHolder(holder: WatermarkHolder): string {
  const who = [
    `pid ${holder.pid}`,
    holder.applicationName ? `application "${holder.applicationName}"` : undefined,
    holder.database ? `database ${holder.database}` : undefined,
  ].filter(Boolean);
  return `A transaction open for ${holder.openForSeconds} s (${who.join(", ")}${holder.state ? `, ${holder.state}` : ""}) holds back ERP change capture: ERP changes reach Dataverse only after it ends.`;
}

async function longOpenTransactions(db: Db, olderThanSeconds: number): Promise<HealthWarning[]> {
  if (olderThanSeconds <= 0) return [];
  const holders = await Promise.race([findWatermarkHolders(db, olderThanSeconds), timeout(CHECK_TIMEOUT_MS)]).catch((err: unknown) => {
    // The database check reports an unreachable database; this one only adds warnings.
    log.debug({ err }, "health: open-transaction check failed");
    return [];
  });
  return holders.map((transaction) => ({ code: "long-open-transaction", message: describeHolder(transaction), transaction }));
}

async function failingMappings(db: Db): Promise<FailingMapping[]> {
  return Promise.race([listFailingMappings(db), timeout(CHECK_TIMEOUT_MS)]).catch((err: unknown) => {
    // As above: an unreachable database is reported by the database check.
    log.debug({ err }, "health: failing-mappings check failed");
    return [];
  });
}

/**
 * Degraded when the database is down, the queue backend does not answer, or no worker is alive — in each case
 * queued work would not run — and also, with a warning, when a transaction open for longer than
 * OPEN_TRANSACTION_WARN_SECONDS holds back ERP change capture (work runs, but ERP changes wait), and when a mapping's
 * automatic runs keep failing (named, with its streak and next attempt).
 */
export async function getHealth(deps: {
  db: Db;
  queue: QueueConnection;
  now?: Date;
  /** Defaults to OPEN_TRANSACTION_WARN_SECONDS; 0 turns the check off. */
  openTransactionWarnSeconds?: number;
}): Promise<HealthReport> {
  const [workers, queueOk, warnings, failing] = await Promise.all([
    Promise.race([listWorkers(deps.db, deps.now ?? new Date()), timeout(CHECK_TIMEOUT_MS)]).catch((err: unknown) => {
      log.warn({ err }, "health: database check failed");
      return null;
    }),
    deps.queue.ping(CHECK_TIMEOUT_MS),
    longOpenTransactions(deps.db, deps.openTransactionWarnSeconds ?? getEnv().OPEN_TRANSACTION_WARN_SECONDS),
    failingMappings(deps.db),
  ]);
  const databaseOk = workers !== null;
  const anyAlive = (workers ?? []).some((w) => w.alive);
  const reasons = [
    ...(databaseOk ? [] : ["The database does not answer."]),
    ...(queueOk ? [] : [`The queue backend (${deps.queue.backend}) does not answer.`]),
    ...(databaseOk && !anyAlive ? ["No worker is running: queued work does not run."] : []),
    ...warnings.map((w) => w.message),
    ...failing.map(describeFailingMapping),
  ];
  return {
    status: reasons.length ? "degraded" : "ok",
    reasons,
    database: { ok: databaseOk },
    queue: { backend: deps.queue.backend, ok: queueOk },
    workers: workers ?? [],
    warnings,
    failingMappings: failing,
  };
}

/** 503 only when queued work cannot run; a report degraded by warnings alone still answers 200. */
export function healthHttpStatus(report: HealthReport): 200 | 503 {
  const working = report.database.ok && report.queue.ok && report.workers.some((w) => w.alive);
  return working ? 200 : 503;
}

const WATCH_EVERY_MS = 30_000;

/**
 * The worker's side of the open-transaction warning: logs each transaction that holds back ERP change capture for
 * longer than `warnSeconds` once (warn), and once more when it has ended (info), instead of on every check.
 */
export function watchOpenTransactions(deps: { db: Db; log: Logger; warnSeconds: number; everyMs?: number }): { stop: () => Promise<void> } {
  if (deps.warnSeconds <= 0) return { stop: async () => undefined };
  const reported = new Set<number>();
  let checking: Promise<void> = Promise.resolve();
  const check = async () => {
    const holders = await findWatermarkHolders(deps.db, deps.warnSeconds).catch((err: unknown) => {
      deps.log.debug({ err }, "open-transaction check failed");
      return null;
    });
    if (!holders) return;
    const current = new Set(holders.map((h) => h.pid));
    for (const holder of holders) {
      if (reported.has(holder.pid)) continue;
      reported.add(holder.pid);
      deps.log.warn({ transaction: holder }, describeHolder(holder));
    }
    for (const pid of reported) {
      if (current.has(pid)) continue;
      reported.delete(pid);
      deps.log.info({ pid }, "the long-open transaction has ended; ERP change capture catches up");
    }
  };
  const timer = setInterval(() => {
    checking = check();
  }, deps.everyMs ?? WATCH_EVERY_MS);
  timer.unref();
  return {
    // Waits for a check in flight, so none runs on a pool the caller is about to close.
    stop: async () => {
      clearInterval(timer);
      await checking;
    },
  };
}
