import { redirect } from "next/navigation";
import { getSessionUser, type SessionUser } from "./authorize.ts";
import { roleHasPermission, type Permission } from "./permissions.ts";

/**
 * For server-component pages: the signed-in user (or a redirect to the login page, coming back to `path`), and
 * whether they hold `permission`. Pages show a refusal instead of their content when they do not; the server
 * actions check again, so this is for the reader, not the security boundary.
 */
export async function pageUser(path: string, permission: Permission): Promise<{ user: SessionUser; isAllowed: boolean }> {
  const user = await getSessionUser();
  if (!user) redirect(`/login?callbackUrl=${encodeURIComponent(path)}`);
  return { user, isAllowed: roleHasPermission(user.role, permission) };
}
