import { expect, test } from "@playwright/test";
import { closeDb, DEMO, screenshot, signIn, sql } from "./e2e-support.ts";

test.afterAll(closeDb);

test.beforeEach(async ({ page }) => {
  await signIn(page, DEMO.user);
});

function customerTable(page: import("@playwright/test").Page) {
  return page.getByRole("table", { name: "Customers" });
}

/** The first cell of each body row: the customer numbers in the order shown. */
async function shownNumbers(page: import("@playwright/test").Page): Promise<string[]> {
  return customerTable(page).locator("tbody tr td:first-child").allInnerTexts();
}

test("searching narrows the list and puts the search in the URL", async ({ page }) => {
  const [{ city }] = await sql<{ city: string }>(
    `SELECT "city" FROM "Customer" WHERE "city" <> '' GROUP BY "city" ORDER BY count(*) DESC, "city" LIMIT 1`,
  );
  const pattern = `%${city}%`;
  const [{ expected, total }] = await sql<{ expected: number; total: number }>(
    `SELECT count(*) FILTER (WHERE "no" ILIKE $1 OR "name" ILIKE $1 OR "city" ILIKE $1 OR "email" ILIKE $1)::int AS expected,
            count(*)::int AS total FROM "Customer"`,
    [pattern],
  );
  expect(expected).toBeLessThan(total);

  await page.getByRole("searchbox", { name: "Search no., name, city or e-mail" }).fill(city);
  await page.getByRole("button", { name: "Search", exact: true }).click();

  await expect(page).toHaveURL((url) => url.searchParams.get("q") === city);
  await expect(page.getByRole("status").filter({ hasText: "record" })).toHaveText(`${expected} record${expected === 1 ? "" : "s"}`);
  const rows = customerTable(page).locator("tbody tr");
  await expect(rows).toHaveCount(Math.min(expected, 50));
  for (const text of await rows.allInnerTexts()) expect(text.toLowerCase()).toContain(city.toLowerCase());
  await screenshot(page, "customer-list-search");

  // The search survives a reload: it lives in the URL, not in the page.
  await page.reload();
  await expect(page.getByRole("searchbox", { name: "Search no., name, city or e-mail" })).toHaveValue(city);
  await expect(rows).toHaveCount(Math.min(expected, 50));
});

test("sorting by name orders the rows the way the database does", async ({ page }) => {
  const ascending = await sql<{ no: string }>(`SELECT "no" FROM "Customer" ORDER BY "name" ASC, "no" ASC LIMIT 50`);
  const descending = await sql<{ no: string }>(`SELECT "no" FROM "Customer" ORDER BY "name" DESC, "no" DESC LIMIT 50`);

  const nameHeader = customerTable(page).getByRole("columnheader", { name: /^Name/ });
  await nameHeader.getByRole("button").click();
  await expect(page).toHaveURL((url) => url.searchParams.get("sort") === "name" && url.searchParams.get("dir") === "asc");
  await expect(nameHeader).toHaveAttribute("aria-sort", "ascending");
  await expect.poll(() => shownNumbers(page)).toEqual(ascending.map((r) => r.no));
  await screenshot(page, "customer-list-sort-name-asc");

  await nameHeader.getByRole("button").click();
  await expect(page).toHaveURL((url) => url.searchParams.get("sort") === "name" && url.searchParams.get("dir") === "desc");
  await expect(nameHeader).toHaveAttribute("aria-sort", "descending");
  await expect.poll(() => shownNumbers(page)).toEqual(descending.map((r) => r.no));
  await screenshot(page, "customer-list-sort-name-desc");
});

test("paging to page 2 shows the next 50 customers", async ({ page }) => {
  const [{ total }] = await sql<{ total: number }>(`SELECT count(*)::int AS total FROM "Customer"`);
  const secondPage = await sql<{ no: string }>(`SELECT "no" FROM "Customer" ORDER BY "no" OFFSET 50 LIMIT 50`);
  const pager = page.getByRole("navigation", { name: "Pages" });
  await expect(pager).toContainText(`Page 1 of ${Math.ceil(total / 50)}`);

  await pager.getByRole("button", { name: "Next" }).click();
  await expect(page).toHaveURL((url) => url.searchParams.get("page") === "2");
  await expect(pager).toContainText(`51–${Math.min(100, total)} of ${total}`);
  await expect(pager).toContainText(`Page 2 of ${Math.ceil(total / 50)}`);
  await expect.poll(() => shownNumbers(page)).toEqual(secondPage.map((r) => r.no));
  await screenshot(page, "customer-list-page-2");

  // The browser's back button returns to page 1 (the state is in the URL history).
  await page.goBack();
  await expect(pager).toContainText(`Page 1 of ${Math.ceil(total / 50)}`);
});
