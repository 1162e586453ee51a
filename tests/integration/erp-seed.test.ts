import bcrypt from "bcryptjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "../../lib/db/db-client.ts";
import { buildDemoData, readOverlapNames, seedDemoData, seedDemoUsers } from "../../prisma/seed.ts";
import { applyMigrations } from "../../scripts/migrate-engine.ts";
import { createThrowawayDatabase, dropDatabase } from "../support/test-database.ts";

// The seed runs against its own empty database: "does nothing when customers exist" needs a clean start.
let database: { name: string; url: string };
let db: Db;

beforeAll(async () => {
  database = await createThrowawayDatabase("cc_seed");
  await applyMigrations(database.url);
  db = createDb(database.url, { max: 2 });
});

afterAll(async () => {
  await db?.$disconnect();
  if (database) await dropDatabase(database.name);
});

describe("demo seed", () => {
  it("creates ~200 customers, ~400 contacts, salespeople, currencies and the three demo users", async () => {
    expect(await seedDemoUsers(db)).toBe(3);
    const result = await seedDemoData(db);
    expect(result?.customers).toBe(200);
    expect(result?.contacts).toBeGreaterThanOrEqual(350);
    expect(result?.contacts).toBeLessThanOrEqual(450);
    expect(await db.customer.count()).toBe(200);
    expect((await db.currency.findMany({ orderBy: { code: "asc" } })).map((c) => c.code)).toEqual([
      "DKK",
      "EUR",
      "GBP",
      "SEK",
      "USD",
    ]);
    expect(await db.salesperson.count()).toBe(8);
    const countries = await db.customer.groupBy({ by: ["countryRegionCode"], _count: true });
    expect(countries.map((c) => c.countryRegionCode)).toEqual(
      expect.arrayContaining(["US", "GB", "DE", "FR", "IT", "SE", "NL", "DK", "ES"]),
    );
  });

  it("includes a customer for every shared company name", async () => {
    const names = readOverlapNames();
    const found = await db.customer.findMany({ where: { name: { in: names } }, select: { name: true } });
    expect(new Set(found.map((c) => c.name))).toEqual(new Set(names));
  });

  it("keeps the data consistent: references exist, names match their parts, numbers follow the series", async () => {
    const customers = await db.customer.findMany();
    const currencyCodes = new Set((await db.currency.findMany()).map((c) => c.code));
    const salespersonCodes = new Set((await db.salesperson.findMany()).map((s) => s.code));
    for (const c of customers) {
      expect(c.no).toMatch(/^C\d{5}$/);
      if (c.currencyCode) expect(currencyCodes).toContain(c.currencyCode);
      expect(salespersonCodes).toContain(c.salespersonCode);
    }
    expect(customers.filter((c) => c.countryRegionCode === "US").every((c) => c.currencyCode === "")).toBe(true);
    const contacts = await db.contact.findMany({ include: { customer: true } });
    for (const contact of contacts) {
      expect(contact.no).toMatch(/^CT\d{6}$/);
      expect(contact.name).toBe([contact.firstName, contact.middleName, contact.surname].filter(Boolean).join(" "));
      expect(contact.customer).not.toBeNull();
    }
    for (const c of customers.filter((x) => x.primaryContactNo)) {
      expect(contacts.find((k) => k.no === c.primaryContactNo)?.customerId).toBe(c.id);
    }
  });

  it("stores bcrypt hashes for the demo logins", async () => {
    for (const [email, password, role] of [
      ["admin@demo.local", "admin", "ADMIN"],
      ["user@demo.local", "user", "USER"],
      ["viewer@demo.local", "viewer", "VIEWER"],
    ] as const) {
      const user = await db.user.findUniqueOrThrow({ where: { email } });
      expect(user.role).toBe(role);
      expect(user.passwordHash).toMatch(/^\$2[aby]\$/);
      expect(await bcrypt.compare(password, user.passwordHash ?? "")).toBe(true);
    }
  });

  it("is idempotent: a second run changes nothing", async () => {
    const before = await db.customer.findMany({ orderBy: { no: "asc" }, select: { no: true, rowVersion: true } });
    expect(await seedDemoUsers(db)).toBe(0);
    expect(await seedDemoData(db)).toBeNull();
    expect(await db.customer.findMany({ orderBy: { no: "asc" }, select: { no: true, rowVersion: true } })).toEqual(before);
    expect(await db.user.count()).toBe(3);
  });

  it("is deterministic", () => {
    expect(buildDemoData()).toEqual(buildDemoData());
  });
});
