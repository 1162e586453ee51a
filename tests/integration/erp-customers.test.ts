import { beforeAll, describe, expect, it } from "vitest";
import { createCustomer, deleteCustomer, updateCustomer } from "../../app/(console)/customers/actions.ts";
import { createContact } from "../../app/(console)/contacts/actions.ts";
import { runAsUser } from "../../lib/auth/authorize.ts";
import { customerListQuerySchema } from "../../lib/erp/customer-schema.ts";
import { CUSTOMER_CHANGED_MESSAGE, listCustomers } from "../../lib/erp/customer-service.ts";
import { CUSTOMER_SERIES, nextSeriesNumber } from "../../lib/erp/number-series.ts";
import { testDb } from "../support/test-db.ts";
import { createRoleUsers, uniqueKey, type RoleUsers } from "./erp-fixtures.ts";

const db = testDb();
let users: RoleUsers;
let currencyCode: string;
let salespersonCode: string;

beforeAll(async () => {
  users = await createRoleUsers(db);
  currencyCode = uniqueKey("K", 10);
  salespersonCode = uniqueKey("SP");
  await db.currency.create({ data: { code: currencyCode, description: "Test currency" } });
  await db.salesperson.create({ data: { code: salespersonCode, name: "Test Salesperson" } });
});

const asUser = <T>(fn: () => Promise<T>) => runAsUser(users.user, fn);

describe("creating a customer", () => {
  it("stores every card field and returns the record", async () => {
    const no = uniqueKey("TC");
    const result = await asUser(() =>
      createCustomer({
        no: no.toLowerCase(),
        name: "  Fabrikam Residences  ",
        address: "1 Main Street",
        address2: "Suite 4",
        postCode: "98101",
        city: "Seattle",
        county: "WA",
        countryRegionCode: "us",
        phoneNo: "+1 (206) 555-0100",
        mobilePhoneNo: "+1 206 555 0101",
        email: "info@fabrikam.example",
        faxNo: "",
        homePage: "www.fabrikam.example",
        currencyCode,
        salespersonCode,
        creditLimit: "2500,50",
        blocked: "SHIP",
      }),
    );
    expect(result).toMatchObject({
      ok: true,
      data: {
        no,
        name: "Fabrikam Residences",
        countryRegionCode: "US",
        creditLimit: 2500.5,
        blocked: "SHIP",
        currencyCode,
        salespersonCode,
        rowVersion: 1,
      },
    });
    const row = await db.customer.findUniqueOrThrow({ where: { no } });
    expect(row.city).toBe("Seattle");
    expect(row.creditLimit.toNumber()).toBe(2500.5);
  });

  it("takes the next number of the series (increment 10) when No. is left blank", async () => {
    const expected = await nextSeriesNumber(db, CUSTOMER_SERIES);
    const first = await asUser(() => createCustomer({ no: "", name: "Numbered One" }));
    const second = await asUser(() => createCustomer({ name: "Numbered Two" }));
    expect(first.ok && first.data.no).toBe(expected);
    const n = Number(expected.slice(1));
    expect(second.ok && second.data.no).toBe(`C${String(n + 10).padStart(5, "0")}`);
  });

  it("follows the highest number in the series, ignoring numbers outside it", async () => {
    const before = await nextSeriesNumber(db, CUSTOMER_SERIES);
    const higher = `C${String(Number(before.slice(1)) + 500).padStart(5, "0")}`;
    await db.customer.create({ data: { no: higher, name: "Manual number" } });
    await db.customer.create({ data: { no: "CZZ99999", name: "Outside the series" } });
    const result = await asUser(() => createCustomer({ name: "After manual" }));
    expect(result.ok && result.data.no).toBe(`C${String(Number(higher.slice(1)) + 10).padStart(5, "0")}`);
  });

  const badInputs: [string, Record<string, unknown>, string, RegExp][] = [
    ["missing name", {}, "name", /Enter name/],
    ["blank name", { name: "   " }, "name", /Enter name/],
    ["name too long", { name: "x".repeat(101) }, "name", /at most 100/],
    ["name not text", { name: 42 }, "name", /must be text/],
    ["city too long", { name: "A", city: "x".repeat(31) }, "city", /at most 30/],
    ["address 2 too long", { name: "A", address2: "x".repeat(51) }, "address2", /at most 50/],
    ["bad e-mail", { name: "A", email: "not-an-email" }, "email", /valid e-mail/],
    ["e-mail too long", { name: "A", email: `${"a".repeat(75)}@x.example` }, "email", /at most 80/],
    ["letters in phone", { name: "A", phoneNo: "call me" }, "phoneNo", /digits/],
    ["credit limit text", { name: "A", creditLimit: "lots" }, "creditLimit", /must be a number/],
    ["negative credit limit", { name: "A", creditLimit: -5 }, "creditLimit", /cannot be negative/],
    ["three decimals", { name: "A", creditLimit: "1.234" }, "creditLimit", /two decimals/],
    ["country code too long", { name: "A", countryRegionCode: "ABCDEFGHIJK" }, "countryRegionCode", /at most 10/],
    ["space in No.", { no: "C 1", name: "A" }, "no", /only letters, digits/],
    ["unknown blocked", { name: "A", blocked: "SOMETIMES" }, "blocked", /Blocked must be/],
    ["unknown currency", { name: "A", currencyCode: "XXQ" }, "currencyCode", /does not exist/],
    ["unknown salesperson", { name: "A", salespersonCode: "NOBODY9" }, "salespersonCode", /does not exist/],
    ["unknown primary contact", { name: "A", primaryContactNo: "CTNONE" }, "primaryContactNo", /does not exist/],
    ["unknown field", { name: "A", colour: "red" }, "_form", /Unknown field: colour/],
  ];

  it.each(badInputs)("refuses %s with a field-level message and writes nothing", async (_label, input, field, message) => {
    const before = await db.customer.count();
    const result = await asUser(() => createCustomer(input));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.code).toBe("invalid");
    expect(result.fieldErrors?.[field]?.join(" ")).toMatch(message);
    expect(await db.customer.count()).toBe(before);
  });

  it("refuses a No. that already exists, on the No. field", async () => {
    const no = uniqueKey("TD");
    await asUser(() => createCustomer({ no, name: "Original" }));
    const before = await db.customer.count();
    const result = await asUser(() => createCustomer({ no, name: "Duplicate" }));
    expect(result).toMatchObject({ ok: false, code: "conflict" });
    if (!result.ok) expect(result.fieldErrors?.no?.[0]).toMatch(`Customer ${no} already exists`);
    expect(await db.customer.count()).toBe(before);
    expect((await db.customer.findUniqueOrThrow({ where: { no } })).name).toBe("Original");
  });

  it("refuses a non-object input without crashing", async () => {
    for (const input of [null, "name", 42, [], undefined]) {
      const result = await asUser(() => createCustomer(input));
      expect(result).toMatchObject({ ok: false, code: "invalid" });
    }
  });
});

describe("editing a customer", () => {
  it("saves the fields given and bumps the rowVersion", async () => {
    const created = await asUser(() => createCustomer({ no: uniqueKey("TE"), name: "Before", city: "Oslo" }));
    if (!created.ok) throw new Error(created.message);
    const result = await asUser(() =>
      updateCustomer({ id: created.data.id, rowVersion: created.data.rowVersion, name: "After", creditLimit: 100 }),
    );
    expect(result).toMatchObject({ ok: true, data: { name: "After", city: "Oslo", creditLimit: 100, rowVersion: 2 } });
  });

  it("refuses a stale rowVersion with the reload message and keeps the other user's change", async () => {
    const created = await asUser(() => createCustomer({ no: uniqueKey("TF"), name: "Shared" }));
    if (!created.ok) throw new Error(created.message);
    const loaded = created.data.rowVersion;
    const first = await runAsUser(users.admin, () => updateCustomer({ id: created.data.id, rowVersion: loaded, name: "Admin's" }));
    expect(first.ok).toBe(true);
    const second = await asUser(() => updateCustomer({ id: created.data.id, rowVersion: loaded, name: "User's" }));
    expect(second).toEqual({ ok: false, code: "conflict", message: CUSTOMER_CHANGED_MESSAGE, fieldErrors: undefined });
    const row = await db.customer.findUniqueOrThrow({ where: { id: created.data.id } });
    expect(row.name).toBe("Admin's");
    expect(row.rowVersion).toBe(loaded + 1);
  });

  it("requires the rowVersion", async () => {
    const created = await asUser(() => createCustomer({ no: uniqueKey("TG"), name: "No version" }));
    if (!created.ok) throw new Error(created.message);
    const result = await asUser(() => updateCustomer({ id: created.data.id, name: "Changed" }));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.fieldErrors?.rowVersion?.[0]).toMatch(/rowVersion is required/);
    expect((await db.customer.findUniqueOrThrow({ where: { id: created.data.id } })).name).toBe("No version");
  });

  it("refuses invalid fields on edit without writing", async () => {
    const created = await asUser(() => createCustomer({ no: uniqueKey("TH"), name: "Valid" }));
    if (!created.ok) throw new Error(created.message);
    const cases: [Record<string, unknown>, string][] = [
      [{ name: "" }, "name"],
      [{ email: "bad@" }, "email"],
      [{ currencyCode: "NOPEQ" }, "currencyCode"],
      [{ no: "" }, "no"],
    ];
    for (const [fields, field] of cases) {
      const result = await asUser(() => updateCustomer({ id: created.data.id, rowVersion: 1, ...fields }));
      expect(result.ok).toBe(false);
      if (!result.ok) expect(Object.keys(result.fieldErrors ?? {})).toContain(field);
    }
    const row = await db.customer.findUniqueOrThrow({ where: { id: created.data.id } });
    expect(row).toMatchObject({ name: "Valid", email: "", currencyCode: "", rowVersion: 1 });
  });

  it("refuses a NUL character (PostgreSQL cannot store it) on create and on edit, on the field, writing nothing", async () => {
    const no = uniqueKey("TU");
    const before = await db.customer.count();
    const refused = await asUser(() => createCustomer({ no, name: "Fab\u0000rikam", city: "Oslo\u0000" }));
    expect(refused).toMatchObject({ ok: false, code: "invalid" });
    if (refused.ok) return;
    expect(refused.fieldErrors?.name).toEqual(["Name contains a NUL character (U+0000), which cannot be stored. Remove it."]);
    expect(refused.fieldErrors?.city).toEqual(["City contains a NUL character (U+0000), which cannot be stored. Remove it."]);
    expect(await db.customer.count()).toBe(before);
    expect(await db.customer.findUnique({ where: { no } })).toBeNull();

    const created = await asUser(() => createCustomer({ no, name: "Clean" }));
    if (!created.ok) throw new Error(created.message);
    const edit = await runAsUser({ ...users.user, locale: "it" }, () => updateCustomer({ id: created.data.id, rowVersion: created.data.rowVersion, name: "\u0000" }));
    expect(edit).toMatchObject({ ok: false, code: "invalid" });
    if (!edit.ok) expect(edit.fieldErrors?.name).toEqual(["Nome contiene un carattere NUL (U+0000), che non può essere memorizzato. Rimuovilo."]);
    expect(await db.customer.findUniqueOrThrow({ where: { id: created.data.id } })).toMatchObject({ name: "Clean", rowVersion: 1 });
  });

  it("checks that the primary contact belongs to the customer", async () => {
    const a = await asUser(() => createCustomer({ no: uniqueKey("TI"), name: "A" }));
    const b = await asUser(() => createCustomer({ no: uniqueKey("TJ"), name: "B" }));
    if (!a.ok || !b.ok) throw new Error("setup failed");
    const contactOfB = await asUser(() => createContact({ firstName: "Bea", surname: "Bee", customerNo: b.data.no }));
    if (!contactOfB.ok) throw new Error(contactOfB.message);
    const refused = await asUser(() =>
      updateCustomer({ id: a.data.id, rowVersion: a.data.rowVersion, primaryContactNo: contactOfB.data.no }),
    );
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.fieldErrors?.primaryContactNo?.[0]).toMatch(`belongs to customer ${b.data.no}`);
    const accepted = await asUser(() =>
      updateCustomer({ id: b.data.id, rowVersion: b.data.rowVersion, primaryContactNo: contactOfB.data.no }),
    );
    expect(accepted).toMatchObject({ ok: true, data: { primaryContactNo: contactOfB.data.no } });
  });
});

describe("deleting a customer", () => {
  it("deletes a customer without contacts", async () => {
    const created = await asUser(() => createCustomer({ no: uniqueKey("TK"), name: "Goner" }));
    if (!created.ok) throw new Error(created.message);
    const result = await asUser(() => deleteCustomer({ id: created.data.id, rowVersion: created.data.rowVersion }));
    expect(result).toEqual({ ok: true, data: { id: created.data.id, no: created.data.no } });
    expect(await db.customer.findUnique({ where: { id: created.data.id } })).toBeNull();
  });

  it("refuses while the customer still has contacts", async () => {
    const created = await asUser(() => createCustomer({ no: uniqueKey("TL"), name: "Has contacts" }));
    if (!created.ok) throw new Error(created.message);
    await asUser(() => createContact({ firstName: "Carl", surname: "Contact", customerNo: created.data.no }));
    const result = await asUser(() => deleteCustomer({ id: created.data.id }));
    expect(result).toMatchObject({ ok: false, code: "conflict" });
    if (!result.ok) expect(result.message).toMatch(/has 1 contact\. Delete the contacts or move them/);
    expect(await db.customer.findUnique({ where: { id: created.data.id } })).not.toBeNull();
  });

  it("refuses a stale rowVersion", async () => {
    const created = await asUser(() => createCustomer({ no: uniqueKey("TM"), name: "Edited meanwhile" }));
    if (!created.ok) throw new Error(created.message);
    await asUser(() => updateCustomer({ id: created.data.id, rowVersion: 1, name: "Edited" }));
    const result = await asUser(() => deleteCustomer({ id: created.data.id, rowVersion: 1 }));
    expect(result).toMatchObject({ ok: false, code: "conflict", message: CUSTOMER_CHANGED_MESSAGE });
    expect(await db.customer.findUnique({ where: { id: created.data.id } })).not.toBeNull();
  });

  it("answers not_found for a customer that is gone", async () => {
    const result = await asUser(() => deleteCustomer({ id: "6f1c1d1e-0000-4000-8000-000000000000" }));
    expect(result).toMatchObject({ ok: false, code: "not_found" });
  });
});

describe("roles", () => {
  it("refuses every customer mutation to a viewer and writes nothing", async () => {
    const created = await asUser(() => createCustomer({ no: uniqueKey("TN"), name: "Protected" }));
    if (!created.ok) throw new Error(created.message);
    const before = await db.customer.count();
    const attempts = [
      () => createCustomer({ name: "Viewer's customer" }),
      () => updateCustomer({ id: created.data.id, rowVersion: 1, name: "Viewer was here" }),
      () => deleteCustomer({ id: created.data.id }),
      () => createCustomer({ name: "" }),
    ];
    for (const attempt of attempts) {
      const result = await runAsUser(users.viewer, attempt);
      expect(result).toMatchObject({ ok: false, code: "forbidden" });
      if (!result.ok) expect(result.message).toMatch(/Your role \(viewer\) does not allow this/);
    }
    expect(await db.customer.count()).toBe(before);
    expect(await db.customer.findUniqueOrThrow({ where: { id: created.data.id } })).toMatchObject({
      name: "Protected",
      rowVersion: 1,
    });
  });
});

describe("the customer list query", () => {
  const tag = uniqueKey("Q", 12);
  const names = ["Delta", "Alpha", "Charlie", "Bravo", "Echo"];

  beforeAll(async () => {
    for (const [i, name] of names.entries()) {
      const result = await asUser(() =>
        createCustomer({
          no: `${tag}${i}`,
          name: `${name} ${tag}`,
          city: i % 2 ? `Odd ${tag}` : `Even ${tag}`,
          email: `${name.toLowerCase()}@${tag.toLowerCase()}.example`,
          creditLimit: (i + 1) * 1000,
          blocked: i === 4 ? "ALL" : "NONE",
        }),
      );
      if (!result.ok) throw new Error(result.message);
    }
  });

  const query = (params: Record<string, unknown>) => listCustomers(db, customerListQuerySchema.parse(params));

  it("searches no., name, city and e-mail, case-insensitively", async () => {
    expect((await query({ q: tag.toLowerCase() })).total).toBe(5);
    expect((await query({ q: `charlie ${tag}` })).rows.map((r) => r.name)).toEqual([`Charlie ${tag}`]);
    expect((await query({ q: `odd ${tag}` })).total).toBe(2);
    expect((await query({ q: `echo@${tag}` })).total).toBe(1);
  });

  it("sorts by any listed column in both directions", async () => {
    const byName = await query({ q: tag, sort: "name", dir: "asc" });
    expect(byName.rows.map((r) => r.name.split(" ")[0])).toEqual(["Alpha", "Bravo", "Charlie", "Delta", "Echo"]);
    const byLimitDesc = await query({ q: tag, sort: "creditLimit", dir: "desc" });
    expect(byLimitDesc.rows.map((r) => r.creditLimit)).toEqual([5000, 4000, 3000, 2000, 1000]);
    const byNoDesc = await query({ q: tag, sort: "no", dir: "desc" });
    expect(byNoDesc.rows.map((r) => r.no)).toEqual([4, 3, 2, 1, 0].map((i) => `${tag}${i}`));
  });

  it("pages with a total count", async () => {
    const page1 = await query({ q: tag, sort: "no", pageSize: 2, page: 1 });
    const page3 = await query({ q: tag, sort: "no", pageSize: 2, page: 3 });
    expect(page1).toMatchObject({ total: 5, page: 1, pageSize: 2 });
    expect(page1.rows.map((r) => r.no)).toEqual([`${tag}0`, `${tag}1`]);
    expect(page3.rows.map((r) => r.no)).toEqual([`${tag}4`]);
    expect((await query({ q: tag, pageSize: 2, page: 9 })).rows).toEqual([]);
  });

  it("filters per column and combines filters with the search", async () => {
    expect((await query({ city: `even ${tag}` })).total).toBe(3);
    expect((await query({ city: `Even ${tag}`, blocked: "ALL" })).rows.map((r) => r.no)).toEqual([`${tag}4`]);
    expect((await query({ q: "alpha", email: tag.toLowerCase() })).total).toBe(1);
    expect((await query({ no: `${tag}3` })).rows.map((r) => r.name)).toEqual([`Bravo ${tag}`]);
  });

  it("treats LIKE wildcards in a search literally", async () => {
    expect((await query({ q: `${tag}%` })).total).toBe(0);
    expect((await query({ q: `_${tag.slice(1)}` })).total).toBe(0);
  });

  it("rejects bad list parameters with messages", () => {
    const result = customerListQuerySchema.safeParse({ sort: "password", dir: "up", pageSize: "1000", page: "0" });
    expect(result.success).toBe(false);
    const paths = result.error?.issues.map((i) => i.path[0]);
    expect(paths).toEqual(expect.arrayContaining(["sort", "dir", "pageSize", "page"]));
  });
});
