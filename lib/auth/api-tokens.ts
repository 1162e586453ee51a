import { createHash, randomBytes } from "node:crypto";
import type { Db, Tx } from "../db/db-client.ts";
import type { SessionUser } from "./authorize.ts";

// Tokens look like `cc_<40 random chars>`; only their SHA-256 is stored, so a database leak reveals no usable token.
const TOKEN_PREFIX = "cc_";

export function hashApiToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export async function createApiToken(
  db: Db | Tx,
  input: { userId: string; name: string; expiresAt?: Date | null },
): Promise<{ id: string; token: string }> {
  const token = TOKEN_PREFIX + randomBytes(30).toString("base64url");
  const row = await db.apiToken.create({
    data: {
      userId: input.userId,
      name: input.name,
      tokenHash: hashApiToken(token),
      prefix: token.slice(0, 10),
      expiresAt: input.expiresAt ?? null,
    },
  });
  return { id: row.id, token };
}

/** The active user behind a bearer token, or null if the token is unknown, revoked, expired or its user inactive. */
export async function userForApiToken(db: Db, token: string): Promise<SessionUser | null> {
  if (!token.startsWith(TOKEN_PREFIX)) return null;
  const row = await db.apiToken.findUnique({ where: { tokenHash: hashApiToken(token) }, include: { user: true } });
  if (!row || row.revokedAt || (row.expiresAt && row.expiresAt < new Date()) || !row.user.isActive) return null;
  await db.apiToken.update({ where: { id: row.id }, data: { lastUsedAt: new Date() } });
  const { user } = row;
  return { id: user.id, email: user.email, name: user.name, role: user.role, locale: user.locale };
}
