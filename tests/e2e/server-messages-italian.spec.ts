import bcrypt from "bcryptjs";
import { expect, test } from "@playwright/test";
import { createAccount, ensureIntegrationSetup, insertCustomer } from "./coupling-support.ts";
import { closeDb, screenshot, signIn, sql, uniqueSuffix } from "./e2e-support.ts";

// Messages that come from the server, in Italian: the customer card's field message (zod, returned by the server
// action) and an engine error stored in English on the Coupled Data Synchronization Errors page.

test.afterAll(closeDb);
test.beforeAll(() => ensureIntegrationSetup());
test.describe.configure({ timeout: 120_000 });

test("un utente italiano vede in italiano i messaggi del server", async ({ page }) => {
  const suffix = uniqueSuffix();
  const credentials = { email: `e2e-it-msg-${suffix.toLowerCase()}@demo.local`, password: "messaggi-e2e" };
  await sql(`INSERT INTO "User" ("id", "email", "name", "role", "passwordHash", "updatedAt") VALUES (gen_random_uuid(), $1, $2, 'USER', $3, now())`, [
    credentials.email,
    "Utente Messaggi",
    await bcrypt.hash(credentials.password, 4),
  ]);
  await signIn(page, credentials);
  await page.getByRole("combobox", { name: "Language" }).selectOption("it");
  await expect(page.getByRole("heading", { level: 1, name: "Clienti" })).toBeVisible();

  // 1. The customer card: the server refuses the e-mail address, in Italian, and writes nothing.
  const no = `E2EIT${suffix}`.slice(0, 20);
  await page.goto("/customers/new");
  await expect(page.getByRole("heading", { level: 1, name: "Nuovo cliente" })).toBeVisible();
  await page.getByRole("textbox", { name: "N.", exact: true }).fill(no);
  await page.getByRole("textbox", { name: "Nome", exact: true }).fill(`Messaggi ${suffix}`);
  await page.getByRole("textbox", { name: "E-mail", exact: true }).fill("non-un-indirizzo");
  await page.getByRole("button", { name: "Crea" }).click();
  const email = page.getByRole("textbox", { name: "E-mail", exact: true });
  await expect(email).toHaveAttribute("aria-invalid", "true");
  await expect(email).toHaveAccessibleDescription("E-mail non è un indirizzo e-mail valido. Usare il formato nome@esempio.com.");
  await expect(page.getByRole("main").getByRole("alert")).toHaveText("Alcuni campi non sono validi. Correggerli e riprovare.");
  await screenshot(page, "server-messages-italian-field");
  expect(await sql(`SELECT 1 FROM "Customer" WHERE "no" = $1`, [no])).toHaveLength(0);

  // 2. An engine error, stored in English as the engine writes it, on the errors page. Skipped, as the engine leaves
  // a coupling that failed twice, so no automatic synchronization clears it while the page is read.
  const customer = await insertCustomer({ name: `E2E Errore ${suffix}` });
  const account = await createAccount({ name: customer.name });
  const signature = `e2e-it-${suffix.toLowerCase()}`;
  const stored = `Customer ${customer.no} cannot be synchronized: the value "ZZ" of Country/Region Code has no counterpart for Country — add it to the field mapping's value map. Correct the value or the field mapping, then use Retry.`;
  await sql(
    `INSERT INTO "Coupling" ("id", "mappingId", "erpTable", "erpId", "dataverseEntity", "dataverseId", "isSkipped", "errorClass", "errorMessage", "errorSignature", "failedAt", "updatedAt")
     SELECT gen_random_uuid(), m."id", 'CUSTOMER', $1, 'account', $2, true, 'PERMANENT', $3, $4, now(), now() FROM "IntegrationTableMapping" m WHERE m."name" = 'CUSTOMER'`,
    [customer.id, account.accountid, stored, signature],
  );
  await page.goto(`/integration/sync-errors?signature=${signature}`);
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await expect(
    page.getByRole("cell", {
      name: `Impossibile sincronizzare Customer ${customer.no}: il valore "ZZ" di Country/Region Code non ha corrispondenza per Country: aggiungerlo alla mappa valori del mapping dei campi. Correggere il valore o il mapping dei campi, quindi usare Riprova.`,
    }),
  ).toBeVisible();
  await expect(page.getByText("cannot be synchronized")).toHaveCount(0);
  await screenshot(page, "server-messages-italian-engine-error");
});
