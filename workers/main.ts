import { createDb } from "../lib/db/db-client.ts";
import { getEnv, requireDatabaseUrl } from "../lib/env.ts";
import { createLogger } from "../lib/log/logger.ts";
import { startSyncTriggers } from "../lib/integration/sync-triggers.ts";
import { watchOpenTransactions } from "../lib/queue/health.ts";
import { createQueueConnection } from "../lib/queue/queue-connection.ts";
import { startWorkerRuntime } from "./worker-runtime.ts";

// `npm run worker`: one BullMQ Worker per queue, a heartbeat in WorkerHeartbeat, and a graceful stop on
// SIGINT/SIGTERM. Start more of these processes to scale out.

const SHUTDOWN_TIMEOUT_MS = 25_000;
const log = createLogger("worker");

async function main() {
  const env = getEnv();
  const databaseUrl = requireDatabaseUrl();
  const db = createDb(databaseUrl, { max: 5 });
  const queue = createQueueConnection({ redisUrl: env.REDIS_URL, databaseUrl, logger: log });
  const runtime = await startWorkerRuntime({
    queue,
    db,
    log,
    maxConcurrency: env.WORKER_CONCURRENCY,
    lockDurationMs: env.WORKER_LOCK_SECONDS * 1_000,
    scheduleMaintenance: true,
  });
  // Schedules, the ERP change poll, the Dataverse delta poll and the emulator webhook registration.
  const triggers = await startSyncTriggers({
    db,
    queue,
    log,
    erpPollMs: env.ERP_POLL_MS,
    dataversePollMs: env.DATAVERSE_POLL_SECONDS * 1_000,
    webhookBaseUrl: env.NEXTAUTH_URL ?? `http://127.0.0.1:${env.PORT}`,
  });
  // A transaction left open on the server delays ERP change capture: say so in the log (as /api/health does).
  const openTransactions = watchOpenTransactions({ db, log, warnSeconds: env.OPEN_TRANSACTION_WARN_SECONDS });

  let exiting = false;
  const shutdown = async (signal: NodeJS.Signals) => {
    if (exiting) {
      log.info({ signal }, "shutdown already in progress");
      return;
    }
    exiting = true;
    log.info({ signal }, "shutting down");
    await openTransactions.stop();
    await triggers.stop();
    const outcome = await runtime.stop(SHUTDOWN_TIMEOUT_MS);
    await queue.close();
    await db.$disconnect();
    process.exit(outcome === "abandoned" ? 1 : 0);
  };
  process.on("SIGINT", (s) => void shutdown(s));
  process.on("SIGTERM", (s) => void shutdown(s));
}

main().catch((err: unknown) => {
  log.fatal({ err }, "the worker could not start");
  process.exitCode = 1;
  setTimeout(() => process.exit(1), 100).unref();
});
