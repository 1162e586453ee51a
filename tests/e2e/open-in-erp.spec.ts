import { expect, test } from "@playwright/test";
import { createAccount, ensureIntegrationSetup } from "./coupling-support.ts";
import { closeDb, DEMO, screenshot, sql, uniqueSuffix } from "./e2e-support.ts";

// From the emulator's HTML view, Open in ERP on an account that exists only in Dataverse: after signing in, the
// console creates the customer from the account, couples them, and lands on the new customer's card. The CUSTOMER
// mapping must allow it (Sync Only Coupled Records off); the test sets that and puts it back.

test.afterAll(closeDb);
test.describe.configure({ timeout: 120_000 });

let previous: boolean | null = null;

// A new account carries Dataverse's base currency, which translates through the CURRENCY couplings. No currency
// coupling is set up first: the console couples the currency to the ERP currency with its ISO code on the way
// (natural match), as on a fresh demo install. Another test may have coupled it already, so that coupling is removed
// first; the flow writes it again.
async function uncoupleCurrency(currencyId: string): Promise<void> {
  await sql(`DELETE FROM "Coupling" WHERE "dataverseEntity" = 'transactioncurrency' AND "dataverseId" = $1::uuid`, [currencyId]);
}

test.beforeAll(async () => {
  ensureIntegrationSetup();
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
  const currencyId = String((account as Record<string, unknown>)._transactioncurrencyid_value ?? "").toLowerCase();
  expect(currencyId, "the new account has Dataverse's base currency").not.toBe("");
  await uncoupleCurrency(currencyId);
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
  // The account's currency was coupled on the way, to the ERP currency with the same ISO code, and the customer has it.
  const [currency] = await sql<{ code: string; state: string }>(
    `SELECT cur."code", c."state"::text AS state FROM "Coupling" c JOIN "Currency" cur ON cur."id" = c."erpId"
     WHERE c."erpTable" = 'CURRENCY' AND c."dataverseId" = $1::uuid`,
    [currencyId],
  );
  expect(currency).toMatchObject({ state: "COUPLED" });
  const [{ currencyCode }] = await sql<{ currencyCode: string | null }>(`SELECT "currencyCode" FROM "Customer" WHERE "id" = $1`, [coupling.erpId]);
  expect(currencyCode).toBe(currency.code);
  await screenshot(console, "open-in-erp-customer-card");
});
