import { randomUUID } from "node:crypto";
import bcrypt from "bcryptjs";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  changeUserRoleAction,
  createOwnApiTokenAction,
  createUserAction,
  resetUserPasswordAction,
  revokeApiTokenAction,
  setUserActiveAction,
} from "../../app/(console)/users/actions.ts";
import type { ActionResult } from "../../lib/actions/action-result.ts";
import { userForApiToken } from "../../lib/auth/api-tokens.ts";
import { runAsUser, type SessionUser } from "../../lib/auth/authorize.ts";
import type { Db } from "../../lib/db/db-client.ts";
import type { Role } from "../../lib/db/generated/enums.ts";
import { testDb } from "../support/test-db.ts";

let db: Db;

function email(label: string): string {
  return `${label}-${randomUUID().slice(0, 8)}@users-test.example`;
}

async function makeUser(role: Role, isActive = true): Promise<SessionUser> {
  const u = await db.user.create({
    data: { email: email(role.toLowerCase()), name: `${role} person`, role, isActive, passwordHash: await bcrypt.hash("old password", 4) },
  });
  return { id: u.id, email: u.email, name: u.name, role: u.role, locale: u.locale };
}

/** Counts of everything the user actions can write, to prove a refused call wrote nothing. */
async function snapshot() {
  const [users, tokens, audit, roles] = await Promise.all([
    db.user.count(),
    db.apiToken.count(),
    db.auditEntry.count(),
    db.user.findMany({ select: { id: true, role: true, isActive: true, passwordHash: true, rowVersion: true }, orderBy: { id: "asc" } }),
  ]);
  return { users, tokens, audit, roles };
}

function expectFailure(result: ActionResult<unknown>, code: string) {
  expect(result.ok).toBe(false);
  if (result.ok) return;
  expect(result.code).toBe(code);
  expect(result.message).not.toMatch(/unknown|undefined|stack/i);
}

beforeAll(() => {
  db = testDb();
});

describe("user actions: permissions", () => {
  it.each(["VIEWER", "USER"] as const)("a %s is refused every user-management action and nothing is written", async (role) => {
    const actor = await makeUser(role);
    const target = await makeUser("USER");
    const before = await snapshot();
    const calls: Array<() => Promise<ActionResult<unknown>>> = [
      () => createUserAction({ email: email("x"), name: "X", role: "ADMIN", password: "long enough" }),
      () => changeUserRoleAction({ userId: target.id, role: "ADMIN" }),
      () => changeUserRoleAction({ userId: actor.id, role: "ADMIN" }),
      () => setUserActiveAction({ userId: target.id, isActive: false }),
      () => resetUserPasswordAction({ userId: target.id, password: "new password" }),
      // Bad input too: the permission check comes before validation, so a viewer learns nothing about the schema.
      () => createUserAction({}),
    ];
    for (const call of calls) {
      const result = await runAsUser(actor, call);
      expectFailure(result, "forbidden");
      if (!result.ok) expect(result.message).toContain(`Your role (${role.toLowerCase()})`);
    }
    expect(await snapshot()).toEqual(before);
  });

  it("a viewer may not create or revoke API tokens", async () => {
    const viewer = await makeUser("VIEWER");
    const owner = await makeUser("USER");
    const created = await runAsUser(owner, () => createOwnApiTokenAction({ name: "owner's" }));
    if (!created.ok) throw new Error(created.message);
    const before = await snapshot();
    expectFailure(await runAsUser(viewer, () => createOwnApiTokenAction({ name: "mine" })), "forbidden");
    expectFailure(await runAsUser(viewer, () => revokeApiTokenAction({ tokenId: created.data.id })), "forbidden");
    expect(await snapshot()).toEqual(before);
  });

  it("a user creates and revokes their own token, but not someone else's", async () => {
    const user = await makeUser("USER");
    const other = await makeUser("USER");
    const mine = await runAsUser(user, () => createOwnApiTokenAction({ name: "ci", expiresInDays: "30" }));
    if (!mine.ok) throw new Error(mine.message);
    expect(await userForApiToken(db, mine.data.token)).toMatchObject({ id: user.id });
    expect(mine.data.expiresAt!.getTime()).toBeGreaterThan(Date.now() + 29 * 86_400_000);
    const theirs = await runAsUser(other, () => createOwnApiTokenAction({ name: "theirs" }));
    if (!theirs.ok) throw new Error(theirs.message);

    const before = await snapshot();
    expectFailure(await runAsUser(user, () => revokeApiTokenAction({ tokenId: theirs.data.id })), "forbidden");
    expect(await snapshot()).toEqual(before);

    expect(await runAsUser(user, () => revokeApiTokenAction({ tokenId: mine.data.id }))).toEqual({ ok: true, data: undefined });
    expect(await userForApiToken(db, mine.data.token)).toBeNull();
  });
});

describe("user actions: an admin", () => {
  it("creates a user who can then sign in; the audit entry has no password", async () => {
    const admin = await makeUser("ADMIN");
    const newEmail = email("new");
    const result = await runAsUser(admin, () =>
      createUserAction({ email: ` ${newEmail.toUpperCase()} `, name: "  New Person ", role: "USER", password: "s3cret-pass" }),
    );
    if (!result.ok) throw new Error(result.message);
    const created = await db.user.findUniqueOrThrow({ where: { id: result.data.id } });
    expect(created).toMatchObject({ email: newEmail, name: "New Person", role: "USER", isActive: true });
    expect(await bcrypt.compare("s3cret-pass", created.passwordHash!)).toBe(true);
    const audit = await db.auditEntry.findFirstOrThrow({ where: { entityType: "User", entityId: created.id } });
    expect(audit).toMatchObject({ action: "user.create", userId: admin.id, actor: admin.email, before: null });
    expect(audit.after).toEqual({ email: newEmail, name: "New Person", role: "USER", isActive: true });
    expect(JSON.stringify([audit.before, audit.after])).not.toMatch(/s3cret|\$2[aby]\$/);
  });

  it("changes a role, deactivates and reactivates, and resets a password, each audited", async () => {
    const admin = await makeUser("ADMIN");
    const target = await makeUser("VIEWER");
    expect(await runAsUser(admin, () => changeUserRoleAction({ userId: target.id, role: "USER" }))).toMatchObject({ ok: true });
    expect(await runAsUser(admin, () => setUserActiveAction({ userId: target.id, isActive: false }))).toMatchObject({ ok: true });
    expect(await runAsUser(admin, () => setUserActiveAction({ userId: target.id, isActive: true }))).toMatchObject({ ok: true });
    expect(await runAsUser(admin, () => resetUserPasswordAction({ userId: target.id, password: "brand new pass" }))).toMatchObject({ ok: true });

    const row = await db.user.findUniqueOrThrow({ where: { id: target.id } });
    expect(row).toMatchObject({ role: "USER", isActive: true });
    expect(await bcrypt.compare("brand new pass", row.passwordHash!)).toBe(true);
    const audit = await db.auditEntry.findMany({ where: { entityType: "User", entityId: target.id }, orderBy: { id: "asc" } });
    expect(audit.map((a) => a.action)).toEqual(["user.role-change", "user.deactivate", "user.activate", "user.password-reset"]);
    expect(audit[0]).toMatchObject({ before: { role: "VIEWER" }, after: { role: "USER" }, userId: admin.id });
    expect(JSON.stringify(audit.map((a) => [a.before, a.after]))).not.toMatch(/brand new pass|\$2[aby]\$/);
  });

  it("refuses a duplicate e-mail with a field message, in any case", async () => {
    const admin = await makeUser("ADMIN");
    const existing = await makeUser("USER");
    const before = await snapshot();
    const result = await runAsUser(admin, () =>
      createUserAction({ email: existing.email.toUpperCase(), name: "Dup", role: "USER", password: "long enough" }),
    );
    expectFailure(result, "invalid");
    if (!result.ok) expect(result.fieldErrors?.email?.[0]).toBe(`A user with the e-mail ${existing.email} already exists.`);
    expect(await snapshot()).toEqual(before);
  });

  it("gets not_found for a user that does not exist", async () => {
    const admin = await makeUser("ADMIN");
    const before = await snapshot();
    expectFailure(await runAsUser(admin, () => changeUserRoleAction({ userId: randomUUID(), role: "USER" })), "not_found");
    expectFailure(await runAsUser(admin, () => revokeApiTokenAction({ tokenId: randomUUID() })), "not_found");
    expect(await snapshot()).toEqual(before);
  });

  const validUser = { email: "valid@users-test.example", name: "Valid", role: "USER", password: "long enough" };
  it.each([
    ["no input at all", createUserAction, undefined, { email: "Enter an e-mail address.", name: "Enter a name.", role: "Choose a role: viewer, user or admin.", password: "Enter a password." }],
    ["an invalid e-mail", createUserAction, { ...validUser, email: "nope" }, { email: "Enter a valid e-mail address, like name@example.com." }],
    ["an e-mail that is too long", createUserAction, { ...validUser, email: `${"a".repeat(200)}@x.example` }, { email: "The e-mail address can be at most 200 characters." }],
    ["a blank name", createUserAction, { ...validUser, name: "   " }, { name: "Enter a name." }],
    ["an unknown role", createUserAction, { ...validUser, role: "SUPERUSER" }, { role: "Choose a role: viewer, user or admin." }],
    ["a short password", createUserAction, { ...validUser, password: "1234567" }, { password: "The password must be at least 8 characters." }],
    ["a password over 72 bytes", createUserAction, { ...validUser, password: "é".repeat(40) }, { password: "The password can be at most 72 characters." }],
    ["a number as e-mail", createUserAction, { ...validUser, email: 42 }, { email: "Enter an e-mail address." }],
    ["a role change without user", changeUserRoleAction, { role: "ADMIN" }, { userId: "Choose a user." }],
    ["a role change to a bad role", changeUserRoleAction, { userId: randomUUID(), role: "root" }, { role: "Choose a role: viewer, user or admin." }],
    ["a status change with a string flag", setUserActiveAction, { userId: randomUUID(), isActive: "no" }, { isActive: "Choose whether the user is active." }],
    ["a password reset with a short password", resetUserPasswordAction, { userId: randomUUID(), password: "short" }, { password: "The password must be at least 8 characters." }],
    ["a token without name", createOwnApiTokenAction, { name: " " }, { name: "Enter a name for the token, e.g. the script that will use it." }],
    ["a token with 0 days", createOwnApiTokenAction, { name: "x", expiresInDays: "0" }, { expiresInDays: "A token must be valid for at least 1 day." }],
    ["a token with text days", createOwnApiTokenAction, { name: "x", expiresInDays: "soon" }, { expiresInDays: "Enter a number of days." }],
    ["a revoke with a bad id", revokeApiTokenAction, { tokenId: "1" }, { tokenId: "Choose a token." }],
  ] as const)("refuses %s with field messages and writes nothing", async (_label, action, input, expected) => {
    const admin = await makeUser("ADMIN");
    const before = await snapshot();
    const result = await runAsUser(admin, () => (action as (i: unknown) => Promise<ActionResult<unknown>>)(input));
    expectFailure(result, "invalid");
    if (result.ok) return;
    const firstMessages = Object.fromEntries(Object.entries(result.fieldErrors ?? {}).map(([k, v]) => [k, v[0]]));
    expect(firstMessages).toEqual(expected);
    expect(await snapshot()).toEqual(before);
  });
});

describe("last active admin", () => {
  // The integration database is shared by the files of a run (serially): park every other active admin for the
  // duration of a test and restore them afterwards.
  let parked: string[] = [];
  afterEach(async () => {
    await db.user.updateMany({ where: { id: { in: parked } }, data: { isActive: true } });
    parked = [];
  });

  async function onlyAdmin(): Promise<SessionUser> {
    const admin = await makeUser("ADMIN");
    const others = await db.user.findMany({ where: { role: "ADMIN", isActive: true, id: { not: admin.id } }, select: { id: true } });
    parked = others.map((o) => o.id);
    await db.user.updateMany({ where: { id: { in: parked } }, data: { isActive: false } });
    return admin;
  }

  it.each([
    ["demote themselves to user", (id: string) => changeUserRoleAction({ userId: id, role: "USER" })],
    ["demote themselves to viewer", (id: string) => changeUserRoleAction({ userId: id, role: "VIEWER" })],
    ["deactivate themselves", (id: string) => setUserActiveAction({ userId: id, isActive: false })],
  ])("the last active admin cannot %s", async (_label, call) => {
    const admin = await onlyAdmin();
    const before = await snapshot();
    const result = await runAsUser(admin, () => call(admin.id));
    expectFailure(result, "conflict");
    if (!result.ok) expect(result.message).toBe(`${admin.email} is the last active administrator. Make another user an administrator first, so someone can still manage users.`);
    expect(await snapshot()).toEqual(before);
  });

  it("with a second active admin, an admin may demote themselves", async () => {
    const admin = await onlyAdmin();
    const second = await makeUser("ADMIN");
    expect(await runAsUser(admin, () => changeUserRoleAction({ userId: admin.id, role: "USER" }))).toMatchObject({ ok: true });
    // Now `second` is the last one.
    expectFailure(await runAsUser(second, () => setUserActiveAction({ userId: second.id, isActive: false })), "conflict");
  });

  it("two admins demoting each other at the same moment leave one admin", async () => {
    const a = await onlyAdmin();
    const b = await makeUser("ADMIN");
    const results = await Promise.all([
      runAsUser(a, () => changeUserRoleAction({ userId: b.id, role: "USER" })),
      runAsUser(b, () => changeUserRoleAction({ userId: a.id, role: "USER" })),
    ]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(await db.user.count({ where: { id: { in: [a.id, b.id] }, role: "ADMIN", isActive: true } })).toBe(1);
  });
});
