import { expect, test } from "@playwright/test";
import { closeDb, DEMO, screenshot, signIn, sql, uniqueSuffix } from "./e2e-support.ts";

test.afterAll(closeDb);

test("an admin creates a user with a role, and the new user can sign in", async ({ page, browser }) => {
  const email = `e2e-${uniqueSuffix().toLowerCase()}@example.com`;
  const password = `pw-${uniqueSuffix()}`;
  await signIn(page, DEMO.admin);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Users" }).click();
  await expect(page).toHaveURL(/\/users$/);
  await expect(page.getByRole("table", { name: "Users of the console" }).getByRole("link", { name: DEMO.admin.email })).toBeVisible();

  const form = page.getByRole("form", { name: "New user" });
  await form.getByLabel("E-mail").fill(email);
  await form.getByRole("textbox", { name: "Name", exact: true }).fill("E2E Sales Rep");
  await form.getByLabel("Role").selectOption("USER");
  await form.getByLabel("Initial password").fill(password);
  await form.getByRole("button", { name: "Create user" }).click();
  await expect(form.getByRole("status")).toHaveText("The user was created.");
  await screenshot(page, "admin-users-created");

  const [row] = await sql<{ role: string; name: string; isActive: boolean; passwordHash: string }>(
    `SELECT "role"::text AS "role", "name", "isActive", "passwordHash" FROM "User" WHERE "email" = $1`,
    [email],
  );
  expect(row).toMatchObject({ role: "USER", name: "E2E Sales Rep", isActive: true });
  expect(row.passwordHash).not.toContain(password);

  await page.reload();
  await expect(page.getByRole("table", { name: "Users of the console" }).getByRole("row", { name: new RegExp(email) })).toContainText("User");

  // The new user signs in (a separate browser context: no admin session).
  const context = await browser.newContext();
  try {
    const other = await context.newPage();
    await signIn(other, { email, password });
    await expect(other.getByText("E2E Sales Rep")).toBeVisible();
    await expect(other.getByRole("link", { name: "New customer" })).toBeVisible();
    await expect(other.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Users" })).toHaveCount(0);
    await screenshot(other, "admin-users-new-user-signed-in");
  } finally {
    await context.close();
  }
});

test("an API token works for /api/v1 until it is revoked", async ({ page, request }) => {
  const tokenName = `e2e token ${uniqueSuffix()}`;
  await signIn(page, DEMO.admin);
  await page.goto("/users");
  await page.getByRole("link", { name: "API tokens" }).click();
  await expect(page).toHaveURL(/\/users\/tokens$/);

  const form = page.getByRole("form", { name: "New API token" });
  await form.getByRole("textbox", { name: "Name", exact: true }).fill(tokenName);
  await form.getByRole("button", { name: "Create token" }).click();
  const tokenField = form.getByLabel("Token", { exact: true });
  await expect(tokenField).toBeVisible();
  const token = await tokenField.inputValue();
  expect(token.length).toBeGreaterThanOrEqual(20);
  await screenshot(page, "admin-tokens-created");

  const [stored] = await sql<{ tokenHash: string; prefix: string; revokedAt: Date | null; email: string }>(
    `SELECT t."tokenHash", t."prefix", t."revokedAt", u."email" FROM "ApiToken" t JOIN "User" u ON u."id" = t."userId" WHERE t."name" = $1`,
    [tokenName],
  );
  expect(stored).toMatchObject({ revokedAt: null, email: DEMO.admin.email });
  expect(stored.tokenHash).not.toBe(token);
  expect(token.startsWith(stored.prefix)).toBe(true);

  // Shown once: after a reload only the prefix is on the page.
  await page.reload();
  await expect(page.getByLabel("Token", { exact: true })).toHaveCount(0);
  const tokenRow = page.getByRole("table", { name: "Your API tokens" }).getByRole("row", { name: new RegExp(tokenName) });
  await expect(tokenRow).toBeVisible();
  expect(await page.content()).not.toContain(token);

  const [{ total }] = await sql<{ total: number }>(`SELECT count(*)::int AS total FROM "Customer"`);
  const authorized = await request.get("/api/v1/customers?pageSize=5", { headers: { Authorization: `Bearer ${token}` } });
  expect(authorized.status()).toBe(200);
  expect(authorized.headers()["content-type"]).toContain("application/json");
  const body = (await authorized.json()) as { items: { no: string }[]; total: number };
  expect(body.total).toBe(total);
  expect(body.items).toHaveLength(5);
  await expect.poll(async () => (await sql<{ lastUsedAt: Date | null }>(`SELECT "lastUsedAt" FROM "ApiToken" WHERE "name" = $1`, [tokenName]))[0].lastUsedAt).not.toBeNull();

  await tokenRow.getByRole("button", { name: `Revoke ${tokenName}` }).click();
  const dialog = page.getByRole("dialog", { name: "Revoke this API token?" });
  await screenshot(page, "admin-tokens-revoke-confirm");
  await dialog.getByRole("button", { name: "Revoke", exact: true }).click();
  await expect(tokenRow).toHaveCount(0);
  await screenshot(page, "admin-tokens-revoked");
  const [revoked] = await sql<{ revokedAt: Date | null }>(`SELECT "revokedAt" FROM "ApiToken" WHERE "name" = $1`, [tokenName]);
  expect(revoked.revokedAt).not.toBeNull();

  const refused = await request.get("/api/v1/customers?pageSize=5", { headers: { Authorization: `Bearer ${token}` } });
  expect(refused.status()).toBe(401);
  const error = (await refused.json()) as { error: { code: string; message: string } };
  expect(error.error.code).toBeTruthy();
});
