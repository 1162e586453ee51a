import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import bcrypt from "bcryptjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiToken } from "../../lib/auth/api-tokens.ts";
import { runAsUser, type SessionUser } from "../../lib/auth/authorize.ts";
import { roleHasPermission, type Permission } from "../../lib/auth/permissions.ts";
import { testDb } from "../support/test-db.ts";

// Every server action and every mutating /api route is discovered from the file tree, so a new one is covered the
// moment it is added: a viewer is refused by each, and nothing in the database changes.

const ROOT = path.resolve(__dirname, "../..");
const MUTATING_METHODS = ["POST", "PUT", "PATCH", "DELETE"] as const;

// Actions that delegate to a shared module (so their permission is not visible in their own body) and that a viewer
// may call because they only read. Anything else a viewer calls must be refused.
const DELEGATED_READ_ACTIONS = new Set<string>([]);

/** The permission each exported action checks first, where its own body calls `requirePermission("…")`. */
function permissionsByAction(file: string): Map<string, Permission | null> {
  const source = fs.readFileSync(file, "utf8");
  const out = new Map<string, Permission | null>();
  const starts = [...source.matchAll(/export async function (\w+)\s*\(/g)];
  starts.forEach((match, i) => {
    const body = source.slice(match.index, starts[i + 1]?.index ?? source.length);
    const permission = /requirePermission\(\s*"([\w.-]+)"\s*\)/.exec(body)?.[1] ?? null;
    out.set(match[1], permission as Permission | null);
  });
  return out;
}
// Tables that legitimately change while a refused call is made (token last-used time, rate-limit counters, heartbeats).
const VOLATILE_TABLES = new Set(["ApiToken", "RateLimitBucket", "WorkerHeartbeat", "_prisma_migrations"]);

function findFiles(dir: string, matches: (name: string) => boolean): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return findFiles(full, matches);
    return matches(entry.name) ? [full] : [];
  });
}

// Server actions live in actions.ts or <name>-actions.ts files beside their pages.
const actionFiles = findFiles(path.join(ROOT, "app"), (name) => name === "actions.ts" || name.endsWith("-actions.ts"));
// next-auth's own route and webhooks (authenticated by a shared secret, not a user) are outside the role table.
const routeFiles = findFiles(path.join(ROOT, "app/api"), (name) => name === "route.ts").filter(
  (f) => !f.includes(`${path.sep}auth${path.sep}`) && !f.includes(`${path.sep}webhooks${path.sep}`),
);

async function databaseFingerprint(): Promise<Record<string, string>> {
  const db = testDb();
  const tables = await db.$queryRawUnsafe<{ table_name: string }[]>(
    `select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`,
  );
  const out: Record<string, string> = {};
  for (const { table_name } of tables) {
    if (VOLATILE_TABLES.has(table_name)) continue;
    const [row] = await db.$queryRawUnsafe<{ fp: string | null; n: bigint }[]>(
      `select count(*) as n, md5(coalesce(string_agg(t::text, '|' order by t::text), '')) as fp from "${table_name}" t`,
    );
    out[table_name] = `${row.n}:${row.fp}`;
  }
  return out;
}

function routeUrl(file: string): { url: string; params: Record<string, string> } {
  const relative = path.relative(path.join(ROOT, "app"), path.dirname(file)).split(path.sep);
  const params: Record<string, string> = {};
  const segments = relative.map((segment) => {
    const match = /^\[(\.\.\.)?(.+)\]$/.exec(segment);
    if (!match) return segment;
    params[match[2]] = "X00001";
    return "X00001";
  });
  return { url: `http://localhost/${segments.join("/")}`, params };
}

let viewer: SessionUser;
let viewerToken: string;

beforeAll(async () => {
  const db = testDb();
  const suffix = Date.now().toString(36);
  const row = await db.user.create({
    data: { email: `matrix-viewer-${suffix}@test.local`, name: "Matrix Viewer", role: "VIEWER", passwordHash: await bcrypt.hash("viewer-pass", 4) },
  });
  viewer = { id: row.id, email: row.email, name: row.name, role: row.role, locale: row.locale };
  viewerToken = (await createApiToken(db, { userId: row.id, name: "matrix" })).token;
});

afterAll(async () => {
  await testDb().user.delete({ where: { id: viewer.id } });
});

describe("a viewer is refused by every server action that needs more than reading", () => {
  it("finds the action modules", () => {
    expect(actionFiles.length).toBeGreaterThan(0);
  });

  for (const file of actionFiles) {
    it(`${path.relative(ROOT, file)}: every exported action refuses a viewer and writes nothing`, async () => {
      const module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
      const actions = Object.entries(module).filter(([, value]) => typeof value === "function") as [string, (input: unknown) => Promise<unknown>][];
      expect(actions.length, "exported actions").toBeGreaterThan(0);
      const permissions = permissionsByAction(file);
      const before = await databaseFingerprint();
      for (const [name, action] of actions) {
        const permission = permissions.get(name) ?? null;
        const result = (await runAsUser(viewer, () => action({}))) as { ok: boolean; code?: string; message?: string };
        // Reads (integration.read, erp.read) and self-service are a viewer's; with empty input they refuse as invalid.
        const isViewerRead = permission ? roleHasPermission("VIEWER", permission) : DELEGATED_READ_ACTIONS.has(name);
        if (isViewerRead) {
          expect(result.code, name).not.toBe("forbidden");
          continue;
        }
        expect(result, name).toMatchObject({ ok: false, code: "forbidden" });
        expect(result.message, name).toMatch(/does not allow/);
      }
      expect(await databaseFingerprint()).toEqual(before);
    });
  }
});

describe("a viewer is refused by every mutating API route", () => {
  it("finds the route modules", () => {
    expect(routeFiles.length).toBeGreaterThan(0);
  });

  for (const file of routeFiles) {
    it(`${path.relative(ROOT, file)}: mutating methods answer 403 to a viewer and 401 without a token`, async () => {
      const module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
      const { url, params } = routeUrl(file);
      const before = await databaseFingerprint();
      for (const method of MUTATING_METHODS) {
        const handler = module[method] as ((req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>) | undefined;
        if (!handler) continue;
        const call = (headers: Record<string, string>) =>
          handler(new Request(url, { method, headers: { "content-type": "application/json", ...headers }, body: method === "DELETE" ? undefined : "{}" }), {
            params: Promise.resolve(params),
          });
        const refused = await call({ authorization: `Bearer ${viewerToken}` });
        expect(refused.status, `${method} as viewer`).toBe(403);
        expect(await refused.json()).toMatchObject({ error: { code: "forbidden" } });
        const anonymous = await call({ authorization: "Bearer cc_not-a-token" });
        expect(anonymous.status, `${method} with a bad token`).toBe(401);
      }
      expect(await databaseFingerprint()).toEqual(before);
    });
  }
});
