import { randomUUID } from "node:crypto";
import bcrypt from "bcryptjs";
import { beforeAll, describe, expect, it } from "vitest";
import type { Account, Profile, User } from "next-auth";
import type { JWT } from "next-auth/jwt";
import { buildAuthOptions } from "../../lib/auth/auth-options.ts";
import { authorizeCredentials, userForEntraSignIn } from "../../lib/auth/credentials.ts";
import { loginErrorMessage } from "../../lib/auth/login-errors.ts";
import { consumeRateLimit, LOGIN_WINDOW_MS } from "../../lib/auth/rate-limit.ts";
import type { Db } from "../../lib/db/db-client.ts";
import { envSchema } from "../../lib/env.ts";
import { testDb } from "../support/test-db.ts";

let db: Db;

function uniqueEmail(label: string): string {
  return `${label}-${randomUUID().slice(0, 8)}@auth-test.example`;
}

function uniqueIp(): string {
  const b = randomUUID().replace(/-/g, "");
  return `10.${parseInt(b.slice(0, 2), 16)}.${parseInt(b.slice(2, 4), 16)}.${parseInt(b.slice(4, 6), 16)}`;
}

async function makeUser(options: { isActive?: boolean; password?: string | null } = {}) {
  const email = uniqueEmail("cred");
  const password = options.password === undefined ? "correct horse battery" : options.password;
  const user = await db.user.create({
    data: {
      email,
      name: "Credentials Test",
      role: "USER",
      isActive: options.isActive ?? true,
      passwordHash: password === null ? null : await bcrypt.hash(password, 4),
    },
  });
  return { user, email, password: password ?? "" };
}

async function refusalOf(run: () => Promise<unknown>): Promise<string | null> {
  try {
    await run();
    return null;
  } catch (error) {
    return loginErrorMessage((error as Error).message);
  }
}

beforeAll(() => {
  db = testDb();
});

describe("credentials sign-in", () => {
  it("accepts the right password, with the e-mail in any case and spacing", async () => {
    const { user, email, password } = await makeUser();
    const result = await authorizeCredentials(db, { email: ` ${email.toUpperCase()} `, password }, { ip: uniqueIp() });
    expect(result).toEqual({ id: user.id, email, name: "Credentials Test" });
  });

  it.each([
    ["a wrong password", async () => ({ email: (await makeUser()).email, password: "wrong password" })],
    ["an unknown e-mail", async () => ({ email: uniqueEmail("nobody"), password: "correct horse battery" })],
    ["a deactivated user", async () => { const u = await makeUser({ isActive: false }); return { email: u.email, password: u.password }; }],
    ["a user without a password (Entra ID only)", async () => ({ email: (await makeUser({ password: null })).email, password: "anything" })],
    ["an empty password", async () => ({ email: (await makeUser()).email, password: "" })],
    ["a malformed e-mail", async () => ({ email: "not an e-mail", password: "x" })],
  ])("refuses %s", async (_label, credentials) => {
    expect(await authorizeCredentials(db, await credentials(), { ip: uniqueIp() })).toBeNull();
  });
});

describe("login rate limiting", () => {
  it("refuses after N failed attempts per e-mail, even with the right password, until the window ends", async () => {
    const { user, email, password } = await makeUser();
    const start = new Date();
    const limit = 3;
    for (let i = 0; i < limit; i++) {
      const ip = uniqueIp();
      expect(await authorizeCredentials(db, { email, password: "wrong" }, { ip, now: start, limit })).toBeNull();
    }
    const blocked = await refusalOf(() => authorizeCredentials(db, { email, password }, { ip: uniqueIp(), now: start, limit }));
    expect(blocked).toBe("Too many sign-in attempts. Wait 15 minutes and try again.");

    const later = new Date(start.getTime() + 10 * 60_000);
    const stillBlocked = await refusalOf(() => authorizeCredentials(db, { email, password }, { ip: uniqueIp(), now: later, limit }));
    expect(stillBlocked).toBe("Too many sign-in attempts. Wait 5 minutes and try again.");

    const afterWindow = new Date(start.getTime() + LOGIN_WINDOW_MS + 1000);
    const result = await authorizeCredentials(db, { email, password }, { ip: uniqueIp(), now: afterWindow, limit });
    expect(result?.id).toBe(user.id);
  });

  it("refuses a client IP after N failures across different e-mails", async () => {
    const ip = uniqueIp();
    const now = new Date();
    const limit = 4;
    for (let i = 0; i < limit; i++) {
      expect(await authorizeCredentials(db, { email: uniqueEmail("spray"), password: "guess" }, { ip, now, limit })).toBeNull();
    }
    const { email, password } = await makeUser();
    expect(await refusalOf(() => authorizeCredentials(db, { email, password }, { ip, now, limit }))).toMatch(
      /^Too many sign-in attempts\. Wait \d+ minutes? and try again\.$/,
    );
    expect(await authorizeCredentials(db, { email, password }, { ip: uniqueIp(), now, limit })).not.toBeNull();
  });

  it("does not count successful sign-ins as failures", async () => {
    const { email, password } = await makeUser();
    const ip = uniqueIp();
    const now = new Date();
    for (let i = 0; i < 6; i++) {
      expect(await authorizeCredentials(db, { email, password }, { ip, now, limit: 2 })).not.toBeNull();
    }
  });

  it("the counter is atomic: of many parallel attempts exactly the limit pass", async () => {
    const key = `test:${randomUUID()}`;
    const now = new Date();
    const rule = { limit: 5, windowMs: LOGIN_WINDOW_MS };
    const hits = await Promise.all(Array.from({ length: 20 }, () => consumeRateLimit(db, key, rule, now)));
    expect(hits.filter((h) => h.isAllowed)).toHaveLength(5);
    expect(hits.map((h) => h.count).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it("a new window starts the count again", async () => {
    const key = `test:${randomUUID()}`;
    const start = new Date();
    const rule = { limit: 1, windowMs: 60_000 };
    expect((await consumeRateLimit(db, key, rule, start)).isAllowed).toBe(true);
    expect((await consumeRateLimit(db, key, rule, new Date(start.getTime() + 59_000))).isAllowed).toBe(false);
    const next = await consumeRateLimit(db, key, rule, new Date(start.getTime() + 60_000));
    expect(next).toMatchObject({ count: 1, isAllowed: true });
    expect(next.windowStart.getTime()).toBe(start.getTime() + 60_000);
  });
});

describe("Entra ID sign-in mapping", () => {
  it("maps an existing active user by e-mail, in any case", async () => {
    const { user, email } = await makeUser({ password: null });
    expect((await userForEntraSignIn(db, email.toUpperCase()))?.id).toBe(user.id);
  });

  it.each([
    ["an unknown e-mail", async () => uniqueEmail("entra")],
    ["a deactivated user", async () => (await makeUser({ isActive: false })).email],
    ["no e-mail at all", async () => null],
  ])("refuses %s", async (_label, email) => {
    expect(await userForEntraSignIn(db, await email())).toBeNull();
  });
});

describe("Entra ID sign-in callbacks", () => {
  const options = buildAuthOptions(
    envSchema.parse({ AZURE_AD_CLIENT_ID: "c", AZURE_AD_CLIENT_SECRET: "s", AZURE_AD_TENANT_ID: "t" }),
  );
  const account = { provider: "azure-ad", type: "oauth", providerAccountId: "entra-oid" } as Account;

  async function signInAs(email: string | undefined) {
    const profile = { sub: "entra-oid", preferred_username: email } as Profile;
    const user = { id: "entra-oid", email: null } as unknown as User;
    const allowed = await options.callbacks!.signIn!({ user, account, profile });
    const token = allowed === true ? await options.callbacks!.jwt!({ token: {} as JWT, user, account, profile, trigger: "signIn" }) : null;
    return { allowed, token };
  }

  it("lets an existing active user in, with the console's user id in the session token", async () => {
    const { user, email } = await makeUser({ password: null });
    const { allowed, token } = await signInAs(email.toUpperCase());
    expect(allowed).toBe(true);
    expect(token?.sub).toBe(user.id);
  });

  it.each([
    ["an unknown user", async () => uniqueEmail("stranger")],
    ["a deactivated user", async () => (await makeUser({ isActive: false })).email],
    ["a profile without e-mail", async () => undefined],
  ])("sends %s back to the login page with a clear message", async (_label, email) => {
    const { allowed } = await signInAs(await email());
    expect(allowed).toBe("/login?error=EntraNotAllowed");
    expect(loginErrorMessage("EntraNotAllowed")).toMatch(/not allowed to use this console.*Ask an administrator/);
  });

  it("leaves credentials sign-ins to authorize()", async () => {
    const credentialsAccount = { provider: "credentials", type: "credentials", providerAccountId: "x" } as Account;
    expect(await options.callbacks!.signIn!({ user: { id: "x" } as User, account: credentialsAccount })).toBe(true);
  });
});
