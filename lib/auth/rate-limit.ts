import type { Db } from "../db/db-client.ts";
import { getEnv } from "../env.ts";
import { rateLimitedErrorCode } from "./login-errors.ts";

// Fixed-window counters in PostgreSQL (table RateLimitBucket) so every web process shares them. One atomic
// INSERT … ON CONFLICT … RETURNING both counts the attempt and tells whether it is over the limit, so a burst of
// parallel attempts cannot slip past a separate read-then-write check.

export type RateLimitRule = { limit: number; windowMs: number };
export type RateLimitHit = { count: number; windowStart: Date; isAllowed: boolean; retryAfterMs: number };

export const LOGIN_WINDOW_MS = 15 * 60 * 1000;

type BucketRow = { count: number; windowStart: Date };

export async function consumeRateLimit(db: Db, key: string, rule: RateLimitRule, now = new Date()): Promise<RateLimitHit> {
  const expiredBefore = new Date(now.getTime() - rule.windowMs);
  const rows = await db.$queryRaw<BucketRow[]>`
    INSERT INTO "RateLimitBucket" ("key", "windowStart", "count")
    VALUES (${key}, ${now}, 1)
    ON CONFLICT ("key") DO UPDATE SET
      "count" = CASE WHEN "RateLimitBucket"."windowStart" <= ${expiredBefore}
                     THEN 1 ELSE "RateLimitBucket"."count" + 1 END,
      "windowStart" = CASE WHEN "RateLimitBucket"."windowStart" <= ${expiredBefore}
                           THEN EXCLUDED."windowStart" ELSE "RateLimitBucket"."windowStart" END
    RETURNING "count", "windowStart"`;
  const row = rows[0];
  if (!row) throw new Error(`rate limit upsert for ${key} returned no row`);
  const count = Number(row.count);
  const windowStart = new Date(row.windowStart);
  const retryAfterMs = Math.max(0, windowStart.getTime() + rule.windowMs - now.getTime());
  return { count, windowStart, isAllowed: count <= rule.limit, retryAfterMs };
}

/** Gives back one attempt of the current window (a sign-in that turned out to be valid is not a failure). */
export async function refundRateLimit(db: Db, key: string, rule: RateLimitRule, now = new Date()): Promise<void> {
  const expiredBefore = new Date(now.getTime() - rule.windowMs);
  await db.$executeRaw`
    UPDATE "RateLimitBucket" SET "count" = GREATEST("count" - 1, 0)
    WHERE "key" = ${key} AND "windowStart" > ${expiredBefore}`;
}

// ───────────────────────────── sign-in ─────────────────────────────

export type LoginAttempt = { email: string; ip?: string | null; now?: Date; limit?: number };

function loginRule(limit?: number): RateLimitRule {
  return { limit: limit ?? getEnv().LOGIN_RATE_LIMIT, windowMs: LOGIN_WINDOW_MS };
}

// Keyed by e-mail (protects one account from a distributed guesser) and by client IP (slows one client spraying
// many accounts). Keys fit the VarChar(200) column.
export function loginRateLimitKeys(email: string, ip?: string | null): string[] {
  const keys = [`login:email:${email.trim().toLowerCase().slice(0, 180)}`];
  if (ip) keys.push(`login:ip:${ip.slice(0, 180)}`);
  return keys;
}

/**
 * Counts a sign-in attempt before the password is checked. Over the limit on any key → throws an Error whose
 * message is a code the login page turns into "Too many sign-in attempts. Wait N minutes and try again."
 */
export async function beginLoginAttempt(db: Db, attempt: LoginAttempt): Promise<void> {
  const rule = loginRule(attempt.limit);
  const now = attempt.now ?? new Date();
  let retryAfterMs = 0;
  for (const key of loginRateLimitKeys(attempt.email, attempt.ip)) {
    const hit = await consumeRateLimit(db, key, rule, now);
    if (!hit.isAllowed) retryAfterMs = Math.max(retryAfterMs, hit.retryAfterMs);
  }
  if (retryAfterMs > 0) throw new Error(rateLimitedErrorCode(Math.max(1, Math.ceil(retryAfterMs / 60_000))));
}

/** A valid sign-in: its attempt does not count as a failure. */
export async function loginSucceeded(db: Db, attempt: LoginAttempt): Promise<void> {
  const rule = loginRule(attempt.limit);
  const now = attempt.now ?? new Date();
  for (const key of loginRateLimitKeys(attempt.email, attempt.ip)) await refundRateLimit(db, key, rule, now);
}

/** The client address as the reverse proxy reports it (first x-forwarded-for hop), if any. */
export function clientIpOf(headers: Record<string, string | string[] | undefined> | undefined): string | null {
  if (!headers) return null;
  const pick = (name: string) => {
    const value = headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const forwarded = pick("x-forwarded-for")?.split(",")[0]?.trim();
  if (forwarded) return forwarded;
  return pick("x-real-ip")?.trim() || null;
}
