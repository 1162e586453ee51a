import { expect, test } from "@playwright/test";
import { couplingOf, createAccount, ensureIntegrationSetup, insertCustomer } from "./coupling-support.ts";
import { closeDb, DEMO, screenshot, signIn, sql, uniqueSuffix } from "./e2e-support.ts";

// Match-Based Coupling's criteria are the run's own: a user (who may couple but not change mappings) matches on
// another field than the mapping's default and couples, and the mapping keeps its default criteria; only an admin is
// offered "Save as the mapping's default criteria", and saving stores them on the mapping.

test.afterAll(closeDb);
test.beforeAll(() => ensureIntegrationSetup());
test.describe.configure({ timeout: 180_000 });

type FieldRow = { id: string; erpField: string | null; useForMatchBasedCoupling: boolean; caseSensitiveMatching: boolean; matchPriority: number };

function customerFieldRows(): Promise<FieldRow[]> {
  return sql<FieldRow>(
    `SELECT f.id, f."erpField", f."useForMatchBasedCoupling", f."caseSensitiveMatching", f."matchPriority" FROM "IntegrationFieldMapping" f JOIN "IntegrationTableMapping" m ON m.id = f."mappingId" WHERE m.name = 'CUSTOMER' ORDER BY f.id`,
  );
}

/** A customer whose name matches no account, and an account of another name in the same (unique) city. */
async function cityOnlyPair(label: string) {
  const suffix = uniqueSuffix();
  const customer = await insertCustomer({ name: `E2E Criteria ${label} ${suffix}`, city: `Town${suffix}` });
  const account = await createAccount({ name: `Another name ${suffix}`, address1_city: customer.city });
  return { customer, account };
}

let defaults: FieldRow[] = [];

test.beforeAll(async () => {
  defaults = await customerFieldRows();
});

test.afterAll(async () => {
  // The other browser tests expect the mapping's own defaults (match on name).
  for (const row of defaults) {
    await sql(`UPDATE "IntegrationFieldMapping" SET "useForMatchBasedCoupling" = $2, "caseSensitiveMatching" = $3, "matchPriority" = $4 WHERE id = $1`, [
      row.id,
      row.useForMatchBasedCoupling,
      row.caseSensitiveMatching,
      row.matchPriority,
    ]);
  }
});

async function openMatchDialog(page: import("@playwright/test").Page, customer: { no: string; name: string }) {
  await page.goto(`/customers?q=${encodeURIComponent(customer.name)}`);
  await expect(page.getByRole("table", { name: "Customers" }).locator("tbody tr")).toHaveCount(1);
  await page.getByRole("checkbox", { name: `Select ${customer.no}` }).check();
  await page.getByRole("button", { name: "Match-Based Coupling" }).click();
  const dialog = page.getByRole("dialog", { name: "Match-Based Coupling" });
  await expect(dialog.getByRole("checkbox", { name: /name ↔ name/ })).toBeVisible();
  return dialog;
}

test("a user matches on another field for one run: the record couples and the mapping keeps its default criteria", async ({ page }) => {
  const { customer, account } = await cityOnlyPair("User");
  const before = await customerFieldRows();
  const [mappingBefore] = await sql(`SELECT "rowVersion", "createNewIfNoMatch", "syncAfterMatchBasedCoupling" FROM "IntegrationTableMapping" WHERE name = 'CUSTOMER'`);

  await signIn(page, DEMO.user);
  const dialog = await openMatchDialog(page, customer);
  await expect(dialog.getByText("These criteria are for this run only")).toBeVisible();
  await expect(dialog.getByRole("checkbox", { name: "Save as the mapping's default criteria" })).toHaveCount(0);
  await dialog.getByRole("checkbox", { name: /name ↔ name/ }).uncheck();
  await dialog.getByRole("checkbox", { name: /city ↔ address1_city/ }).check();
  await dialog.getByRole("button", { name: "Preview" }).click();
  await expect(dialog.getByRole("heading", { name: "1 match" })).toBeVisible({ timeout: 30_000 });
  await screenshot(page, "coupling-match-per-run");
  await dialog.getByRole("button", { name: "Couple" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Match-based coupling has finished: 1 coupled" })).toBeVisible({ timeout: 60_000 });

  expect((await couplingOf(customer.id))?.dataverseId).toBe(account.accountid);
  expect(await customerFieldRows()).toEqual(before);
  expect((await sql(`SELECT "rowVersion", "createNewIfNoMatch", "syncAfterMatchBasedCoupling" FROM "IntegrationTableMapping" WHERE name = 'CUSTOMER'`))[0]).toEqual(mappingBefore);
});

test("an admin may save the run's criteria as the mapping's defaults", async ({ page }) => {
  const { customer, account } = await cityOnlyPair("Admin");
  await signIn(page, DEMO.admin);
  const dialog = await openMatchDialog(page, customer);
  await dialog.getByRole("checkbox", { name: /name ↔ name/ }).uncheck();
  await dialog.getByRole("checkbox", { name: /city ↔ address1_city/ }).check();
  await dialog.getByLabel("Match priority of city").fill("4");
  await dialog.getByRole("checkbox", { name: "Save as the mapping's default criteria" }).check();
  await dialog.getByRole("button", { name: "Preview" }).click();
  await expect(dialog.getByRole("heading", { name: "1 match" })).toBeVisible({ timeout: 30_000 });
  await dialog.getByRole("button", { name: "Couple" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Match-based coupling has finished: 1 coupled" })).toBeVisible({ timeout: 60_000 });

  expect((await couplingOf(customer.id))?.dataverseId).toBe(account.accountid);
  const criteria = (await customerFieldRows()).filter((r) => r.useForMatchBasedCoupling).map((r) => ({ erpField: r.erpField, matchPriority: r.matchPriority }));
  expect(criteria).toEqual([{ erpField: "city", matchPriority: 4 }]);
  const [audit] = await sql<{ actor: string }>(`SELECT actor FROM "AuditEntry" WHERE action = 'mapping.matchCriteria' ORDER BY id DESC LIMIT 1`);
  expect(audit.actor).toBe(DEMO.admin.email);
});
