import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it, inject } from "vitest";
import { userForApiToken } from "../../lib/auth/api-tokens.ts";
import type { Db } from "../../lib/db/db-client.ts";
import { testDb } from "../support/test-db.ts";

// Runs `scripts/console.ts` as `npm run console --` does (tsx), against the integration database.
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
let db: Db;

function runConsole(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(root, "node_modules/tsx/dist/cli.mjs"), "scripts/console.ts", ...args], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: inject("databaseUrl"), LOG_LEVEL: "silent", ...env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

beforeAll(() => {
  db = testDb();
});

describe("npm run console", () => {
  it("user create, token create (printed once), token revoke", async () => {
    const email = `cli-${randomUUID().slice(0, 8)}@console-test.example`;
    const created = await runConsole(["user", "create", "--email", email, "--name", "CLI User", "--role", "user", "--password", "cli password"]);
    expect(created).toMatchObject({ code: 0, stderr: "" });
    expect(created.stdout).toMatch(new RegExp(`^Created user ${email} \\(id [0-9a-f-]{36}\\)\\.\\n$`));

    const issued = await runConsole(["token", "create", "--email", email, "--name", "deploy"]);
    expect(issued).toMatchObject({ code: 0, stderr: "" });
    const [token, info] = issued.stdout.trimEnd().split("\n");
    expect(token).toMatch(/^cc_\S{40}$/);
    expect(info).toMatch(/^API token "deploy" for .+ \(id [0-9a-f-]{36}\)\. It is shown only this once\.$/);
    const user = await userForApiToken(db, token!);
    expect(user).toMatchObject({ email, role: "USER" });
    const audit = await db.auditEntry.findFirstOrThrow({ where: { action: "api-token.create", after: { path: ["owner"], equals: email } } });
    expect(audit).toMatchObject({ actor: "console", userId: null });

    const tokenId = /\(id ([0-9a-f-]{36})\)/.exec(info!)![1]!;
    const revoked = await runConsole(["token", "revoke", "--id", tokenId]);
    expect(revoked).toMatchObject({ code: 0, stdout: `Revoked API token ${tokenId}.\n`, stderr: "" });
    expect(await userForApiToken(db, token!)).toBeNull();
  });

  it.each([
    [["token", "create", "--email", "nobody@console-test.example", "--name", "x"], 1, /^error: No user with the e-mail nobody@console-test\.example\.\n$/],
    [["token", "revoke", "--id", "6f1c1f5e-8a51-4b7c-9d0e-2f3a4b5c6d7e"], 1, /^error: This API token no longer exists/],
    [["token", "create", "--name", "x"], 2, /^error: --email: Enter an e-mail address\.\n$/],
    [["user", "create", "--email", "a@b.co"], 2, /^error: --name: Enter a name\.; --role: .+; --password: Enter a password\.\n$/],
    [["launch", "rockets"], 2, /^error: Unknown command "launch rockets"/],
  ])("%j exits %i with one clear line", async (args, code, stderr) => {
    const result = await runConsole(args as string[]);
    expect(result.code).toBe(code);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(stderr as RegExp);
  });

  it("refuses a duplicate user with one line and exit code 1", async () => {
    const email = `dup-${randomUUID().slice(0, 8)}@console-test.example`;
    await db.user.create({ data: { email, name: "Dup", role: "VIEWER" } });
    const result = await runConsole(["user", "create", "--email", email, "--name", "Dup", "--role", "viewer", "--password", "long enough"]);
    expect(result).toMatchObject({ code: 1, stdout: "", stderr: `error: A user with the e-mail ${email} already exists.\n` });
  });

  it("without DATABASE_URL says so and exits 2", async () => {
    const result = await runConsole(["token", "revoke", "--id", randomUUID()], { DATABASE_URL: "" });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: DATABASE_URL is not set\./);
  });
});
