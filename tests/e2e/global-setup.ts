import fs from "node:fs";
import path from "node:path";
import { buildAppIfNeeded, findFreePort, ROOT, startChild, stopChild, tsxArgs, waitForHttp, workerCommand, type Child } from "../../scripts/launch-support.ts";
import { applyMigrations } from "../../scripts/migrate-engine.ts";
import { ensureIntegrationSetup, seedOnFirstStart } from "../../scripts/first-start.ts";
import { getEnv, provideEnvDefaults } from "../../lib/env.ts";
import { createThrowawayDatabase, dropDatabase } from "../support/test-database.ts";

// Starts the console as a user would run it (built app, worker, seeded emulator) on a throwaway database.
export default async function globalSetup() {
  // Build first: a failing build must not leave a throwaway database behind.
  buildAppIfNeeded((line) => process.stdout.write(`${line}\n`));
  const db = await createThrowawayDatabase("cc_e2e");
  const children: Child[] = [];
  const teardown = async () => {
    for (const child of children.reverse()) await stopChild(child);
    await dropDatabase(db.name);
  };
  try {
    await startConsole(db, children);
  } catch (error) {
    await teardown();
    throw error;
  }
  return teardown;
}

async function startConsole(db: { url: string }, children: Child[]): Promise<void> {
  await applyMigrations(db.url);
  await seedOnFirstStart(db.url);

  const port = await findFreePort();
  const baseUrl = `http://localhost:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    DATABASE_URL: db.url,
    NEXTAUTH_URL: baseUrl,
    NEXTAUTH_SECRET: "e2e-secret-e2e-secret-e2e-secret",
    ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64"),
    LOG_LEVEL: "warn",
  };
  delete env.REDIS_URL;
  if (fs.existsSync(path.join(ROOT, "emulator/main.ts"))) {
    const emulatorPort = await findFreePort();
    const [node, args] = tsxArgs("emulator/main.ts");
    env.EMULATOR_URL = `http://127.0.0.1:${emulatorPort}`;
    env.EMULATOR_CONSOLE_URL = baseUrl;
    children.push(startChild("emulator", node, [...args, "--port", String(emulatorPort), "--no-persist", "--seed", "demo"], env, { quiet: true }));
    await waitForHttp(`${env.EMULATOR_URL}/_emulator/stats`, 30_000, "The Dataverse emulator");
  }
  // The connection row (emulator) and default mappings, created with the key and URL the app will use.
  provideEnvDefaults({ ENCRYPTION_KEY: env.ENCRYPTION_KEY, EMULATOR_URL: env.EMULATOR_URL });
  await ensureIntegrationSetup(db.url);
  children.push(startChild("web", process.execPath, [path.join(ROOT, "node_modules/next/dist/bin/next"), "start", "-p", String(port)], env, { quiet: true }));
  // The worker as `npm start` runs it: compiled, with its heap bound.
  const [workerNode, workerArgs] = workerCommand({ maxHeapMb: getEnv().WORKER_MAX_HEAP_MB });
  children.push(startChild("worker", workerNode, workerArgs, env, { quiet: true }));
  await waitForHttp(`${baseUrl}/login`, 60_000, "The web console");

  process.env.E2E_BASE_URL = baseUrl;
  process.env.E2E_DATABASE_URL = db.url;
  if (env.EMULATOR_URL) process.env.E2E_EMULATOR_URL = env.EMULATOR_URL;
}
