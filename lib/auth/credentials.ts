import bcrypt from "bcryptjs";
import { z } from "zod";
import type { Db } from "../db/db-client.ts";
import { beginLoginAttempt, loginSucceeded } from "./rate-limit.ts";

const credentialsSchema = z.object({
  email: z.string().trim().toLowerCase().email().max(200),
  password: z.string().min(1).max(200),
});

// Compared against when the e-mail is unknown, so "no such user" takes as long as "wrong password" and response
// times do not reveal which e-mails exist.
const DUMMY_HASH = bcrypt.hashSync("not-a-real-password", 10);

export type AuthorizedUser = { id: string; email: string; name: string };

/**
 * The credentials check behind next-auth's authorize: null for a wrong/unknown/inactive account; throws an Error
 * with a login error code (login-errors.ts) when the attempt is rate-limited.
 */
export async function authorizeCredentials(
  db: Db,
  raw: unknown,
  context: { ip?: string | null; now?: Date; limit?: number } = {},
): Promise<AuthorizedUser | null> {
  const parsed = credentialsSchema.safeParse(raw);
  const email = parsed.success ? parsed.data.email : String((raw as { email?: unknown } | null)?.email ?? "");
  const attempt = { email, ip: context.ip, now: context.now, limit: context.limit };
  await beginLoginAttempt(db, attempt);
  if (!parsed.success) return null;
  const user = await db.user.findUnique({ where: { email: parsed.data.email } });
  const matches = await bcrypt.compare(parsed.data.password, user?.passwordHash ?? DUMMY_HASH);
  if (!user || !matches || !user.isActive || !user.passwordHash) return null;
  await loginSucceeded(db, attempt);
  return { id: user.id, email: user.email, name: user.name };
}

/** The console user an Entra ID sign-in maps to: must already exist (same e-mail) and be active. */
export async function userForEntraSignIn(db: Db, email: string | null | undefined): Promise<AuthorizedUser | null> {
  const normalized = email?.trim().toLowerCase();
  if (!normalized) return null;
  const user = await db.user.findUnique({ where: { email: normalized } });
  if (!user?.isActive) return null;
  return { id: user.id, email: user.email, name: user.name };
}

export function hashPassword(password: string): Promise<string> {
  return bcrypt.hash(password, 12);
}
