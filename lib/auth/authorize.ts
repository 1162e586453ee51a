import { AsyncLocalStorage } from "node:async_hooks";
import { getServerSession } from "next-auth";
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
  const session = (await getServerSession(authOptions)) as { userId?: string } | null;
  if (!session?.userId) return null;
  const user = await getDb().user.findUnique({ where: { id: session.userId } });
  if (!user?.isActive) return null;
  return { id: user.id, email: user.email, name: user.name, role: user.role, locale: user.locale };
}

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
