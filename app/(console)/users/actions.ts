"use server";

import { revalidatePath } from "next/cache";
import type { z } from "zod";
import { invalidInput, toActionResult, type ActionResult } from "../../../lib/actions/action-result.ts";
import { requirePermission } from "../../../lib/auth/authorize.ts";
import {
  changeRoleSchema,
  createApiTokenSchema,
  createUserSchema,
  resetPasswordSchema,
  revokeApiTokenSchema,
  setActiveSchema,
} from "../../../lib/auth/user-schema.ts";
import {
  actorOf,
  changeUserRole,
  createUser,
  issueApiToken,
  resetUserPassword,
  revokeApiToken,
  setUserActive,
} from "../../../lib/auth/users.ts";
import { getDb } from "../../../lib/db/db-client.ts";

// Thin server actions: permission first, then zod, then lib/auth/users.ts. They take plain objects so API routes
// and tests can call them inside runAsUser.

function parse<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const parsed = schema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  throw invalidInput(parsed.error);
}

// Outside a request (tests, API routes calling actions) there is no page cache to refresh.
function refresh(path: string): void {
  try {
    revalidatePath(path);
  } catch {
    return;
  }
}

export async function createUserAction(input: unknown): Promise<ActionResult<{ id: string }>> {
  return toActionResult(async () => {
    const user = await requirePermission("users.manage");
    const created = await createUser(getDb(), actorOf(user), parse(createUserSchema, input));
    refresh("/users");
    return created;
  });
}

export async function changeUserRoleAction(input: unknown): Promise<ActionResult<undefined>> {
  return toActionResult(async () => {
    const user = await requirePermission("users.manage");
    await changeUserRole(getDb(), actorOf(user), parse(changeRoleSchema, input));
    refresh("/users");
    return undefined;
  });
}

export async function setUserActiveAction(input: unknown): Promise<ActionResult<undefined>> {
  return toActionResult(async () => {
    const user = await requirePermission("users.manage");
    await setUserActive(getDb(), actorOf(user), parse(setActiveSchema, input));
    refresh("/users");
    return undefined;
  });
}

export async function resetUserPasswordAction(input: unknown): Promise<ActionResult<undefined>> {
  return toActionResult(async () => {
    const user = await requirePermission("users.manage");
    await resetUserPassword(getDb(), actorOf(user), parse(resetPasswordSchema, input));
    return undefined;
  });
}

/** Creates a token for the signed-in user; the plain token is in the result once and never again. */
export async function createOwnApiTokenAction(
  input: unknown,
): Promise<ActionResult<{ id: string; token: string; name: string; expiresAt: Date | null }>> {
  return toActionResult(async () => {
    const user = await requirePermission("api-tokens.manage-own");
    const data = parse(createApiTokenSchema, input);
    const created = await issueApiToken(getDb(), actorOf(user), { ...data, userId: user.id });
    refresh("/users/tokens");
    return created;
  });
}

/** Revokes one of the signed-in user's tokens, or anyone's for a user manager (checked in lib). */
export async function revokeApiTokenAction(input: unknown): Promise<ActionResult<undefined>> {
  return toActionResult(async () => {
    const user = await requirePermission("api-tokens.manage-own");
    await revokeApiToken(getDb(), actorOf(user), parse(revokeApiTokenSchema, input));
    refresh("/users/tokens");
    refresh("/users");
    return undefined;
  });
}
