import { createHash, randomBytes } from "node:crypto";
import { expect, test } from "@playwright/test";
import { createAccount, ensureIntegrationSetup } from "./coupling-support.ts";
import { closeDb, DEMO, screenshot, sql, uniqueSuffix } from "./e2e-support.ts";

// From the emulator's HTML view, Open in ERP on an account that exists only in Dataverse: after signing in, the
// console creates the customer from the account, couples them, and lands on the new customer's card. The CUSTOMER
// mapping must allow it (Sync Only Coupled Records off); the test sets that and puts it back.

test.afterAll(closeDb);
test.describe.configure({ timeout: 120_000 });

let previous: boolean | null = null;

// A new account carries Dataverse's base currency, which translates through the CURRENCY couplings. Another test may
// have removed those, so an admin first runs the CURRENCY mapping's full synchronization (natural match on ISO code)
// through API v1, as a user would before opening records from Dataverse.
async function coupleCurrencies(): Promise<void> {
  const token = `cc_${randomBytes(30).toString("base64url")}`;
  await sql(
    `INSERT INTO "ApiToken" ("id", "userId", "name", "tokenHash", "prefix") SELECT gen_random_uuid(), "id", 'e2e open in ERP', $2, $3 FROM "User" WHERE "email" = $1`,
    [DEMO.admin.email, createHash("sha256").update(token).digest("hex"), token.slice(0, 10)],
  );
  const response = await fetch(`${process.env.E2E_BASE_URL}/api/v1/mappings/CURRENCY/full-sync?wait=true`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: "{}",
  });
  expect(response.status, await response.clone().text()).toBe(200);
  const [{ coupled }] = await sql<{ coupled: number }>(
    `SELECT count(*)::int AS coupled FROM "Coupling" c JOIN "IntegrationTableMapping" m ON m.id = c."mappingId" WHERE m.name = 'CURRENCY'`,
  );
  expect(coupled).toBeGreaterThan(0);
}

test.beforeAll(async () => {
  ensureIntegrationSetup();
  await coupleCurrencies();
  const [row] = await sql<{ syncOnlyCoupledRecords: boolean }>(`SELECT "syncOnlyCoupledRecords" FROM "IntegrationTableMapping" WHERE "name" = 'CUSTOMER'`);
  previous = row.syncOnlyCoupledRecords;
  await sql(`UPDATE "IntegrationTableMapping" SET "syncOnlyCoupledRecords" = false WHERE "name" = 'CUSTOMER'`);
});

test.afterAll(async () => {
  if (previous !== null) await sql(`UPDATE "IntegrationTableMapping" SET "syncOnlyCoupledRecords" = $1 WHERE "name" = 'CUSTOMER'`, [previous]);
});

test("Open in ERP on an account only in Dataverse creates, couples and opens the customer card", async ({ page, context }) => {
  const name = `E2E Only In Dataverse ${uniqueSuffix()}`;
  const account = await createAccount({ name, address1_city: "Verona", telephone1: "+39 045 000" });
  const [{ before }] = await sql<{ before: number }>(`SELECT count(*)::int AS before FROM "Coupling" WHERE "dataverseId" = $1::uuid`, [account.accountid]);
  expect(before).toBe(0);

  await page.goto(`${process.env.E2E_EMULATOR_URL}/?entity=account&q=${encodeURIComponent(name)}`);
  const row = page.getByRole("row").filter({ hasText: name });
  await expect(row).toHaveCount(1);
  await screenshot(page, "open-in-erp-emulator-view");
  const [console] = await Promise.all([context.waitForEvent("page"), row.getByRole("link", { name: "Open in ERP" }).click()]);

  // Not signed in yet: the console asks, then goes on to the link.
  await console.waitForURL(/\/login/);
  await console.getByLabel("E-mail").fill(DEMO.admin.email);
  await console.getByLabel("Password").fill(DEMO.admin.password);
  await console.getByRole("button", { name: "Sign in" }).click();
  await console.waitForURL(/\/customers\/[^/?]+$/, { timeout: 60_000 });

  const [coupling] = await sql<{ erpId: string }>(`SELECT "erpId"::text AS "erpId" FROM "Coupling" WHERE "dataverseId" = $1::uuid`, [account.accountid]);
  expect(coupling).toBeDefined();
  const [customer] = await sql<{ no: string; name: string; city: string }>(`SELECT "no", "name", "city" FROM "Customer" WHERE "id" = $1`, [coupling.erpId]);
  expect(customer).toMatchObject({ name, city: "Verona" });
  expect(console.url()).toMatch(new RegExp(`/customers/${customer.no}$`));
  await expect(console.getByRole("heading", { level: 1, name: `${customer.no} · ${name}` })).toBeVisible();
  await expect(console.getByRole("region", { name: "Dataverse" })).toContainText(name);
  await expect(console.getByRole("region", { name: "Dataverse" })).not.toContainText("Not coupled");
  await screenshot(console, "open-in-erp-customer-card");
});
