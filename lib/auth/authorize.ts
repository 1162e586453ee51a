import { AsyncLocalStorage } from "node:async_hooks";
import { getToken } from "next-auth/jwt";
import { cookies } from "next/headers";
import { cache } from "react";
import { actionError } from "../actions/action-result.ts";
import { serverMessage } from "../actions/server-message.ts";
import { getDb } from "../db/db-client.ts";
import type { Role } from "../db/generated/enums.ts";
import { authOptions } from "./auth-options.ts";
import { roleHasPermission, type Permission } from "./permissions.ts";

export type SessionUser = { id: string; email: string; name: string; role: Role; locale: string };

// API routes authenticate by token and then run the same server actions as the UI inside runAsUser, so both paths
// share one permission check; tests use it to call every action as each role.
const actingUser = new AsyncLocalStorage<SessionUser>();

export function runAsUser<T>(user: SessionUser, fn: () => Promise<T>): Promise<T> {
  return actingUser.run(user, fn);
}

/** The signed-in user, read fresh from the database; null when nobody (or a deactivated user) is signed in. */
export async function getSessionUser(): Promise<SessionUser | null> {
  const acting = actingUser.getStore();
  if (acting) return acting;
  return sessionUserOfRender();
}

/**
 * The user id in the session cookie next-auth set at sign-in (the token's subject, see auth-options.ts); null when there
 * is no cookie or it does not decrypt or has expired. getToken decrypts the cookie, which is all getServerSession did
 * here that mattered: it also ran next-auth's request set-up (a CSRF token included) and encrypted the token again into
 * a refreshed cookie that a server component or route handler cannot send, half of the session's cost on every page.
 * Only the cookie is read, not an Authorization header (API tokens are lib/http/api-handler.ts's business).
 */
async function sessionUserId(): Promise<string | null> {
  const request = { cookies: await cookies(), headers: {} } as unknown as Parameters<typeof getToken>[0]["req"];
  const token = await getToken({ req: request, secret: authOptions.secret });
  return typeof token?.sub === "string" ? token.sub : null;
}

// A page render asks for the user several times (the request's locale, the console layout, the page):
// the session cookie is decrypted and the user read once per render. React's cache lasts one server-component render;
// server actions and route handlers run outside one, and there it calls through, so they still read the user fresh.
const sessionUserOfRender = cache(async (): Promise<SessionUser | null> => {
  const userId = await sessionUserId();
  if (!userId) return null;
  const user = await getDb().user.findUnique({ where: { id: userId } });
  if (!user?.isActive) return null;
  return { id: user.id, email: user.email, name: user.name, role: user.role, locale: user.locale };
});

/** Server-side gate for every action: throws ActionError("unauthenticated" | "forbidden"). */
export async function requirePermission(permission: Permission): Promise<SessionUser> {
  const user = await getSessionUser();
  if (!user) throw actionError("unauthenticated", serverMessage("errors.notSignedIn"));
  assertPermission(user, permission);
  return user;
}

export function assertPermission(user: Pick<SessionUser, "role">, permission: Permission): void {
  if (roleHasPermission(user.role, permission)) return;
  throw actionError("forbidden", serverMessage("errors.roleForbidden", { role: user.role.toLowerCase() }));
}
