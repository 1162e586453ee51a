import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import bcrypt from "bcryptjs";
import { createApiToken } from "../../lib/auth/api-tokens.ts";
import type { SessionUser } from "../../lib/auth/authorize.ts";
import type { Db } from "../../lib/db/db-client.ts";
import type { Role } from "../../lib/db/generated/enums.ts";

// The application's server surface, discovered from the file tree, so a new server action or route is covered the
// moment it is added: every exported function of an
// actions.ts / *-actions.ts file, and every method handler of app/api/**/route.ts (next-auth's own route and the
// Dataverse webhook — authenticated by a shared secret, not a user — excepted).

export const ROOT = path.resolve(import.meta.dirname, "../..");
export const MUTATING_METHODS = ["POST", "PUT", "PATCH", "DELETE"] as const;
export const ALL_METHODS = ["GET", ...MUTATING_METHODS] as const;
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

export const actionFiles = findFiles(path.join(ROOT, "app"), (name) => name === "actions.ts" || name.endsWith("-actions.ts")).sort();
export const routeFiles = findFiles(path.join(ROOT, "app/api"), (name) => name === "route.ts")
  .filter((f) => !f.includes(`${path.sep}auth${path.sep}`) && !f.includes(`${path.sep}webhooks${path.sep}`))
  .sort();

export type Action = { file: string; name: string; call: (input: unknown) => Promise<unknown> };

export async function loadActions(): Promise<Action[]> {
  const out: Action[] = [];
  for (const file of actionFiles) {
    const module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    for (const [name, value] of Object.entries(module)) {
      if (typeof value === "function") out.push({ file: path.relative(ROOT, file), name, call: value as Action["call"] });
    }
  }
  return out;
}

type Handler = (request: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
export type RouteHandler = { file: string; method: (typeof ALL_METHODS)[number]; url: string; paramNames: string[]; permission: string | null; handler: Handler };

/** Every method handler, with the permission its source passes to apiRoute/opsRoute (null: a public handler). */
export async function loadRoutes(): Promise<RouteHandler[]> {
  const out: RouteHandler[] = [];
  for (const file of routeFiles) {
    const module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    const source = fs.readFileSync(file, "utf8");
    const relative = path.relative(path.join(ROOT, "app"), path.dirname(file)).split(path.sep);
    const paramNames: string[] = [];
    const segments = relative.map((segment) => {
      const match = /^\[(\.\.\.)?(.+)\]$/.exec(segment);
      if (!match) return segment;
      paramNames.push(match[2]);
      return `{${match[2]}}`;
    });
    for (const method of ALL_METHODS) {
      const handler = module[method];
      if (typeof handler !== "function") continue;
      const declared = new RegExp(`export const ${method}\\s*=\\s*\\w+(?:<[^>]*>)?\\(\\s*"([^"]+)"`).exec(source);
      out.push({ file: path.relative(ROOT, file), method, url: `/${segments.join("/")}`, paramNames, permission: declared?.[1] ?? null, handler: handler as Handler });
    }
  }
  return out;
}

export function callRoute(route: RouteHandler, options: { token?: string; params?: Record<string, string>; query?: string; body?: string }): Promise<Response> {
  const params = Object.fromEntries(route.paramNames.map((p) => [p, options.params?.[p] ?? "X00001"]));
  const pathname = route.url.replace(/\{([^}]+)\}/g, (_, p: string) => encodeURIComponent(params[p]));
  const headers: Record<string, string> = {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const hasBody = route.method !== "GET" && options.body !== undefined;
  if (hasBody) headers["content-type"] = "application/json";
  const request = new Request(`http://localhost${pathname}${options.query ? `?${options.query}` : ""}`, { method: route.method, headers, body: hasBody ? options.body : undefined });
  return route.handler(request, { params: Promise.resolve(params) });
}

/** A hash per table of everything in it (volatile tables aside): equal fingerprints mean nothing was written. */
export async function databaseFingerprint(db: Db): Promise<Record<string, string>> {
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

export type RoleUser = SessionUser & { token: string };

export async function createRoleUser(db: Db, role: Role, suffix: string): Promise<RoleUser> {
  const row = await db.user.create({
    data: { email: `rel-${role.toLowerCase()}-${suffix}@test.local`, name: `Reliability ${role}`, role, passwordHash: await bcrypt.hash("reliability-pass", 4) },
  });
  const { token } = await createApiToken(db, { userId: row.id, name: "reliability" });
  return { id: row.id, email: row.email, name: row.name, role: row.role, locale: row.locale, token };
}

export type ActionOutcome = { ok: boolean; code?: string; message?: string; fieldErrors?: Record<string, string[]> };

export function isActionResult(value: unknown): value is ActionOutcome {
  return typeof value === "object" && value !== null && typeof (value as { ok?: unknown }).ok === "boolean";
}
