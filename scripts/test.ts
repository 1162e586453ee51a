import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import pg from "pg";
import { findFreePort, LaunchError, ROOT, startChild, startEmbeddedPostgres, stopChild, type Child, type EmbeddedDatabase } from "./launch-support.ts";

// `npm test`: unit + conformance + integration (vitest) and e2e (Playwright on Debian Chromium), then one line
// `N passed, N failed`. It finds or installs what the tests need (PostgreSQL, redis-server, Chromium); it never
// touches the demo data in .data/. Extra arguments are passed to vitest (and skip e2e), e.g. `npm test -- tests/unit`.
// `--long` is ours, not vitest's: the reliability suite runs with its higher counts (RELIABILITY_LONG=1), e2e still runs.

const RESULTS_DIR = path.join(ROOT, "test-results");
const say = (line: string) => process.stdout.write(`${line}\n`);
const isRoot = process.getuid?.() === 0;

function canConnect(port: number, host = "127.0.0.1"): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    socket.setTimeout(1_000);
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
    socket.once("timeout", () => {
      socket.destroy();
      resolve(false);
    });
  });
}

function hasCommand(name: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" }).status === 0;
}

let aptUpdated = false;
function aptInstall(pkg: string): boolean {
  if (!isRoot || !hasCommand("apt-get")) return false;
  say(`Installing ${pkg} from Debian's packages…`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  if (!aptUpdated) {
    spawnSync("apt-get", ["update", "-qq"], { stdio: "ignore", env });
    aptUpdated = true;
  }
  return spawnSync("apt-get", ["install", "-y", "-qq", pkg], { stdio: "ignore", env }).status === 0;
}

async function postgresWorks(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    await client.query("select 1");
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function preparePostgres(cleanup: (() => Promise<void>)[]): Promise<string> {
  if (process.env.TEST_DATABASE_URL) {
    if (await postgresWorks(process.env.TEST_DATABASE_URL)) return process.env.TEST_DATABASE_URL;
    throw new LaunchError(`TEST_DATABASE_URL is unreachable.`);
  }
  const local = "postgresql://postgres@127.0.0.1:5432/postgres";
  if (await postgresWorks(local)) return local;
  say("No PostgreSQL at 127.0.0.1:5432; starting a throwaway embedded PostgreSQL for the tests…");
  const dir = path.join(ROOT, ".test-data", `postgres-${process.pid}`);
  const embedded: EmbeddedDatabase = await startEmbeddedPostgres({ dir, port: await findFreePort(), password: "test", database: "postgres" });
  cleanup.push(async () => {
    await embedded.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return embedded.adminUrl;
}

async function prepareRedis(cleanup: (() => Promise<void>)[]): Promise<string> {
  if (process.env.TEST_REDIS_URL) return process.env.TEST_REDIS_URL;
  if (!hasCommand("redis-server") && !aptInstall("redis-server")) {
    throw new LaunchError("The queue tests need redis-server: install it (Debian: apt-get install redis-server) or set TEST_REDIS_URL.");
  }
  // A private redis-server per run, so tests never touch a Redis someone else uses.
  const port = await findFreePort();
  const child: Child = startChild("redis", "redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], process.env, { quiet: true });
  cleanup.push(() => stopChild(child));
  const deadline = Date.now() + 10_000;
  while (!(await canConnect(port))) {
    if (Date.now() > deadline) throw new LaunchError("redis-server did not start within 10 s.");
    await new Promise((r) => setTimeout(r, 100));
  }
  return `redis://127.0.0.1:${port}`;
}

function prepareChromium(): string {
  const configured = process.env.CHROMIUM_PATH;
  if (configured && fs.existsSync(configured)) return configured;
  for (const candidate of ["/usr/bin/chromium", "/usr/bin/chromium-browser"]) if (fs.existsSync(candidate)) return candidate;
  if (aptInstall("chromium") && fs.existsSync("/usr/bin/chromium")) return "/usr/bin/chromium";
  throw new LaunchError("The browser tests need Chromium: install it (Debian: apt-get install chromium) or set CHROMIUM_PATH.");
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: ROOT, env, stdio: "inherit" });
    child.on("exit", (code) => resolve(code ?? 1));
  });
}

type Counts = { passed: number; failed: number; skipped: number };

const VITEST_GROUPS = [
  { name: "unit-conformance", dir: "tests/unit", args: ["--project", "unit", "--project", "conformance"] },
  { name: "integration", dir: "tests/integration", args: ["--project", "integration"] },
  { name: "reliability", dir: "tests/reliability", args: ["--project", "reliability"] },
].filter((group) => fs.existsSync(path.join(ROOT, group.dir)));

function readVitestCounts(file: string): Counts | null {
  if (!fs.existsSync(file)) return null;
  const report = JSON.parse(fs.readFileSync(file, "utf8")) as {
    numPassedTests: number;
    numFailedTests: number;
    numPendingTests: number;
    numTodoTests: number;
    numFailedTestSuites: number;
  };
  // A file that fails to load has no tests to count; count it as a failure so it cannot pass unnoticed.
  const brokenFiles = report.numFailedTests === 0 ? report.numFailedTestSuites : 0;
  return { passed: report.numPassedTests, failed: report.numFailedTests + brokenFiles, skipped: report.numPendingTests + report.numTodoTests };
}

function readPlaywrightCounts(file: string): Counts | null {
  if (!fs.existsSync(file)) return null;
  const report = JSON.parse(fs.readFileSync(file, "utf8")) as { stats: { expected: number; unexpected: number; flaky: number; skipped: number }; errors?: unknown[] };
  const setupErrors = report.errors?.length ?? 0;
  return { passed: report.stats.expected + report.stats.flaky, failed: report.stats.unexpected + setupErrors, skipped: report.stats.skipped };
}

async function main() {
  const cleanup: (() => Promise<void>)[] = [];
  const total: Counts = { passed: 0, failed: 0, skipped: 0 };
  const isLong = process.argv.includes("--long");
  const extraArgs = process.argv.slice(2).filter((arg) => arg !== "--long");
  let exitCode = 0;
  try {
    fs.mkdirSync(RESULTS_DIR, { recursive: true });
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: "test",
      NEXT_TELEMETRY_DISABLED: "1",
      TEST_DATABASE_URL: await preparePostgres(cleanup),
      TEST_REDIS_URL: await prepareRedis(cleanup),
      ...(isLong ? { RELIABILITY_LONG: "1" } : {}),
    };
    const runE2e = extraArgs.length === 0;
    if (runE2e) env.CHROMIUM_PATH = prepareChromium();

    if (runE2e) {
      // The app build checks only app code (tsconfig.build.json); this checks everything, tests included.
      say("Type-checking the whole project (tsc)…");
      const typecheckCode = await run(process.execPath, [path.join(ROOT, "node_modules/typescript/bin/tsc"), "--noEmit", "-p", "tsconfig.json"], env);
      add(total, typecheckCode === 0 ? { passed: 1, failed: 0, skipped: 0 } : { passed: 0, failed: 1, skipped: 0 });
    }

    // The vitest projects run one group after another (not all at once) so the timing-sensitive suites — resilience,
    // crashes, throttling — do not compete for this machine's two cores.
    const groups = extraArgs.length ? [{ name: "selected", args: extraArgs }] : VITEST_GROUPS;
    for (const group of groups) {
      const vitestJson = path.join(RESULTS_DIR, `vitest-${group.name}.json`);
      fs.rmSync(vitestJson, { force: true });
      const vitestCode = await run(process.execPath, [path.join(ROOT, "node_modules/vitest/vitest.mjs"), "run", "--reporter=default", "--reporter=json", `--outputFile.json=${vitestJson}`, ...group.args], env);
      const vitest = readVitestCounts(vitestJson) ?? { passed: 0, failed: 1, skipped: 0 };
      if (vitestCode !== 0 && vitest.failed === 0) vitest.failed = 1;
      add(total, vitest);
    }

    if (runE2e) {
      const playwrightJson = path.join(RESULTS_DIR, "playwright.json");
      fs.rmSync(playwrightJson, { force: true });
      const e2eCode = await run(process.execPath, [path.join(ROOT, "node_modules/@playwright/test/cli.js"), "test"], { ...env, PLAYWRIGHT_JSON_OUTPUT_NAME: playwrightJson });
      const e2e = readPlaywrightCounts(playwrightJson) ?? { passed: 0, failed: 1, skipped: 0 };
      if (e2eCode !== 0 && e2e.failed === 0) e2e.failed = 1;
      add(total, e2e);
    }
  } catch (error) {
    const message = error instanceof LaunchError ? error.message : String((error as Error).stack ?? error);
    process.stderr.write(`${message}\n`);
    total.failed += 1;
  } finally {
    for (const step of cleanup.reverse()) await step().catch(() => undefined);
  }
  if (total.failed > 0) exitCode = 1;
  say("");
  say(`${total.passed} passed, ${total.failed} failed${total.skipped ? `, ${total.skipped} skipped` : ""}`);
  process.exit(exitCode);
}

function add(into: Counts, from: Counts) {
  into.passed += from.passed;
  into.failed += from.failed;
  into.skipped += from.skipped;
}

void main();
