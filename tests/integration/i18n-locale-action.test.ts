import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setOwnLocaleAction } from "../../app/(console)/profile-actions.ts";
import { runAsUser, type SessionUser } from "../../lib/auth/authorize.ts";
import type { Db } from "../../lib/db/db-client.ts";
import type { Role } from "../../lib/db/generated/enums.ts";
import { testDb } from "../support/test-db.ts";

let db: Db;
const created: string[] = [];

async function makeUser(role: Role): Promise<SessionUser> {
  const u = await db.user.create({
    data: { email: `locale-${role.toLowerCase()}-${randomUUID().slice(0, 8)}@i18n-test.example`, name: `${role} reader`, role },
  });
  created.push(u.id);
  return { id: u.id, email: u.email, name: u.name, role: u.role, locale: u.locale };
}

async function localeOf(userId: string): Promise<string> {
  return (await db.user.findUniqueOrThrow({ where: { id: userId } })).locale;
}

beforeAll(() => {
  db = testDb();
});

afterAll(async () => {
  await db.user.deleteMany({ where: { id: { in: created } } });
});

describe("setOwnLocaleAction", () => {
  it.each(["VIEWER", "USER", "ADMIN"] as const)("a %s sets their own language, and only their own", async (role) => {
    const actor = await makeUser(role);
    const bystander = await makeUser("USER");
    const result = await runAsUser(actor, () => setOwnLocaleAction({ locale: "it" }));
    expect(result).toEqual({ ok: true, data: { locale: "it" } });
    expect(await localeOf(actor.id)).toBe("it");
    expect(await localeOf(bystander.id)).toBe("en");

    expect(await runAsUser(actor, () => setOwnLocaleAction({ locale: "sv" }))).toMatchObject({ ok: true });
    expect(await localeOf(actor.id)).toBe("sv");
  });

  it.each([{ locale: "de" }, { locale: "EN" }, { locale: "" }, { locale: 7 }, {}, null, "fr"])(
    "refuses %j with a field-level message and writes nothing",
    async (input) => {
      const actor = await makeUser("USER");
      const before = await db.user.findUniqueOrThrow({ where: { id: actor.id } });
      const result = await runAsUser(actor, () => setOwnLocaleAction(input));
      expect(result).toMatchObject({ ok: false, code: "invalid" });
      if (result.ok) return;
      const messages = result.fieldErrors?.locale ?? result.fieldErrors?._form;
      expect(messages?.join(" ")).toMatch(/English, Italiano, Svenska or Français|expected/i);
      expect(await db.user.findUniqueOrThrow({ where: { id: actor.id } })).toEqual(before);
    },
  );

  it("an unsupported language names the choices", async () => {
    const actor = await makeUser("VIEWER");
    const result = await runAsUser(actor, () => setOwnLocaleAction({ locale: "de" }));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.fieldErrors?.locale).toEqual(["Choose one of the languages offered: English, Italiano, Svenska or Français."]);
  });
});
