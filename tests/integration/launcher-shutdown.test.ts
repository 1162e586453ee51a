import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findFreePort } from "../../scripts/launch-support.ts";

// `npm start` on embedded PostgreSQL must stop in order — worker, web console, emulator, then PostgreSQL — and exit 0,
// both when only the launcher gets the signal (`kill -TERM <pid>`) and on Ctrl-C, which reaches the whole process
// group; and no child may log a warning (a lost database or emulator connection) while it shuts down.
const ROOT = path.resolve(__dirname, "../..");
const STARTUP_TIMEOUT_MS = 300_000; // includes a `next build` when the app's sources changed since the last one

// A throwaway data directory (never .data/). As root, PostgreSQL runs as the `postgres` user, which must enter it.
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "cc-launcher-stop-"));
fs.chmodSync(dataDir, 0o755);
const postmasterPidFile = path.join(dataDir, "postgres", "postmaster.pid");
let postgresPort = 0;

type Launcher = { process: ChildProcess; output: () => string; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }> };
const launched: Launcher[] = [];
const seen: { pid: number; command: string }[] = [];

beforeAll(async () => {
  postgresPort = await findFreePort();
  // The launcher keeps the embedded server's port in the secrets file; a free one keeps the test off 54329.
  const secrets = {
    nextAuthSecret: randomBytes(32).toString("base64url"),
    encryptionKey: randomBytes(32).toString("base64"),
    postgresPassword: randomBytes(18).toString("base64url"),
    postgresPort,
  };
  fs.writeFileSync(path.join(dataDir, "secrets.json"), JSON.stringify(secrets), { mode: 0o600 });
});

afterAll(async () => {
  // Only after a failed assertion is anything left (the launcher's process group, the server in its own): kill it so
  // the next run starts clean.
  // A pid counts only while it still runs the recorded command: pids are reused.
  const stillOurs = (p: { pid: number; command: string }) => !p.command.includes("postgres") && commandOf(p.pid) === p.command;
  const leftovers = [...launched.filter((l) => l.process.exitCode === null && l.process.signalCode === null).map((l) => -l.process.pid!), ...seen.filter(stillOurs).map((p) => p.pid)];
  for (const pid of leftovers) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  const postmaster = readPostmasterPid();
  if (postmaster && isRunning(postmaster)) process.kill(postmaster, "SIGQUIT");
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function startLauncher(): Promise<Launcher> {
  const env: NodeJS.ProcessEnv = {
    NODE_ENV: "test",
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    DATA_DIR: dataDir,
    PORT: String(await findFreePort()),
    EMULATOR_PORT: String(await findFreePort()),
    LOG_LEVEL: "warn",
    // The same build the e2e tests and `npm start` use (built first if the sources changed).
    ...(process.env.NEXT_DIST_DIR ? { NEXT_DIST_DIR: process.env.NEXT_DIST_DIR } : {}),
  };
  // The launcher itself (not the tsx CLI, which would relay signals from a second process), as the leader of a process
  // group of its own, so a group signal reaches it and its children the way a terminal's Ctrl-C does.
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/start.ts"], {
    cwd: ROOT,
    env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  const launcher = { process: child, output: () => output, exited };
  launched.push(launcher);

  const healthUrl = `http://127.0.0.1:${env.PORT}/api/health`;
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  // Serving with a live worker: /api/health answers 200 only once the worker's heartbeat is there.
  while (true) {
    if (child.exitCode !== null) throw new Error(`The launcher exited during start-up (code ${child.exitCode}):\n${output}`);
    if (Date.now() > deadline) throw new Error(`The console did not start within ${STARTUP_TIMEOUT_MS / 1000} s:\n${output}`);
    const status = await fetch(healthUrl, { signal: AbortSignal.timeout(2_000) }).then((r) => r.status, () => 0);
    if (status === 200) return launcher;
    await new Promise((r) => setTimeout(r, 500));
  }
}

function readPostmasterPid(): number | undefined {
  if (!fs.existsSync(postmasterPidFile)) return undefined;
  return Number(fs.readFileSync(postmasterPidFile, "utf8").split("\n")[0]);
}

/** Alive and not a zombie waiting for a reaper. */
function isRunning(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

function commandOf(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ").trim();
  } catch {
    return "";
  }
}

/** Every process descended from `root`, with its command line. */
function descendants(root: number): { pid: number; command: string }[] {
  const parentOf = new Map<number, number>();
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      // The command name is in parentheses and may contain spaces; the parent pid is the second field after it.
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      parentOf.set(Number(entry), Number(fields[1]));
    } catch {
      // exited meanwhile
    }
  }
  const found: { pid: number; command: string }[] = [];
  const visit = (parent: number) => {
    for (const [pid, ppid] of parentOf) {
      if (ppid !== parent) continue;
      found.push({ pid, command: commandOf(pid) });
      visit(pid);
    }
  };
  visit(root);
  seen.push(...found);
  return found;
}

function portAccepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: "127.0.0.1" });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

async function expectStoppedInOrder(launcher: Launcher, processes: { pid: number; command: string }[], postmaster: number) {
  const exit = await Promise.race([
    launcher.exited,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`The launcher did not exit:\n${launcher.output()}`)), 90_000)),
  ]);
  const output = launcher.output();
  expect(exit, output).toEqual({ code: 0, signal: null });
  expect(processes.filter((p) => isRunning(p.pid)), output).toEqual([]);
  expect(isRunning(postmaster)).toBe(false);
  expect(fs.existsSync(postmasterPidFile)).toBe(false);
  expect(await portAccepts(postgresPort)).toBe(false);

  const afterStop = output.slice(output.indexOf("Stopping…"));
  expect(afterStop).toMatch(/Stopped\.\n$/);
  // Nothing lost its database while stopping: no warning or error (pino level >= 40) and no dropped connection.
  const complaints = afterStop
    .split("\n")
    .filter((line) => /"level":(4|5|6)0/.test(line) || /terminating connection|ECONNREFUSED|Connection terminated/i.test(line));
  expect(complaints).toEqual([]);
}

describe("npm start stops everything it started", () => {
  it("on SIGTERM to the launcher alone: children first, then PostgreSQL, exit code 0", { timeout: STARTUP_TIMEOUT_MS + 120_000 }, async () => {
    const launcher = await startLauncher();
    const postmaster = readPostmasterPid();
    expect(postmaster).toBeGreaterThan(0);
    const processes = descendants(launcher.process.pid!);
    const commands = processes.map((p) => p.command).join("\n");
    // The compiled worker (scripts/launch-support.ts, workerCommand), not workers/main.ts through tsx.
    expect(commands).toContain(".build/workers/main.mjs");
    expect(commands).toContain("emulator/main.ts");
    expect(commands).toMatch(/next-server|next start/);
    expect(processes.map((p) => p.pid)).toContain(postmaster);

    process.kill(launcher.process.pid!, "SIGTERM");
    await expectStoppedInOrder(launcher, processes, postmaster!);
  });

  it("on Ctrl-C (SIGINT to the whole process group), quietly, with PostgreSQL and the emulator outlasting their clients", { timeout: STARTUP_TIMEOUT_MS + 120_000 }, async () => {
    const launcher = await startLauncher();
    const postmaster = readPostmasterPid();
    const processes = descendants(launcher.process.pid!);
    expect(processes.map((p) => p.pid)).toContain(postmaster);

    process.kill(-launcher.process.pid!, "SIGINT");
    await expectStoppedInOrder(launcher, processes, postmaster!);
  });
});
