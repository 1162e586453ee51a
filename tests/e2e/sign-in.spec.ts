import { expect, test } from "@playwright/test";
import { closeDb, DEMO, screenshot, signIn, sql } from "./e2e-support.ts";

test.afterAll(closeDb);

test("an unauthenticated visit to /customers goes to the login page", async ({ page }) => {
  await page.goto("/customers");
  await expect(page).toHaveURL(/\/login(\?|$)/);
  await expect(page.getByRole("heading", { name: "Sign in to the coupling console" })).toBeVisible();
  await screenshot(page, "sign-in-redirect");
});

test("a wrong password shows the error and creates no session", async ({ page }) => {
  await page.goto("/login");
  await page.getByLabel("E-mail").fill(DEMO.admin.email);
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("main").getByRole("alert")).toHaveText("The e-mail or password is not correct.");
  await expect(page).toHaveURL(/\/login/);
  await screenshot(page, "sign-in-wrong-password");

  // Still signed out: the console sends us back to the login page.
  await page.goto("/customers");
  await expect(page).toHaveURL(/\/login/);
  // The failed attempt was counted by the sign-in rate limiter.
  const [bucket] = await sql<{ count: number }>(`SELECT "count" FROM "RateLimitBucket" WHERE "key" = $1`, [
    `login:email:${DEMO.admin.email}`,
  ]);
  expect(bucket?.count).toBeGreaterThanOrEqual(1);
});

test("the admin signs in and lands on the customer list with the seeded customers", async ({ page }) => {
  const [{ total }] = await sql<{ total: number }>(`SELECT count(*)::int AS total FROM "Customer"`);
  const [first] = await sql<{ no: string; name: string }>(`SELECT "no", "name" FROM "Customer" ORDER BY "no" LIMIT 1`);
  expect(total).toBeGreaterThanOrEqual(150);

  await signIn(page, DEMO.admin);
  await expect(page.getByRole("heading", { level: 1, name: "Customers" })).toBeVisible();
  const table = page.getByRole("table", { name: "Customers" });
  await expect(table.getByRole("link", { name: first.no, exact: true })).toBeVisible();
  await expect(table.getByRole("cell", { name: first.name, exact: true })).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Pages" })).toContainText(`1–50 of ${total}`);
  await expect(page.getByRole("status").filter({ hasText: "records" })).toHaveText(`${total} records`);
  await expect(page.getByText("Demo Admin")).toBeVisible();
  await screenshot(page, "sign-in-customer-list");
});
