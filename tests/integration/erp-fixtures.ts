import { randomBytes } from "node:crypto";
import { createApiToken } from "../../lib/auth/api-tokens.ts";
import type { SessionUser } from "../../lib/auth/authorize.ts";
import type { Db } from "../../lib/db/db-client.ts";
import type { Role } from "../../lib/db/generated/enums.ts";

// Shared set-up for the ERP integration tests: one user per role (with API tokens) and record keys that are unique
// across the whole run, since all integration files share one database.

export type RoleUsers = Record<"viewer" | "user" | "admin", SessionUser & { token: string }>;

export async function createRoleUsers(db: Db): Promise<RoleUsers> {
  const suffix = randomBytes(4).toString("hex");
  const make = async (role: Role) => {
    const row = await db.user.create({
      data: { email: `erp-${role.toLowerCase()}-${suffix}@test.local`, name: `ERP ${role} ${suffix}`, role },
    });
    const { token } = await createApiToken(db, { userId: row.id, name: "erp tests" });
    return { id: row.id, email: row.email, name: row.name, role: row.role, locale: row.locale, token };
  };
  return { viewer: await make("VIEWER"), user: await make("USER"), admin: await make("ADMIN") };
}

let counter = 0;

/** A key no other test uses, e.g. "TQ5K2A07"; `prefix` keeps it readable in failures. */
export function uniqueKey(prefix: string, maxLength = 20): string {
  counter++;
  return `${prefix}${Date.now().toString(36).toUpperCase()}${counter}`.slice(-maxLength);
}

export function apiRequest(
  method: string,
  path: string,
  options: { token?: string; body?: unknown; rawBody?: string } = {},
): Request {
  const headers: Record<string, string> = {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.rawBody !== undefined) body = options.rawBody;
  else if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined) headers["content-type"] = "application/json";
  return new Request(`http://localhost${path}`, { method, headers, body });
}

export function routeParams<T>(params: T): { params: Promise<T> } {
  return { params: Promise.resolve(params) };
}
