import fs from "node:fs";
import path from "node:path";
import { getEnv, provideEnvDefaults } from "../lib/env.ts";
import {
  assertPortFree,
  assertPostgresReachable,
  assertRedisReachable,
  buildAppIfNeeded,
  buildWorkerIfNeeded,
  LaunchError,
  loadOrCreateSecrets,
  onStopSignal,
  ROOT,
  saveSecrets,
  startChild,
  startEmbeddedPostgres,
  stopChild,
  tsxArgs,
  waitForHttp,
  workerCommand,
  type Child,
  type EmbeddedDatabase,
} from "./launch-support.ts";
import { applyMigrations } from "./migrate-engine.ts";

// `npm start`: the whole console on embedded defaults (or on DATABASE_URL / REDIS_URL / DATAVERSE_URL when set).
// Every failure ends in one clear line; Ctrl-C stops everything this process started, and the data stays in .data/.
// A stop (Ctrl-C, or SIGTERM/SIGINT/SIGHUP to this process alone) stops the worker, the web console and the emulator
// first, each gracefully, and PostgreSQL last, so nothing loses its database while it is still shutting down.

const EMBEDDED_PG_DEFAULT_PORT = 54329;
// The worker waits up to 25 s for running jobs, then as long again for them to be handed back (workers/main.ts).
const WORKER_STOP_TIMEOUT_MS = 60_000;
const say = (line: string) => process.stdout.write(`${line}\n`);

function completeEnv() {
  const given = getEnv();
  const dataDir = path.resolve(ROOT, given.DATA_DIR ?? ".data");
  const secrets = loadOrCreateSecrets(dataDir);
  const env = provideEnvDefaults({
    NEXTAUTH_SECRET: secrets.nextAuthSecret,
    ENCRYPTION_KEY: secrets.encryptionKey,
    NEXTAUTH_URL: `http://localhost:${given.PORT}`,
    ...(given.DATAVERSE_URL ? {} : { EMULATOR_URL: `http://127.0.0.1:${given.EMULATOR_PORT}` }),
  });
  return { env, secrets, dataDir };
}

async function main() {
  let completed: ReturnType<typeof completeEnv>;
  try {
    completed = completeEnv();
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(1);
  }
  const { env, secrets, dataDir } = completed;
  const children: Child[] = [];
  let database: EmbeddedDatabase | undefined;
  let stopping = false;

  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    say("Stopping…");
    for (const child of [...children].reverse()) await stopChild(child, child.name === "worker" ? WORKER_STOP_TIMEOUT_MS : undefined);
    await database?.stop().catch((error: unknown) => process.stderr.write(`Embedded PostgreSQL did not stop cleanly: ${(error as Error).message}\n`));
    say("Stopped.");
    process.exit(code);
  };
  onStopSignal(() => void shutdown(0));

  try {
    const useEmulator = !env.DATAVERSE_URL;
    await assertPortFree(env.PORT, "web console", "PORT");
    if (useEmulator) await assertPortFree(env.EMULATOR_PORT, "Dataverse emulator", "EMULATOR_PORT");

    let databaseUrl = env.DATABASE_URL;
    if (databaseUrl) {
      await assertPostgresReachable(databaseUrl);
    } else {
      const port = secrets.postgresPort ?? EMBEDDED_PG_DEFAULT_PORT;
      if (!secrets.postgresPort) {
        await assertPortFree(port, "embedded PostgreSQL", "DATABASE_URL (or free the port)");
        saveSecrets(dataDir, { ...secrets, postgresPort: port });
      }
      say(`Starting embedded PostgreSQL (data in ${path.relative(ROOT, path.join(dataDir, "postgres")) || dataDir}, port ${port})…`);
      database = await startEmbeddedPostgres({
        dir: path.join(dataDir, "postgres"),
        port,
        password: secrets.postgresPassword,
        database: "coupling_console",
      });
      databaseUrl = database.url;
    }
    if (env.REDIS_URL) await assertRedisReachable(env.REDIS_URL);

    try {
      const { applied } = await applyMigrations(databaseUrl);
      if (applied.length) say(`Applied ${applied.length} database migration(s).`);
    } catch (error) {
      throw new LaunchError(`Database migration failed: ${(error as Error).message}`);
    }

    provideEnvDefaults({ DATABASE_URL: databaseUrl });
    const { ensureIntegrationSetup, seedOnFirstStart } = await import("./first-start.ts");
    const seeded = await seedOnFirstStart(databaseUrl);
    if (seeded) say("Seeded demo data (first start).");
    try {
      await ensureIntegrationSetup(databaseUrl);
    } catch (error) {
      throw new LaunchError(`The Dataverse connection could not be set up: ${(error as Error).message}`);
    }

    buildAppIfNeeded(say);
    buildWorkerIfNeeded(say);

    const webUrl = env.NEXTAUTH_URL as string;
    const emulatorUrl = `http://127.0.0.1:${env.EMULATOR_PORT}`;
    const childEnv: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      ...(useEmulator ? { EMULATOR_CONSOLE_URL: webUrl } : {}),
    };

    const hasEmulator = fs.existsSync(path.join(ROOT, "emulator/main.ts"));
    if (useEmulator && hasEmulator) {
      const [node, args] = tsxArgs("emulator/main.ts");
      // Like PostgreSQL, out of the terminal's Ctrl-C: the worker may still be finishing a run against it.
      const emulator = startChild("dataverse-emulator", node, [...args, "--port", String(env.EMULATOR_PORT), "--data-dir", path.join(dataDir, "dataverse"), "--seed", "demo"], childEnv, { ownProcessGroup: true });
      children.push(emulator);
      await waitForHttp(`${emulatorUrl}/_emulator/stats`, 30_000, "The Dataverse emulator");
    }

    const web = startChild("web", process.execPath, [path.join(ROOT, "node_modules/next/dist/bin/next"), "start", "-p", String(env.PORT)], childEnv);
    children.push(web);
    // Compiled (built first when its sources changed) and with a bounded heap: the worker's memory stays flat however
    // large a run is (bench/README.md, P5).
    const [node, workerArgs] = workerCommand({ maxHeapMb: env.WORKER_MAX_HEAP_MB, log: say });
    const worker = startChild("worker", node, workerArgs, childEnv);
    children.push(worker);
    for (const child of children) {
      void child.exited.then((code) => {
        if (stopping) return;
        process.stderr.write(`The ${child.name} process stopped unexpectedly (exit code ${code}). Stopping the console.\n`);
        void shutdown(1);
      });
    }

    await waitForHttp(`http://127.0.0.1:${env.PORT}/login`, 60_000, "The web console");
    say("");
    say(`  Coupling console is running at ${webUrl}`);
    say(`  Demo logins:  admin@demo.local / admin   ·   user@demo.local / user   ·   viewer@demo.local / viewer`);
    if (useEmulator && hasEmulator) say(`  Dataverse emulator: ${emulatorUrl}/ (demo data; Open in ERP links point back here)`);
    if (useEmulator && !hasEmulator) say("  Dataverse emulator: not bundled in this build; set DATAVERSE_URL to use a real org.");
    say(`  Queue backend: ${env.REDIS_URL ? "Redis" : "PostgreSQL"}   ·   Press Ctrl-C to stop.`);
    say("");
  } catch (error) {
    const message = error instanceof LaunchError ? error.message : `Unexpected failure: ${(error as Error).stack ?? error}`;
    process.stderr.write(`${message}\n`);
    await shutdown(1);
  }
}

void main();
