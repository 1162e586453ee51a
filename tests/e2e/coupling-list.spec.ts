import { expect, test } from "@playwright/test";
import { couplingOf, createAccount, ensureIntegrationSetup, getAccount, insertCustomer } from "./coupling-support.ts";
import { closeDb, DEMO, screenshot, signIn, sql, uniqueSuffix } from "./e2e-support.ts";

// List actions on a selection: Match-Based Coupling (dry run, then the run), Synchronize Now with Send for several
// rows, Delete Coupling — each checked in the database and in the emulator.

test.afterAll(closeDb);
test.beforeAll(() => ensureIntegrationSetup());
test.describe.configure({ timeout: 180_000 });

test("match-based coupling, multi-select Synchronize Now and Delete Coupling on the customer list", async ({ page }) => {
  const suffix = uniqueSuffix();
  const prefix = `E2E Match ${suffix}`;
  const customers = await Promise.all([1, 2, 3].map((i) => insertCustomer({ name: `${prefix} ${i}`, city: `City ${i}` })));
  const ambiguous = await insertCustomer({ name: `${prefix} Twin` });
  const accounts = await Promise.all(customers.map((c) => createAccount({ name: c.name, address1_city: "Unknown" })));
  await createAccount({ name: ambiguous.name });
  await createAccount({ name: ambiguous.name });

  await signIn(page, DEMO.admin);
  await page.goto(`/customers?q=${encodeURIComponent(prefix)}`);
  const table = page.getByRole("table", { name: "Customers" });
  await expect(table.locator("tbody tr")).toHaveCount(4);
  await expect(table.getByRole("columnheader", { name: "Coupled to Dataverse" })).toBeVisible();
  await expect(table.locator("tbody tr").filter({ hasText: "Not coupled" })).toHaveCount(4);

  // Match-Based Coupling: the dry run shows 3 matches and 1 ambiguous and writes nothing.
  await page.getByRole("checkbox", { name: "Select all on this page" }).check();
  await expect(page.getByText("4 selected", { exact: true })).toBeVisible();
  await page.getByRole("button", { name: "Match-Based Coupling" }).click();
  const matchDialog = page.getByRole("dialog", { name: "Match-Based Coupling" });
  await expect(matchDialog.getByRole("checkbox", { name: /name ↔ name/ })).toBeChecked();
  await expect(matchDialog.getByRole("button", { name: "Couple" })).toBeDisabled();
  await matchDialog.getByRole("button", { name: "Preview" }).click();
  await expect(matchDialog.getByRole("heading", { name: "3 matches" })).toBeVisible({ timeout: 30_000 });
  await expect(matchDialog.getByRole("heading", { name: "1 ambiguous" })).toBeVisible();
  await screenshot(page, "coupling-match-preview");
  const [{ before }] = await sql<{ before: number }>(`SELECT count(*)::int AS before FROM "Coupling" WHERE "erpId" = ANY($1::uuid[])`, [[...customers, ambiguous].map((c) => c.id)]);
  expect(before).toBe(0);
  await matchDialog.getByRole("button", { name: "Couple" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Match-based coupling has finished: 3 coupled" })).toBeVisible({ timeout: 60_000 });
  for (const [i, customer] of customers.entries()) expect((await couplingOf(customer.id))?.dataverseId).toBe(accounts[i].accountid);
  expect(await couplingOf(ambiguous.id)).toBeUndefined();
  await screenshot(page, "coupling-match-finished");

  // Edit the three, then Synchronize Now on the selection: Send data update to Dataverse.
  for (const customer of customers) await sql(`UPDATE "Customer" SET "city" = $2, "updatedAt" = now() WHERE "id" = $1`, [customer.id, `New ${customer.city}`]);
  await page.reload();
  await expect(table.locator("tbody tr").filter({ hasText: "Not coupled" })).toHaveCount(1);
  for (const customer of customers) await page.getByRole("checkbox", { name: `Select ${customer.no}` }).check();
  await expect(page.getByText("3 selected", { exact: true })).toBeVisible();
  await page.getByRole("button", { name: "Synchronize Now" }).click();
  const prompt = page.getByRole("dialog", { name: "Synchronize Now" });
  await expect(prompt).toContainText("Synchronize data for the selected records?");
  await expect(prompt.getByRole("radio")).toHaveCount(2);
  await prompt.getByRole("radio", { name: "Send data update to Dataverse" }).check();
  await screenshot(page, "coupling-list-synchronize-prompt");
  await prompt.getByRole("button", { name: "OK" }).click();
  await expect(page.getByRole("status").filter({ hasText: "The synchronization has finished." })).toBeVisible({ timeout: 60_000 });
  for (const [i, customer] of customers.entries()) {
    await expect.poll(async () => (await getAccount(accounts[i].accountid))?.address1_city, { timeout: 30_000 }).toBe(`New ${customer.city}`);
  }
  await expect(page.getByRole("link", { name: "Open the synchronization jobs" })).toBeVisible();
  await screenshot(page, "coupling-list-synchronized");

  // Delete Coupling on the selection: the coupling rows go, the records stay on both sides.
  await page.reload();
  await page.getByRole("checkbox", { name: "Select all on this page" }).check();
  await page.getByRole("button", { name: "Delete Coupling" }).click();
  await page.getByRole("dialog", { name: "Delete the couplings of the 4 selected rows?" }).getByRole("button", { name: "Delete Coupling" }).click();
  await expect(page.getByRole("status").filter({ hasText: "3 couplings were deleted" })).toBeVisible({ timeout: 60_000 });
  for (const customer of customers) expect(await couplingOf(customer.id)).toBeUndefined();
  for (const account of accounts) expect(await getAccount(account.accountid)).not.toBeNull();
  const [{ remaining }] = await sql<{ remaining: number }>(`SELECT count(*)::int AS remaining FROM "Customer" WHERE "id" = ANY($1::uuid[])`, [customers.map((c) => c.id)]);
  expect(remaining).toBe(3);
  await page.reload();
  await expect(table.locator("tbody tr").filter({ hasText: "Not coupled" })).toHaveCount(4);
  await screenshot(page, "coupling-list-uncoupled");
});
