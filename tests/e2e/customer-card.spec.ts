import { expect, test, type Page } from "@playwright/test";
import { closeDb, DEMO, screenshot, signIn, sql, uniqueSuffix } from "./e2e-support.ts";

type CustomerRow = { id: string; no: string; name: string; email: string; city: string; creditLimit: string; rowVersion: number };

test.afterAll(closeDb);

async function customerRow(no: string): Promise<CustomerRow | undefined> {
  const [row] = await sql<CustomerRow>(
    `SELECT "id", "no", "name", "email", "city", "creditLimit"::text AS "creditLimit", "rowVersion" FROM "Customer" WHERE "no" = $1`,
    [no],
  );
  return row;
}

function field(page: Page, label: string) {
  return page.getByRole("textbox", { name: label, exact: true });
}

test("a user creates, edits, meets a concurrent change on, and deletes a customer", async ({ page }) => {
  const no = `E2E${uniqueSuffix()}`;
  const name = `E2E Trading ${no}`;
  const [{ before }] = await sql<{ before: number }>(`SELECT count(*)::int AS before FROM "Customer"`);
  await signIn(page, DEMO.user);

  // 1. Invalid e-mail: the message sits next to the field and nothing is written.
  await page.goto("/customers/new");
  await expect(page.getByRole("heading", { level: 1, name: "New customer" })).toBeVisible();
  await field(page, "No.").fill(no);
  await field(page, "Name").fill(name);
  await field(page, "City").fill("Lyon");
  await field(page, "Credit Limit (LCY)").fill("2500.50");
  await field(page, "E-Mail").fill("not-an-e-mail");
  await page.getByRole("button", { name: "Create" }).click();
  const emailField = field(page, "E-Mail");
  await expect(emailField).toHaveAttribute("aria-invalid", "true");
  await expect(emailField).toHaveAccessibleDescription("E-Mail is not a valid e-mail address. Use the form name@example.com.");
  await expect(page.getByRole("main").getByRole("alert")).toHaveText("Some fields are not valid. Correct them and try again.");
  // What the user typed is kept.
  await expect(field(page, "Name")).toHaveValue(name);
  await screenshot(page, "customer-card-invalid-email");
  expect(await customerRow(no)).toBeUndefined();
  const [{ after }] = await sql<{ after: number }>(`SELECT count(*)::int AS after FROM "Customer"`);
  expect(after).toBe(before);

  // 2. Valid: the row exists with the values typed.
  await emailField.fill(`orders-${no.toLowerCase()}@example.com`);
  await page.getByRole("button", { name: "Create" }).click();
  await expect(page).toHaveURL(new RegExp(`/customers/${no}$`));
  await expect(page.getByRole("heading", { level: 1, name: `${no} · ${name}` })).toBeVisible();
  const created = await customerRow(no);
  expect(created).toMatchObject({
    no,
    name,
    city: "Lyon",
    email: `orders-${no.toLowerCase()}@example.com`,
    creditLimit: "2500.50",
  });
  await screenshot(page, "customer-card-created");

  // 3. Edit: the database has the new values and a higher rowVersion.
  await expect(field(page, "City")).toHaveValue("Lyon");
  await field(page, "City").fill("Marseille");
  await field(page, "Credit Limit (LCY)").fill("9000");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("status").filter({ hasText: "The customer was saved." })).toBeVisible();
  const edited = await customerRow(no);
  expect(edited).toMatchObject({ city: "Marseille", creditLimit: "9000.00" });
  expect(edited!.rowVersion).toBeGreaterThan(created!.rowVersion);
  await screenshot(page, "customer-card-edited");

  // 4. Someone else changes the row while the card is open: saving is refused and their change stays.
  await page.reload();
  await expect(field(page, "City")).toHaveValue("Marseille");
  await sql(`UPDATE "Customer" SET "name" = $2, "updatedAt" = now() WHERE "no" = $1`, [no, `${name} (changed elsewhere)`]);
  await field(page, "City").fill("Nantes");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("main").getByRole("alert")).toHaveText(
    "This customer was changed by someone else since you opened it. Reload to see the changes.",
  );
  await screenshot(page, "customer-card-concurrent-change");
  const afterConflict = await customerRow(no);
  expect(afterConflict).toMatchObject({ name: `${name} (changed elsewhere)`, city: "Marseille" });
  expect(afterConflict!.rowVersion).toBeGreaterThan(edited!.rowVersion);

  // 5. Delete after reloading: the row is gone.
  await page.reload();
  await expect(field(page, "Name")).toHaveValue(`${name} (changed elsewhere)`);
  await page.getByRole("button", { name: "Delete", exact: true }).click();
  const dialog = page.getByRole("dialog", { name: `Delete customer ${no}?` });
  await expect(dialog).toBeVisible();
  await screenshot(page, "customer-card-delete-confirm");
  await dialog.getByRole("button", { name: "Delete customer" }).click();
  await expect(page).toHaveURL(/\/customers$/);
  await expect.poll(() => customerRow(no)).toBeUndefined();
  await screenshot(page, "customer-card-deleted");
});
