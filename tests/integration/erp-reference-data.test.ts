import { beforeAll, describe, expect, it } from "vitest";
import { createCurrency, deleteCurrency, updateCurrency } from "../../app/(console)/currencies/actions.ts";
import { createSalesperson, deleteSalesperson, updateSalesperson } from "../../app/(console)/salespeople/actions.ts";
import { runAsUser } from "../../lib/auth/authorize.ts";
import { testDb } from "../support/test-db.ts";
import { createRoleUsers, uniqueKey, type RoleUsers } from "./erp-fixtures.ts";

const db = testDb();
let users: RoleUsers;

beforeAll(async () => {
  users = await createRoleUsers(db);
});

const asUser = <T>(fn: () => Promise<T>) => runAsUser(users.user, fn);

describe("salespeople", () => {
  it("creates, edits with optimistic concurrency, and deletes", async () => {
    const code = uniqueKey("S");
    const created = await asUser(() => createSalesperson({ code: code.toLowerCase(), name: "Annette Hill", email: "ah@x.example" }));
    expect(created).toMatchObject({ ok: true, data: { code, name: "Annette Hill", rowVersion: 1 } });
    if (!created.ok) return;
    const updated = await asUser(() => updateSalesperson({ id: created.data.id, rowVersion: 1, phoneNo: "+1 555 0100" }));
    expect(updated).toMatchObject({ ok: true, data: { phoneNo: "+1 555 0100", rowVersion: 2 } });
    const stale = await asUser(() => updateSalesperson({ id: created.data.id, rowVersion: 1, name: "Stale" }));
    expect(stale).toMatchObject({ ok: false, code: "conflict" });
    if (!stale.ok) expect(stale.message).toMatch(/changed by someone else since you opened it\. Reload/);
    expect(await asUser(() => deleteSalesperson({ id: created.data.id, rowVersion: 2 }))).toMatchObject({ ok: true });
    expect(await db.salesperson.findUnique({ where: { code } })).toBeNull();
  });

  const badInputs: [string, Record<string, unknown>, string][] = [
    ["missing code", { name: "A" }, "code"],
    ["code too long", { code: "X".repeat(21), name: "A" }, "code"],
    ["missing name", { code: "OKCODE" }, "name"],
    ["name too long", { code: "OKCODE", name: "x".repeat(51) }, "name"],
    ["bad e-mail", { code: "OKCODE", name: "A", email: "nope" }, "email"],
  ];
  it.each(badInputs)("refuses %s and writes nothing", async (_label, input, field) => {
    const before = await db.salesperson.count();
    const result = await asUser(() => createSalesperson(input));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.fieldErrors?.[field]?.length).toBeGreaterThan(0);
    expect(await db.salesperson.count()).toBe(before);
  });

  it("refuses a duplicate code and deleting one that customers use", async () => {
    const code = uniqueKey("SU");
    const created = await asUser(() => createSalesperson({ code, name: "Used" }));
    if (!created.ok) throw new Error(created.message);
    expect(await asUser(() => createSalesperson({ code, name: "Again" }))).toMatchObject({ ok: false, code: "conflict" });
    await db.customer.create({ data: { no: uniqueKey("SC"), name: "Served", salespersonCode: code } });
    const result = await asUser(() => deleteSalesperson({ id: created.data.id }));
    expect(result).toMatchObject({ ok: false, code: "conflict" });
    if (!result.ok) expect(result.message).toMatch(/because 1 customer uses it/);
    expect(await db.salesperson.findUnique({ where: { code } })).not.toBeNull();
  });

  it("does not let the code be changed on edit", async () => {
    const created = await asUser(() => createSalesperson({ code: uniqueKey("SF"), name: "Fixed" }));
    if (!created.ok) throw new Error(created.message);
    const result = await asUser(() => updateSalesperson({ id: created.data.id, rowVersion: 1, code: "OTHER" }));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.fieldErrors?._form?.[0]).toMatch(/Unknown field: code/);
  });
});

describe("currencies", () => {
  it("creates, edits and deletes; refuses deletion while customers use it", async () => {
    const code = uniqueKey("C", 10);
    const created = await asUser(() => createCurrency({ code, description: "Test Krone", symbol: "kr" }));
    expect(created).toMatchObject({ ok: true, data: { code, description: "Test Krone" } });
    if (!created.ok) return;
    const updated = await asUser(() => updateCurrency({ id: created.data.id, rowVersion: 1, description: "Renamed" }));
    expect(updated).toMatchObject({ ok: true, data: { description: "Renamed", rowVersion: 2 } });
    const customer = await db.customer.create({ data: { no: uniqueKey("CU"), name: "Pays in it", currencyCode: code } });
    expect(await asUser(() => deleteCurrency({ id: created.data.id }))).toMatchObject({ ok: false, code: "conflict" });
    await db.customer.delete({ where: { id: customer.id } });
    expect(await asUser(() => deleteCurrency({ id: created.data.id, rowVersion: 2 }))).toMatchObject({ ok: true });
  });

  it("refuses bad input with field messages", async () => {
    const before = await db.currency.count();
    for (const [input, field] of [
      [{ code: "" }, "code"],
      [{ code: "TOOLONGCODE1" }, "code"],
      [{ code: "OKC", description: "x".repeat(31) }, "description"],
      [{ code: "OKC", symbol: "x".repeat(11) }, "symbol"],
    ] as const) {
      const result = await asUser(() => createCurrency(input));
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.fieldErrors?.[field]?.length).toBeGreaterThan(0);
    }
    expect(await db.currency.count()).toBe(before);
  });
});

describe("roles", () => {
  it("refuses every salesperson and currency mutation to a viewer and writes nothing", async () => {
    const sp = await asUser(() => createSalesperson({ code: uniqueKey("SV"), name: "Viewer target" }));
    const cur = await asUser(() => createCurrency({ code: uniqueKey("V", 10) }));
    if (!sp.ok || !cur.ok) throw new Error("setup failed");
    const counts = async () => [await db.salesperson.count(), await db.currency.count()];
    const before = await counts();
    for (const attempt of [
      () => createSalesperson({ code: "VIEWERSP", name: "V" }),
      () => updateSalesperson({ id: sp.data.id, rowVersion: 1, name: "V" }),
      () => deleteSalesperson({ id: sp.data.id }),
      () => createCurrency({ code: "VWR" }),
      () => updateCurrency({ id: cur.data.id, rowVersion: 1, description: "V" }),
      () => deleteCurrency({ id: cur.data.id }),
    ]) {
      expect(await runAsUser(users.viewer, attempt)).toMatchObject({ ok: false, code: "forbidden" });
    }
    expect(await counts()).toEqual(before);
    expect((await db.salesperson.findUniqueOrThrow({ where: { id: sp.data.id } })).rowVersion).toBe(1);
    expect((await db.currency.findUniqueOrThrow({ where: { id: cur.data.id } })).rowVersion).toBe(1);
  });
});
