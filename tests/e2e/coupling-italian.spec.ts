import bcrypt from "bcryptjs";
import { expect, test } from "@playwright/test";
import { couplingOf, dataverseGroup, ensureIntegrationSetup, getAccount, insertCustomer } from "./coupling-support.ts";
import { closeDb, screenshot, signIn, sql, uniqueSuffix } from "./e2e-support.ts";

// One coupling flow in Italian: the language is chosen in the header, and the captions are Business Central's
// Italian ones. A user of its own keeps the language change away from the other tests.

test.afterAll(closeDb);
test.beforeAll(() => ensureIntegrationSetup());
test.describe.configure({ timeout: 120_000 });

test("un utente imposta l'associazione con Crea nuovo e sincronizza, in italiano", async ({ page }) => {
  const suffix = uniqueSuffix();
  const credentials = { email: `e2e-it-${suffix.toLowerCase()}@demo.local`, password: "italiano-e2e" };
  await sql(`INSERT INTO "User" ("id", "email", "name", "role", "passwordHash", "updatedAt") VALUES (gen_random_uuid(), $1, $2, 'USER', $3, now())`, [
    credentials.email,
    "Utente Italiano",
    await bcrypt.hash(credentials.password, 4),
  ]);
  const customer = await insertCustomer({ name: `E2E Italia ${suffix}`, city: "Milano" });
  await signIn(page, credentials);

  await page.getByRole("combobox", { name: "Language" }).selectOption("it");
  await expect(page.getByRole("heading", { level: 1, name: "Clienti" })).toBeVisible();
  const [{ locale }] = await sql<{ locale: string }>(`SELECT "locale" FROM "User" WHERE "email" = $1`, [credentials.email]);
  expect(locale).toBe("it");

  await page.goto(`/customers/${customer.no}`);
  const group = dataverseGroup(page);
  await expect(page.getByRole("region", { name: "Dataverse" })).toContainText("Non associato");
  await group.getByRole("button", { name: "Imposta associazione" }).click();
  const dialog = page.getByRole("dialog", { name: `Imposta associazione: Cliente ${customer.no}` });
  await expect(dialog.getByLabel("Sincronizza dopo l'associazione")).toBeVisible();
  await dialog.getByRole("checkbox", { name: "Crea nuovo" }).check();
  await screenshot(page, "coupling-italian-set-up");
  await dialog.getByRole("button", { name: "OK" }).click();
  await expect(page.getByRole("status").filter({ hasText: `Cliente ${customer.no} è stato creato in Dataverse e associato.` })).toBeVisible({ timeout: 30_000 });
  const coupling = await couplingOf(customer.id);
  expect(coupling).toBeDefined();
  expect(await getAccount(coupling!.dataverseId)).toMatchObject({ name: customer.name, address1_city: "Milano" });

  await page.getByRole("textbox", { name: "Città", exact: true }).fill("Como");
  await page.getByRole("button", { name: "Salva" }).click();
  await group.getByRole("button", { name: "Sincronizza adesso" }).click();
  const prompt = page.getByRole("dialog", { name: "Sincronizza adesso" });
  await prompt.getByRole("radio", { name: /Invia aggiornamento dati a Dataverse/ }).check();
  await prompt.getByRole("button", { name: "OK" }).click();
  await expect(page.getByRole("status").filter({ hasText: "La sincronizzazione è terminata." })).toBeVisible({ timeout: 60_000 });
  await expect.poll(async () => (await getAccount(coupling!.dataverseId))?.address1_city, { timeout: 30_000 }).toBe("Como");
  await screenshot(page, "coupling-italian-synchronized");
});
