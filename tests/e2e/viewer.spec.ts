import { expect, test } from "@playwright/test";
import { closeDb, DEMO, screenshot, signIn, sql } from "./e2e-support.ts";

test.afterAll(closeDb);

test.beforeEach(async ({ page }) => {
  await signIn(page, DEMO.viewer);
});

test("a viewer sees customer and contact cards read-only", async ({ page }) => {
  const [customer] = await sql<{ no: string; name: string; rowVersion: number }>(
    `SELECT c."no", c."name", c."rowVersion" FROM "Customer" c WHERE EXISTS (SELECT 1 FROM "Contact" k WHERE k."customerId" = c."id") ORDER BY c."no" LIMIT 1`,
  );
  await expect(page.getByText("Viewer", { exact: true })).toBeVisible();
  await expect(page.getByRole("link", { name: "New customer" })).toHaveCount(0);

  await page.goto(`/customers/${customer.no}`);
  await expect(page.getByRole("heading", { level: 1, name: `${customer.no} · ${customer.name}` })).toBeVisible();
  await expect(page.getByText("You can view this customer. Your role does not allow changes.")).toBeVisible();
  await expect(page.getByRole("button", { name: "Save" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Delete" })).toHaveCount(0);
  await expect(page.getByRole("link", { name: "New contact" })).toHaveCount(0);
  const name = page.getByRole("textbox", { name: "Name", exact: true });
  await expect(name).toHaveValue(customer.name);
  await expect(name).not.toBeEditable();
  await screenshot(page, "viewer-customer-card");

  const contactNo = await page.getByRole("table", { name: `Contacts of customer ${customer.no}` }).getByRole("link").first().innerText();
  await page.goto(`/contacts/${contactNo}`);
  await expect(page.getByText("You can view this contact. Your role does not allow changes.")).toBeVisible();
  await expect(page.getByRole("button", { name: "Save" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Delete" })).toHaveCount(0);
  await expect(page.getByLabel("Surname", { exact: true })).not.toBeEditable();
  await screenshot(page, "viewer-contact-card");

  // Viewing wrote nothing.
  const [after] = await sql<{ rowVersion: number }>(`SELECT "rowVersion" FROM "Customer" WHERE "no" = $1`, [customer.no]);
  expect(after.rowVersion).toBe(customer.rowVersion);
});

test("a viewer is told they cannot create customers", async ({ page }) => {
  const [{ before }] = await sql<{ before: number }>(`SELECT count(*)::int AS before FROM "Customer"`);
  await page.goto("/customers/new");
  await expect(page.getByRole("main").getByRole("alert")).toHaveText(
    "Your role (viewer) does not allow creating customers. Ask an administrator for access.",
  );
  await expect(page.getByRole("button", { name: "Create" })).toHaveCount(0);
  await expect(page.getByRole("textbox", { name: "Name", exact: true })).toHaveCount(0);
  await screenshot(page, "viewer-customer-new");
  const [{ after }] = await sql<{ after: number }>(`SELECT count(*)::int AS after FROM "Customer"`);
  expect(after).toBe(before);
});

test("a viewer has no Users navigation and /users refuses", async ({ page }) => {
  const nav = page.getByRole("navigation", { name: "Main" });
  await expect(nav.getByRole("link", { name: "Customers" })).toBeVisible();
  await expect(nav.getByRole("link", { name: "Users" })).toHaveCount(0);
  await page.goto("/users");
  await expect(page.getByRole("main").getByRole("alert")).toHaveText("Your role (viewer) does not allow you to manage users. Ask an administrator for access.");
  await expect(page.getByRole("table", { name: "Users of the console" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Create user" })).toHaveCount(0);
  await screenshot(page, "viewer-users-refused");

  await page.goto("/users/tokens");
  await expect(page.getByRole("main").getByRole("alert")).toHaveText("Your role (viewer) does not allow you to create API tokens. Ask an administrator for access.");
  await screenshot(page, "viewer-tokens-refused");
});
