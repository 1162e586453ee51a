import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { createApiToken, userForApiToken } from "../../lib/auth/api-tokens.ts";
import { actorOf, issueApiToken, revokeApiToken } from "../../lib/auth/users.ts";
import type { Db } from "../../lib/db/db-client.ts";
import { testDb } from "../support/test-db.ts";

let db: Db;

async function makeUser(role: "VIEWER" | "USER" | "ADMIN" = "USER") {
  return db.user.create({
    data: { email: `tok-${randomUUID().slice(0, 8)}@auth-test.example`, name: "Token Test", role, passwordHash: null },
  });
}

/** Every row of every table in the public schema whose JSON form contains `needle`. */
async function rowsContaining(needle: string): Promise<string[]> {
  const tables = await db.$queryRaw<{ table_name: string }[]>`
    SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`;
  const hits: string[] = [];
  for (const { table_name } of tables) {
    const rows = await db.$queryRawUnsafe<{ n: bigint }[]>(
      `SELECT count(*) AS n FROM "${table_name.replace(/"/g, '""')}" t WHERE to_jsonb(t)::text LIKE $1`,
      `%${needle}%`,
    );
    if (Number(rows[0]?.n ?? 0) > 0) hits.push(table_name);
  }
  return hits;
}

beforeAll(() => {
  db = testDb();
});

describe("API tokens", () => {
  it("create → authenticates its user → revoke → refused", async () => {
    const user = await makeUser();
    const { id, token } = await issueApiToken(db, actorOf(user), { userId: user.id, name: "script" });
    expect(token).toMatch(/^cc_[A-Za-z0-9_-]{40}$/);
    expect(await userForApiToken(db, token)).toMatchObject({ id: user.id, email: user.email, role: "USER" });
    expect((await db.apiToken.findUniqueOrThrow({ where: { id } })).lastUsedAt).not.toBeNull();

    await revokeApiToken(db, actorOf(user), { tokenId: id });
    expect(await userForApiToken(db, token)).toBeNull();
    const audit = await db.auditEntry.findMany({ where: { entityType: "ApiToken", entityId: id }, orderBy: { id: "asc" } });
    expect(audit.map((a) => a.action)).toEqual(["api-token.create", "api-token.revoke"]);
    expect(audit.every((a) => a.userId === user.id)).toBe(true);
  });

  it("is stored hashed: no table anywhere contains the token", async () => {
    const user = await makeUser();
    const { token } = await issueApiToken(db, actorOf(user), { userId: user.id, name: "hashed" });
    expect(await userForApiToken(db, token)).not.toBeNull();
    expect(await rowsContaining(token)).toEqual([]);
    expect(await rowsContaining(token.slice(12))).toEqual([]);
  });

  it.each([
    ["an unknown token", async () => "cc_" + "x".repeat(40)],
    ["a token without the prefix", async () => "not-a-token"],
    ["an expired token", async () => (await createApiToken(db, { userId: (await makeUser()).id, name: "old", expiresAt: new Date(Date.now() - 1000) })).token],
    ["a token of a deactivated user", async () => {
      const user = await makeUser();
      const { token } = await createApiToken(db, { userId: user.id, name: "x" });
      await db.user.update({ where: { id: user.id }, data: { isActive: false } });
      return token;
    }],
  ])("refuses %s", async (_label, token) => {
    expect(await userForApiToken(db, await token())).toBeNull();
  });

  it("a user cannot revoke someone else's token; an admin can", async () => {
    const owner = await makeUser();
    const other = await makeUser();
    const admin = await makeUser("ADMIN");
    const { id, token } = await issueApiToken(db, actorOf(owner), { userId: owner.id, name: "mine" });
    await expect(revokeApiToken(db, actorOf(other), { tokenId: id })).rejects.toMatchObject({ code: "forbidden" });
    expect(await userForApiToken(db, token)).not.toBeNull();
    await revokeApiToken(db, actorOf(admin), { tokenId: id });
    expect(await userForApiToken(db, token)).toBeNull();
  });

  it("a user cannot issue a token for someone else", async () => {
    const user = await makeUser();
    const other = await makeUser();
    await expect(issueApiToken(db, actorOf(user), { userId: other.id, name: "sneaky" })).rejects.toMatchObject({ code: "forbidden" });
    expect(await db.apiToken.count({ where: { userId: other.id } })).toBe(0);
  });
});
