import { expect, test } from "@playwright/test";
import { closeDb, DEMO, screenshot, signIn, sql, uniqueSuffix } from "./e2e-support.ts";

test.afterAll(closeDb);

test("a contact created under a customer belongs to it, and that customer cannot be deleted", async ({ page }) => {
  const customerNo = `E2EC${uniqueSuffix()}`;
  const customerName = `E2E Contacts ${customerNo}`;
  const [customer] = await sql<{ id: string }>(
    `INSERT INTO "Customer" ("id", "no", "name", "city", "updatedAt") VALUES (gen_random_uuid(), $1, $2, 'Oslo', now()) RETURNING "id"`,
    [customerNo, customerName],
  );
  const surname = `Nilsen${uniqueSuffix()}`;
  await signIn(page, DEMO.user);

  await page.goto(`/customers/${customerNo}`);
  await expect(page.getByText("This customer has no contacts yet.")).toBeVisible();
  await page.getByRole("link", { name: "New contact" }).click();
  await expect(page).toHaveURL(new RegExp(`/contacts/new\\?customerNo=${customerNo}$`));
  await expect(page.getByLabel("Customer No.", { exact: true })).toHaveValue(customerNo);
  await page.getByLabel("First Name", { exact: true }).fill("Ingrid");
  await page.getByLabel("Surname", { exact: true }).fill(surname);
  await page.getByLabel("Job Title", { exact: true }).fill("Purchasing Manager");
  await page.getByLabel("E-Mail", { exact: true }).fill(`ingrid.${surname.toLowerCase()}@example.com`);
  await screenshot(page, "contacts-new");
  await page.getByRole("button", { name: "Create" }).click();
  await expect(page).toHaveURL(/\/contacts\/[^/]+$/);
  await expect(page).not.toHaveURL(/\/contacts\/new/);

  const contacts = await sql<{ no: string; name: string; customerId: string; jobTitle: string }>(
    `SELECT "no", "name", "customerId", "jobTitle" FROM "Contact" WHERE "surname" = $1`,
    [surname],
  );
  expect(contacts).toHaveLength(1);
  expect(contacts[0]).toMatchObject({ customerId: customer.id, name: `Ingrid ${surname}`, jobTitle: "Purchasing Manager" });
  await expect(page).toHaveURL(new RegExp(`/contacts/${contacts[0].no}$`));
  await screenshot(page, "contacts-created");

  // The customer card lists the contact, and deleting the customer is refused.
  await page.getByRole("link", { name: "Open customer" }).click();
  await expect(page).toHaveURL(new RegExp(`/customers/${customerNo}$`));
  await expect(page.getByRole("table", { name: `Contacts of customer ${customerNo}` }).getByRole("link", { name: contacts[0].no })).toBeVisible();
  await page.getByRole("button", { name: "Delete", exact: true }).click();
  await page.getByRole("dialog", { name: `Delete customer ${customerNo}?` }).getByRole("button", { name: "Delete customer" }).click();
  await expect(page.getByRole("main").getByRole("alert")).toHaveText(
    `Customer ${customerNo} cannot be deleted because it has 1 contact. Delete the contacts or move them to another customer first.`,
  );
  await screenshot(page, "contacts-customer-delete-refused");
  const [{ remaining }] = await sql<{ remaining: number }>(`SELECT count(*)::int AS remaining FROM "Customer" WHERE "id" = $1`, [customer.id]);
  expect(remaining).toBe(1);
  const [{ stillThere }] = await sql<{ stillThere: number }>(`SELECT count(*)::int AS "stillThere" FROM "Contact" WHERE "customerId" = $1`, [customer.id]);
  expect(stillThere).toBe(1);
});
