import { beforeAll, describe, expect, it } from "vitest";
import * as contactItem from "../../app/api/v1/contacts/[no]/route.ts";
import * as contactCollection from "../../app/api/v1/contacts/route.ts";
import * as currencies from "../../app/api/v1/currencies/route.ts";
import * as customerItem from "../../app/api/v1/customers/[no]/route.ts";
import * as customerCollection from "../../app/api/v1/customers/route.ts";
import * as salespeople from "../../app/api/v1/salespeople/route.ts";
import { testDb } from "../support/test-db.ts";
import { apiRequest, createRoleUsers, routeParams, uniqueKey, type RoleUsers } from "./erp-fixtures.ts";

const db = testDb();
let users: RoleUsers;
const noParams = routeParams({});

beforeAll(async () => {
  users = await createRoleUsers(db);
});

async function postCustomer(token: string, body: unknown) {
  return customerCollection.POST(apiRequest("POST", "/api/v1/customers", { token, body }), noParams);
}

describe("/api/v1/customers", () => {
  it("creates, reads, patches with rowVersion and deletes a customer", async () => {
    const no = uniqueKey("AP");
    const created = await postCustomer(users.user.token, { no, name: "Wide World Importers", city: "Seattle" });
    expect(created.status).toBe(201);
    const body = await created.json();
    expect(body).toMatchObject({ no, name: "Wide World Importers", city: "Seattle", rowVersion: 1, creditLimit: 0 });

    const read = await customerItem.GET(apiRequest("GET", `/api/v1/customers/${no}`, { token: users.viewer.token }), routeParams({ no }));
    expect(read.status).toBe(200);
    expect(await read.json()).toMatchObject({ id: body.id, no });

    const patched = await customerItem.PATCH(
      apiRequest("PATCH", `/api/v1/customers/${no}`, { token: users.user.token, body: { rowVersion: 1, city: "Redmond" } }),
      routeParams({ no }),
    );
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({ city: "Redmond", name: "Wide World Importers", rowVersion: 2 });

    const stale = await customerItem.PATCH(
      apiRequest("PATCH", `/api/v1/customers/${no}`, { token: users.user.token, body: { rowVersion: 1, city: "Tacoma" } }),
      routeParams({ no }),
    );
    expect(stale.status).toBe(409);
    expect(await stale.json()).toEqual({
      error: { code: "conflict", message: "This customer was changed by someone else since you opened it. Reload to see the changes." },
    });

    const removed = await customerItem.DELETE(
      apiRequest("DELETE", `/api/v1/customers/${no}?rowVersion=2`, { token: users.user.token }),
      routeParams({ no }),
    );
    expect(removed.status).toBe(200);
    expect(await removed.json()).toEqual({ id: body.id, deleted: true });
    const gone = await customerItem.GET(apiRequest("GET", `/api/v1/customers/${no}`, { token: users.user.token }), routeParams({ no }));
    expect(gone.status).toBe(404);
  });

  it("requires the rowVersion on PATCH (no last-writer-wins)", async () => {
    const no = uniqueKey("AR");
    await postCustomer(users.user.token, { no, name: "Versioned" });
    const response = await customerItem.PATCH(
      apiRequest("PATCH", `/api/v1/customers/${no}`, { token: users.user.token, body: { name: "Blind write" } }),
      routeParams({ no }),
    );
    expect(response.status).toBe(400);
    const body = await response.json();
    expect(body.error.code).toBe("invalid");
    expect(body.error.details.rowVersion[0]).toMatch(/rowVersion is required/);
    expect((await db.customer.findUniqueOrThrow({ where: { no } })).name).toBe("Versioned");
  });

  const badBodies: [string, unknown, string][] = [
    ["missing name", { city: "X" }, "name"],
    ["bad e-mail", { name: "A", email: "x" }, "email"],
    ["credit limit text", { name: "A", creditLimit: "much" }, "creditLimit"],
    ["unknown currency", { name: "A", currencyCode: "QQQ" }, "currencyCode"],
    ["unknown field", { name: "A", rowVersion: 3 }, "_form"],
    ["not an object", ["name"], "_form"],
  ];
  it.each(badBodies)("answers 400 with field details for %s and writes nothing", async (_label, body, field) => {
    const before = await db.customer.count();
    const response = await postCustomer(users.user.token, body);
    expect(response.status).toBe(400);
    const json = await response.json();
    expect(json.error.code).toBe("invalid");
    expect(json.error.details[field].length).toBeGreaterThan(0);
    expect(await db.customer.count()).toBe(before);
  });

  it("answers 400 with a field message for a NUL character in POST and PATCH, and stores nothing", async () => {
    const no = uniqueKey("AN");
    const before = await db.customer.count();
    const refused = await postCustomer(users.user.token, { no, name: "Null\u0000Byte" });
    expect(refused.status).toBe(400);
    const body = await refused.json();
    expect(body.error.code).toBe("invalid");
    expect(body.error.details.name).toEqual(["Name contains a NUL character (U+0000), which cannot be stored. Remove it."]);
    expect(await db.customer.count()).toBe(before);

    await postCustomer(users.user.token, { no, name: "Clean" });
    const patched = await customerItem.PATCH(
      apiRequest("PATCH", `/api/v1/customers/${no}`, { token: users.user.token, body: { rowVersion: 1, address: "1 Main St\u0000" } }),
      routeParams({ no }),
    );
    expect(patched.status).toBe(400);
    expect((await patched.json()).error.details.address[0]).toMatch(/NUL character/);
    expect(await db.customer.findUniqueOrThrow({ where: { no } })).toMatchObject({ name: "Clean", address: "", rowVersion: 1 });
  });

  it("answers 400 for malformed JSON", async () => {
    const response = await customerCollection.POST(
      apiRequest("POST", "/api/v1/customers", { token: users.user.token, rawBody: "{not json" }),
      noParams,
    );
    expect(response.status).toBe(400);
    expect((await response.json()).error.message).toMatch(/not valid JSON/);
  });

  it("answers 409 with a field message for a duplicate No.", async () => {
    const no = uniqueKey("AD");
    await postCustomer(users.user.token, { no, name: "First" });
    const response = await postCustomer(users.user.token, { no, name: "Second" });
    expect(response.status).toBe(409);
    expect((await response.json()).error.details.no[0]).toMatch(/already exists/);
  });

  it("lists with paging, sorting and filters, and rejects unknown parameters", async () => {
    const tag = uniqueKey("AL", 10);
    for (const [i, name] of ["Bravo", "Alpha", "Charlie"].entries()) {
      await postCustomer(users.user.token, { no: `${tag}${i}`, name: `${name} ${tag}`, city: tag });
    }
    const response = await customerCollection.GET(
      apiRequest("GET", `/api/v1/customers?city=${tag}&sort=name&dir=desc&pageSize=2`, { token: users.viewer.token }),
      noParams,
    );
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toMatchObject({ total: 3, page: 1, pageSize: 2 });
    expect(body.items.map((c: { name: string }) => c.name)).toEqual([`Charlie ${tag}`, `Bravo ${tag}`]);
    const bad = await customerCollection.GET(
      apiRequest("GET", "/api/v1/customers?sort=secret&colour=red", { token: users.viewer.token }),
      noParams,
    );
    expect(bad.status).toBe(400);
    expect(Object.keys((await bad.json()).error.details)).toEqual(expect.arrayContaining(["sort", "_form"]));
  });

  it("answers 401 without a valid token and 404 for an unknown customer", async () => {
    const anonymous = await customerCollection.GET(apiRequest("GET", "/api/v1/customers", { token: "cc_invalid" }), noParams);
    expect(anonymous.status).toBe(401);
    const missing = await customerItem.GET(
      apiRequest("GET", "/api/v1/customers/NOPE404", { token: users.viewer.token }),
      routeParams({ no: "NOPE404" }),
    );
    expect(missing.status).toBe(404);
    expect((await missing.json()).error.message).toBe("Customer NOPE404 does not exist.");
  });
});

describe("/api/v1/contacts", () => {
  it("creates under a customer, patches and deletes", async () => {
    const customerNo = uniqueKey("ACC");
    await postCustomer(users.user.token, { no: customerNo, name: "Alpine Ski House" });
    const created = await contactCollection.POST(
      apiRequest("POST", "/api/v1/contacts", {
        token: users.admin.token,
        body: { firstName: "Sara", surname: "Berg", customerNo },
      }),
      noParams,
    );
    expect(created.status).toBe(201);
    const contact = await created.json();
    expect(contact).toMatchObject({ name: "Sara Berg", customerNo, customerName: "Alpine Ski House" });
    const patched = await contactItem.PATCH(
      apiRequest("PATCH", `/api/v1/contacts/${contact.no}`, { token: users.user.token, body: { rowVersion: 1, middleName: "K." } }),
      routeParams({ no: contact.no }),
    );
    expect(await patched.json()).toMatchObject({ name: "Sara K. Berg", rowVersion: 2 });
    const refused = await customerItem.DELETE(
      apiRequest("DELETE", `/api/v1/customers/${customerNo}`, { token: users.user.token }),
      routeParams({ no: customerNo }),
    );
    expect(refused.status).toBe(409);
    expect((await refused.json()).error.message).toMatch(/has 1 contact/);
    const removed = await contactItem.DELETE(
      apiRequest("DELETE", `/api/v1/contacts/${contact.no}`, { token: users.user.token }),
      routeParams({ no: contact.no }),
    );
    expect(removed.status).toBe(200);
  });

  it("lists contacts filtered by customer", async () => {
    const customerNo = uniqueKey("ACL");
    await postCustomer(users.user.token, { no: customerNo, name: "Coho Winery" });
    for (const surname of ["One", "Two"]) {
      await contactCollection.POST(
        apiRequest("POST", "/api/v1/contacts", { token: users.user.token, body: { surname, customerNo } }),
        noParams,
      );
    }
    const response = await contactCollection.GET(
      apiRequest("GET", `/api/v1/contacts?customerNo=${customerNo}&sort=name`, { token: users.viewer.token }),
      noParams,
    );
    const body = await response.json();
    expect(body.total).toBe(2);
    expect(body.items.map((c: { name: string }) => c.name)).toEqual(["One", "Two"]);
  });
});

describe("read-only lists", () => {
  it("lists salespeople and currencies for a viewer", async () => {
    const code = uniqueKey("AS");
    await db.salesperson.create({ data: { code, name: "API Salesperson" } });
    await db.currency.create({ data: { code: uniqueKey("A", 10), description: "API currency" } });
    const sp = await salespeople.GET(apiRequest("GET", `/api/v1/salespeople?q=${code}`, { token: users.viewer.token }), noParams);
    expect(sp.status).toBe(200);
    expect((await sp.json()).items).toEqual([expect.objectContaining({ code, name: "API Salesperson" })]);
    const cur = await currencies.GET(apiRequest("GET", "/api/v1/currencies", { token: users.viewer.token }), noParams);
    expect(cur.status).toBe(200);
    expect((await cur.json()).items.length).toBeGreaterThan(0);
  });
});

describe("viewer refusals", () => {
  it("answers 403 on every mutating route and writes nothing", async () => {
    const customerNo = uniqueKey("AV");
    await postCustomer(users.user.token, { no: customerNo, name: "Viewer-proof" });
    const contactResponse = await contactCollection.POST(
      apiRequest("POST", "/api/v1/contacts", { token: users.user.token, body: { surname: "Proof", customerNo } }),
      noParams,
    );
    const contact = await contactResponse.json();
    const counts = async () => [await db.customer.count(), await db.contact.count()];
    const before = await counts();
    const token = users.viewer.token;
    const responses = [
      await customerCollection.POST(apiRequest("POST", "/api/v1/customers", { token, body: { name: "V" } }), noParams),
      await customerItem.PATCH(
        apiRequest("PATCH", `/api/v1/customers/${customerNo}`, { token, body: { rowVersion: 1, name: "V" } }),
        routeParams({ no: customerNo }),
      ),
      await customerItem.DELETE(apiRequest("DELETE", `/api/v1/customers/${customerNo}`, { token }), routeParams({ no: customerNo })),
      await contactCollection.POST(apiRequest("POST", "/api/v1/contacts", { token, body: { surname: "V" } }), noParams),
      await contactItem.PATCH(
        apiRequest("PATCH", `/api/v1/contacts/${contact.no}`, { token, body: { rowVersion: 1, surname: "V" } }),
        routeParams({ no: contact.no }),
      ),
      await contactItem.DELETE(apiRequest("DELETE", `/api/v1/contacts/${contact.no}`, { token }), routeParams({ no: contact.no })),
    ];
    for (const response of responses) {
      expect(response.status).toBe(403);
      expect((await response.json()).error).toMatchObject({ code: "forbidden" });
    }
    expect(await counts()).toEqual(before);
    expect((await db.customer.findUniqueOrThrow({ where: { no: customerNo } })).rowVersion).toBe(1);
    expect((await db.contact.findUniqueOrThrow({ where: { no: contact.no } })).rowVersion).toBe(1);
  });
});
