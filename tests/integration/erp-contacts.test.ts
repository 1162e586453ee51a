import { beforeAll, describe, expect, it } from "vitest";
import { createContact, deleteContact, findCustomerOptions, updateContact } from "../../app/(console)/contacts/actions.ts";
import { createCustomer, updateCustomer } from "../../app/(console)/customers/actions.ts";
import { runAsUser } from "../../lib/auth/authorize.ts";
import { contactListQuerySchema } from "../../lib/erp/contact-schema.ts";
import { CONTACT_CHANGED_MESSAGE, listContacts } from "../../lib/erp/contact-service.ts";
import { CONTACT_SERIES, nextSeriesNumber } from "../../lib/erp/number-series.ts";
import { testDb } from "../support/test-db.ts";
import { createRoleUsers, uniqueKey, type RoleUsers } from "./erp-fixtures.ts";

const db = testDb();
let users: RoleUsers;
let customerNo: string;

beforeAll(async () => {
  users = await createRoleUsers(db);
  customerNo = uniqueKey("CC");
  await db.customer.create({ data: { no: customerNo, name: "Contoso Pharmaceuticals" } });
});

const asUser = <T>(fn: () => Promise<T>) => runAsUser(users.user, fn);

describe("creating a contact", () => {
  it("joins the name parts into the name and links the customer", async () => {
    const result = await asUser(() =>
      createContact({
        firstName: " Anna ",
        middleName: "B.",
        surname: "Lindqvist",
        jobTitle: "Inköpschef",
        customerNo: customerNo.toLowerCase(),
        email: "anna@contoso.example",
        countryRegionCode: "se",
      }),
    );
    expect(result).toMatchObject({
      ok: true,
      data: { name: "Anna B. Lindqvist", customerNo, customerName: "Contoso Pharmaceuticals", countryRegionCode: "SE" },
    });
    if (!result.ok) return;
    const row = await db.contact.findUniqueOrThrow({ where: { id: result.data.id }, include: { customer: true } });
    expect(row.name).toBe("Anna B. Lindqvist");
    expect(row.customer?.no).toBe(customerNo);
  });

  it("takes the next CT number when No. is blank", async () => {
    const expected = await nextSeriesNumber(db, CONTACT_SERIES);
    const result = await asUser(() => createContact({ surname: "Numbered" }));
    expect(expected).toMatch(/^CT\d{6}$/);
    expect(result.ok && result.data.no).toBe(expected);
  });

  const badInputs: [string, Record<string, unknown>, string, RegExp][] = [
    ["no name at all", { jobTitle: "Buyer" }, "surname", /first name or a surname/],
    ["blank names", { firstName: " ", surname: "" }, "surname", /first name or a surname/],
    ["first name too long", { firstName: "x".repeat(31) }, "firstName", /at most 30/],
    ["surname too long", { surname: "x".repeat(31) }, "surname", /at most 30/],
    ["job title too long", { surname: "A", jobTitle: "x".repeat(101) }, "jobTitle", /at most 100/],
    ["bad e-mail", { surname: "A", email: "a@b@c" }, "email", /valid e-mail/],
    ["unknown customer", { surname: "A", customerNo: "NOSUCHCUST" }, "customerNo", /does not exist/],
    ["salutation too long", { surname: "A", salutationCode: "ABCDEFGHIJK" }, "salutationCode", /at most 10/],
    ["letters in mobile", { surname: "A", mobilePhoneNo: "mobile" }, "mobilePhoneNo", /digits/],
    ["unknown field", { surname: "A", customerId: "x" }, "_form", /Unknown field: customerId/],
  ];

  it.each(badInputs)("refuses %s with a field-level message and writes nothing", async (_label, input, field, message) => {
    const before = await db.contact.count();
    const result = await asUser(() => createContact(input));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.fieldErrors?.[field]?.join(" ")).toMatch(message);
    expect(await db.contact.count()).toBe(before);
  });

  it("refuses a duplicate No.", async () => {
    const no = uniqueKey("CTD");
    await asUser(() => createContact({ no, surname: "First" }));
    const result = await asUser(() => createContact({ no, surname: "Second" }));
    expect(result).toMatchObject({ ok: false, code: "conflict" });
    if (!result.ok) expect(result.fieldErrors?.no?.[0]).toMatch(`Contact ${no} already exists`);
    expect(await db.contact.count({ where: { no } })).toBe(1);
  });
});

describe("editing a contact", () => {
  it("keeps the name equal to the parts when one part changes", async () => {
    const created = await asUser(() => createContact({ firstName: "Jim", surname: "Olive" }));
    if (!created.ok) throw new Error(created.message);
    const result = await asUser(() =>
      updateContact({ id: created.data.id, rowVersion: created.data.rowVersion, surname: "Oliver", customerNo }),
    );
    expect(result).toMatchObject({ ok: true, data: { name: "Jim Oliver", customerNo, rowVersion: 2 } });
    const cleared = await asUser(() => updateContact({ id: created.data.id, rowVersion: 2, customerNo: "" }));
    expect(cleared).toMatchObject({ ok: true, data: { customerNo: "", customerId: null } });
  });

  it("refuses removing both first name and surname", async () => {
    const created = await asUser(() => createContact({ firstName: "Solo", surname: "Person" }));
    if (!created.ok) throw new Error(created.message);
    const result = await asUser(() => updateContact({ id: created.data.id, rowVersion: 1, firstName: "", surname: "" }));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.fieldErrors?.surname?.[0]).toMatch(/first name or a surname/);
    expect((await db.contact.findUniqueOrThrow({ where: { id: created.data.id } })).name).toBe("Solo Person");
  });

  it("refuses a stale rowVersion with the reload message", async () => {
    const created = await asUser(() => createContact({ surname: "Contended" }));
    if (!created.ok) throw new Error(created.message);
    await runAsUser(users.admin, () => updateContact({ id: created.data.id, rowVersion: 1, jobTitle: "Admin's" }));
    const result = await asUser(() => updateContact({ id: created.data.id, rowVersion: 1, jobTitle: "User's" }));
    expect(result).toMatchObject({ ok: false, code: "conflict", message: CONTACT_CHANGED_MESSAGE });
    expect((await db.contact.findUniqueOrThrow({ where: { id: created.data.id } })).jobTitle).toBe("Admin's");
  });

  it("carries a renumbered primary contact over to its customer, and clears it when the contact is deleted", async () => {
    const customer = await asUser(() => createCustomer({ no: uniqueKey("CP"), name: "Primary holder" }));
    if (!customer.ok) throw new Error(customer.message);
    const contact = await asUser(() => createContact({ surname: "Primary", customerNo: customer.data.no }));
    if (!contact.ok) throw new Error(contact.message);
    const set = await asUser(() =>
      updateCustomer({ id: customer.data.id, rowVersion: customer.data.rowVersion, primaryContactNo: contact.data.no }),
    );
    expect(set.ok).toBe(true);
    const newNo = uniqueKey("CTR");
    const renamed = await asUser(() => updateContact({ id: contact.data.id, rowVersion: 1, no: newNo }));
    expect(renamed).toMatchObject({ ok: true, data: { no: newNo } });
    expect((await db.customer.findUniqueOrThrow({ where: { id: customer.data.id } })).primaryContactNo).toBe(newNo);
    const deleted = await asUser(() => deleteContact({ id: contact.data.id, rowVersion: 2 }));
    expect(deleted.ok).toBe(true);
    expect((await db.customer.findUniqueOrThrow({ where: { id: customer.data.id } })).primaryContactNo).toBe("");
  });
});

describe("roles", () => {
  it("refuses every contact mutation to a viewer and writes nothing", async () => {
    const created = await asUser(() => createContact({ surname: "Guarded" }));
    if (!created.ok) throw new Error(created.message);
    const before = await db.contact.count();
    for (const attempt of [
      () => createContact({ surname: "Viewer's" }),
      () => updateContact({ id: created.data.id, rowVersion: 1, surname: "Changed" }),
      () => deleteContact({ id: created.data.id }),
    ]) {
      expect(await runAsUser(users.viewer, attempt)).toMatchObject({ ok: false, code: "forbidden" });
    }
    expect(await db.contact.count()).toBe(before);
    expect(await db.contact.findUniqueOrThrow({ where: { id: created.data.id } })).toMatchObject({
      surname: "Guarded",
      rowVersion: 1,
    });
  });

  it("lets a viewer look customers up", async () => {
    const result = await runAsUser(users.viewer, () => findCustomerOptions(customerNo));
    expect(result).toMatchObject({ ok: true, data: [{ no: customerNo, name: "Contoso Pharmaceuticals" }] });
  });
});

describe("the contact list query", () => {
  const tag = uniqueKey("L", 10);
  let owner: string;

  beforeAll(async () => {
    owner = uniqueKey("LO");
    await db.customer.create({ data: { no: owner, name: `Owner ${tag}` } });
    for (const [i, surname] of ["Young", "Adams", "Miller"].entries()) {
      const result = await asUser(() =>
        createContact({
          no: `${tag}${i}`,
          firstName: tag,
          surname,
          jobTitle: i === 2 ? "Buyer" : "Manager",
          customerNo: i === 0 ? "" : owner,
        }),
      );
      if (!result.ok) throw new Error(result.message);
    }
  });

  const query = (params: Record<string, unknown>) => listContacts(db, contactListQuerySchema.parse(params));

  it("searches, filters by customer no. and job title, sorts and pages", async () => {
    expect((await query({ q: tag })).total).toBe(3);
    const byCustomer = await query({ customerNo: owner });
    expect(byCustomer.rows.map((r) => r.no).sort()).toEqual([`${tag}1`, `${tag}2`]);
    expect(byCustomer.rows[0]).toMatchObject({ customerNo: owner, customerName: `Owner ${tag}` });
    expect((await query({ q: tag, jobTitle: "buyer" })).rows.map((r) => r.no)).toEqual([`${tag}2`]);
    const byName = await query({ q: tag, sort: "name", dir: "desc", pageSize: 2 });
    expect(byName.rows.map((r) => r.name)).toEqual([`${tag} Young`, `${tag} Miller`]);
    expect(byName.total).toBe(3);
    const byCustomerNo = await query({ q: tag, sort: "customerNo", dir: "asc" });
    expect(byCustomerNo.rows).toHaveLength(3);
  });
});
