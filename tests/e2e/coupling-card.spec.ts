import { expect, test } from "@playwright/test";
import { couplingOf, createAccount, dataverseGroup, ensureIntegrationSetup, getAccount, insertCustomer } from "./coupling-support.ts";
import { closeDb, DEMO, screenshot, signIn, sql, uniqueSuffix } from "./e2e-support.ts";

// The customer card's Dataverse actions, each checked where it lands: the Coupling row in the database and the
// account in the emulator's Web API.

test.afterAll(closeDb);
test.beforeAll(() => ensureIntegrationSetup());
test.describe.configure({ timeout: 120_000 });

test("set up coupling to an existing account with the ERP data, synchronize an edit, read the log, delete the coupling", async ({ page }) => {
  const suffix = uniqueSuffix();
  const customer = await insertCustomer({ name: `E2E Coupling ${suffix}`, city: "Bergamo", phoneNo: "+39 035 111" });
  const account = await createAccount({ name: `E2E Coupling ${suffix} (CRM)`, address1_city: "Elsewhere" });
  const other = await createAccount({ name: `E2E Other ${suffix}`, address1_city: "Nowhere" });
  await signIn(page, DEMO.user);
  await page.goto(`/customers/${customer.no}`);
  const group = dataverseGroup(page);
  await expect(page.getByRole("region", { name: "Dataverse" })).toContainText("Not coupled");
  await screenshot(page, "coupling-card-not-coupled");

  // Set Up Coupling: typeahead, choose, compare side by side, Synchronize After Coupling with the ERP data.
  await group.getByRole("button", { name: "Set Up Coupling" }).click();
  const dialog = page.getByRole("dialog", { name: `Set Up Coupling: Customer ${customer.no}` });
  await dialog.getByRole("searchbox", { name: /Search Dataverse records/ }).fill(`E2E Coupling ${suffix}`);
  await dialog.getByRole("button", { name: new RegExp(`E2E Coupling ${suffix} \\(CRM\\)`) }).click();
  const comparison = dialog.getByRole("table", { name: /Mapped fields of/ });
  await expect(comparison).toBeVisible();
  await expect(comparison.getByRole("row", { name: /City/ })).toContainText("Bergamo");
  await expect(comparison.getByRole("row", { name: /City/ })).toContainText("Elsewhere");
  await dialog.getByLabel("Synchronize After Coupling").selectOption({ label: "Yes - Use the ERP data" });
  await screenshot(page, "coupling-set-up-dialog");
  await dialog.getByRole("button", { name: "OK" }).click();
  await expect(page.getByRole("status").filter({ hasText: `Customer ${customer.no} is now coupled to Dataverse.` })).toBeVisible({ timeout: 30_000 });
  expect((await couplingOf(customer.id))?.dataverseId).toBe(account.accountid);
  const synced = await getAccount(account.accountid);
  expect(synced).toMatchObject({ name: customer.name, address1_city: "Bergamo" });
  await page.reload();
  await expect(page.getByRole("region", { name: "Dataverse" })).toContainText(synced!.name);
  await expect(group.getByRole("link", { name: "Open in Dataverse" })).toHaveAttribute("href", new RegExp(`${account.accountid}`));
  await screenshot(page, "coupling-card-coupled");

  // The record is already coupled: choosing another account says so, and nothing changes.
  await group.getByRole("button", { name: "Set Up Coupling" }).click();
  await expect(dialog).toContainText(`Currently coupled to ${customer.name}.`);
  await dialog.getByRole("searchbox", { name: /Search Dataverse records/ }).fill(`E2E Other ${suffix}`);
  await dialog.getByRole("button", { name: new RegExp(`E2E Other ${suffix}`) }).click();
  await expect(dialog.getByRole("alert")).toContainText("is already coupled to the Dataverse account");
  await expect(dialog.getByRole("button", { name: "OK" })).toBeDisabled();
  await screenshot(page, "coupling-already-coupled");
  await dialog.getByRole("button", { name: "Cancel" }).click();
  expect((await couplingOf(customer.id))?.dataverseId).toBe(account.accountid);
  expect(other.accountid).not.toBe(account.accountid);

  // Edit the customer, then Synchronize Now: Send data update to Dataverse.
  await page.getByRole("textbox", { name: "City", exact: true }).fill("Brescia");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("status").filter({ hasText: "The customer was saved." })).toBeVisible();
  await group.getByRole("button", { name: "Synchronize Now" }).click();
  const prompt = page.getByRole("dialog", { name: "Synchronize Now" });
  await expect(prompt.getByRole("radio")).toHaveCount(3);
  await expect(prompt).toContainText("(recommended)");
  await prompt.getByRole("radio", { name: /Send data update to Dataverse/ }).check();
  await screenshot(page, "coupling-synchronize-now-prompt");
  await prompt.getByRole("button", { name: "OK" }).click();
  await expect(page.getByRole("status").filter({ hasText: /The synchronization has (been scheduled|finished)/ }).first()).toBeVisible();
  await expect(page.getByRole("status").filter({ hasText: "The synchronization has finished." })).toBeVisible({ timeout: 60_000 });
  await expect.poll(async () => (await getAccount(account.accountid))?.address1_city, { timeout: 30_000 }).toBe("Brescia");
  await screenshot(page, "coupling-synchronize-now-finished");

  // Synchronization Log: the jobs that touched the record, with direction and outcome.
  await page.reload();
  await group.getByRole("button", { name: "Synchronization Log" }).click();
  const log = page.getByRole("dialog", { name: `Synchronization Log: Customer ${customer.no}` });
  const logTable = log.getByRole("table", { name: `Synchronization log of Customer ${customer.no}` });
  await expect(logTable.getByRole("row").filter({ hasText: "To Dataverse" }).first()).toBeVisible();
  const [{ lines }] = await sql<{ lines: number }>(`SELECT count(*)::int AS lines FROM "SyncRecordLog" WHERE "erpId" = $1`, [customer.id]);
  expect(lines).toBeGreaterThan(0);
  await expect(logTable.locator("tbody tr")).toHaveCount(Math.min(lines, 100));
  await screenshot(page, "coupling-synchronization-log");
  await log.getByRole("button", { name: "Close" }).click();

  // Delete Coupling: the coupling row goes, both records remain.
  await group.getByRole("button", { name: "Delete Coupling" }).click();
  await page.getByRole("dialog", { name: `Delete the coupling of Customer ${customer.no}?` }).getByRole("button", { name: "Delete Coupling" }).click();
  await expect(page.getByRole("status").filter({ hasText: `The coupling of Customer ${customer.no} was deleted.` })).toBeVisible();
  expect(await couplingOf(customer.id)).toBeUndefined();
  expect(await getAccount(account.accountid)).not.toBeNull();
  const [stillThere] = await sql(`SELECT 1 FROM "Customer" WHERE "id" = $1`, [customer.id]);
  expect(stillThere).toBeDefined();
  await expect(page.getByRole("region", { name: "Dataverse" })).toContainText("Not coupled");
  await screenshot(page, "coupling-deleted");
});

test("Create New makes the account in Dataverse and couples it", async ({ page }) => {
  const suffix = uniqueSuffix();
  const customer = await insertCustomer({ name: `E2E Create New ${suffix}`, city: "Torino" });
  await signIn(page, DEMO.user);
  await page.goto(`/customers/${customer.no}`);
  await dataverseGroup(page).getByRole("button", { name: "Set Up Coupling" }).click();
  const dialog = page.getByRole("dialog", { name: `Set Up Coupling: Customer ${customer.no}` });
  await dialog.getByRole("checkbox", { name: "Create New" }).check();
  await dialog.getByRole("button", { name: "OK" }).click();
  await expect(page.getByRole("status").filter({ hasText: `Customer ${customer.no} was created in Dataverse and coupled.` })).toBeVisible({ timeout: 30_000 });
  const coupling = await couplingOf(customer.id);
  expect(coupling).toBeDefined();
  expect(await getAccount(coupling!.dataverseId)).toMatchObject({ name: customer.name, address1_city: "Torino" });
  await page.reload();
  await expect(page.getByRole("region", { name: "Dataverse" })).toContainText(customer.name);
  await screenshot(page, "coupling-created-new");
});

test("a viewer sees the coupling panel without the actions it may not take", async ({ page }) => {
  const customer = await insertCustomer({ name: `E2E Viewer ${uniqueSuffix()}` });
  await signIn(page, DEMO.viewer);
  await page.goto(`/customers/${customer.no}`);
  const group = dataverseGroup(page);
  await expect(group.getByRole("button", { name: "Synchronization Log" })).toBeVisible();
  await expect(group.getByRole("button", { name: "Set Up Coupling" })).toHaveCount(0);
  await expect(group.getByRole("button", { name: "Synchronize Now" })).toHaveCount(0);
  await expect(group.getByRole("button", { name: "Delete Coupling" })).toHaveCount(0);
  await page.goto("/customers");
  await expect(page.getByRole("checkbox", { name: /^Select / })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Match-Based Coupling" })).toHaveCount(0);
  await screenshot(page, "coupling-viewer-card");
});
