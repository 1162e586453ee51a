import { spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findFreePort } from "../../scripts/launch-support.ts";

// `npm start` must fail with one clear line (and exit 1) when the port is taken or a configured service is down,
// before it starts anything.
const ROOT = path.resolve(__dirname, "../..");
const tsx = path.join(ROOT, "node_modules/tsx/dist/cli.mjs");

// A throwaway data directory, so the test never writes into the demo data in .data/.
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "cc-launcher-"));

function start(env: Record<string, string>) {
  const result = spawnSync(process.execPath, [tsx, "scripts/start.ts"], {
    cwd: ROOT,
    env: { NODE_ENV: "test", PATH: process.env.PATH, HOME: process.env.HOME, DATA_DIR: dataDir, ...env },
    encoding: "utf8",
    timeout: 60_000,
  });
  return { code: result.status, stderr: result.stderr.trim(), stdout: result.stdout };
}

let blocker: net.Server;
let blockedPort = 0;
let free: { PORT: string; EMULATOR_PORT: string };

beforeAll(async () => {
  blocker = net.createServer();
  await new Promise<void>((resolve) => blocker.listen(0, "0.0.0.0", resolve));
  blockedPort = (blocker.address() as net.AddressInfo).port;
  free = { PORT: String(await findFreePort()), EMULATOR_PORT: String(await findFreePort()) };
});

afterAll(async () => {
  await new Promise<void>((resolve) => blocker.close(() => resolve()));
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe("npm start refuses clearly", () => {
  it("when the web port is in use", () => {
    const { code, stderr } = start({ PORT: String(blockedPort), DATABASE_URL: "postgresql://postgres@127.0.0.1:1/none" });
    expect(code).toBe(1);
    expect(stderr).toBe(`Port ${blockedPort} (web console) is already in use. Stop the program using it, or set PORT to another port.`);
  });

  it("when DATABASE_URL is unreachable", () => {
    const { code, stderr } = start({ ...free, DATABASE_URL: "postgresql://postgres@127.0.0.1:1/none" });
    expect(code).toBe(1);
    expect(stderr).toMatch(/^DATABASE_URL is unreachable \(postgresql:\/\/postgres@127\.0\.0\.1:1\/none\): .*ECONNREFUSED/);
    expect(stderr.split("\n")).toHaveLength(1);
  });

  it("when REDIS_URL is unreachable", () => {
    const { code, stderr } = start({
      ...free,
      DATABASE_URL: process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres",
      REDIS_URL: "redis://127.0.0.1:1",
    });
    expect(code).toBe(1);
    expect(stderr).toMatch(/^REDIS_URL is unreachable \(redis:\/\/127\.0\.0\.1:1\)/);
  });

  it("when the configuration is invalid, naming the variable", () => {
    const { code, stderr } = start({ PORT: "not-a-port" });
    expect(code).toBe(1);
    expect(stderr).toContain("PORT:");
  });
});
