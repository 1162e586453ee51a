import { expect, test, type Page } from "@playwright/test";
import { postApiV1 } from "./api-support.ts";
import { createAccount, ensureIntegrationSetup, insertCustomer } from "./coupling-support.ts";
import { closeDb, DEMO, screenshot, signIn, sql, uniqueSuffix, waitFor } from "./e2e-support.ts";

// The integration admin pages end to end: the connection to the emulator, the default mappings, Pause / Resume, a
// mapping edit with its audit entry and a refused bad value, a full synchronization, the errors page Retry, the jobs
// page drill-down, Remove Couplings, and a viewer who sees no actions. Every step checks where its outcome lands: the
// database. The file's tests run in order (one worker), but each one that needs a coupled record, a job or a mapping
// with couplings makes it itself through API v1, so none depends on what an earlier test left behind.

test.afterAll(closeDb);

type CouplingBody = { coupling: { erpId: string; dataverseId: string } | null };

/** A new customer coupled (through API v1) to a new account of the same name. */
async function coupledCustomer(): Promise<{ id: string; no: string; couplingId: string }> {
  ensureIntegrationSetup();
  const customer = await insertCustomer({ name: `E2E Admin ${uniqueSuffix()}` });
  const account = await createAccount({ name: customer.name });
  await postApiV1<CouplingBody>("couplings?wait=true", { table: "CUSTOMER", no: customer.no, dataverseId: account.accountid }, 201);
  const [coupling] = await sql<{ id: string }>(`SELECT "id" FROM "Coupling" WHERE "erpId" = $1`, [customer.id]);
  return { id: customer.id, no: customer.no, couplingId: coupling.id };
}

async function openMappings(page: Page) {
  await page.goto("/integration/table-mappings");
  await expect(page.getByRole("heading", { level: 1, name: "Integration Table Mappings" })).toBeVisible();
}

test("Dataverse Connection: save the emulator's settings, enable, Test Connection shows the result and stores it", async ({ page }) => {
  // The global setup always starts the emulator.
  const emulatorUrl = process.env.E2E_EMULATOR_URL;
  expect(emulatorUrl, "E2E_EMULATOR_URL").toBeTruthy();
  await signIn(page, DEMO.admin);
  await page.goto("/integration/connection");
  await expect(page.getByRole("heading", { level: 1, name: "Dataverse Connection" })).toBeVisible();
  await page.getByLabel("Environment URL").fill("not a url");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.locator("#connection-environmentUrl-error")).toContainText("Enter a URL starting with https://");

  await page.getByLabel("Environment URL").fill(emulatorUrl!);
  await page.getByLabel("Tenant ID").fill("emulator");
  await page.getByRole("textbox", { name: /^Client ID/ }).fill("emulator");
  await page.getByLabel("Client secret").fill("emulator-secret");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByText("The connection settings are saved.")).toBeVisible();
  // The secret is write-only: the page never receives it back.
  await expect(page.getByLabel("Client secret")).toHaveValue("");
  expect(await page.content()).not.toContain("emulator-secret");

  const enable = page.getByRole("button", { name: "Enable", exact: true });
  if (await enable.isVisible()) {
    await enable.click();
    await expect(page.getByRole("button", { name: "Disable", exact: true })).toBeVisible();
  }
  await page.getByRole("button", { name: "Test Connection" }).click();
  await expect(page.getByText(/Connected\. The integration user is/).first()).toBeVisible({ timeout: 20_000 });
  await expect(page.getByText("Connected", { exact: true })).toBeVisible();
  const [row] = await sql<{ lastTestOk: boolean; isEnabled: boolean; clientSecretEnc: string }>(`SELECT "lastTestOk", "isEnabled", "clientSecretEnc" FROM "DataverseConnection" ORDER BY "createdAt" LIMIT 1`);
  expect(row).toMatchObject({ lastTestOk: true, isEnabled: true });
  expect(row.clientSecretEnc).not.toContain("emulator-secret");
  await screenshot(page, "integration-connection");
});

test("Integration Table Mappings: default setup, then Pause and Resume change the mapping's status", async ({ page }) => {
  await signIn(page, DEMO.admin);
  await openMappings(page);
  const [{ n }] = await sql<{ n: number }>(`SELECT count(*)::int AS n FROM "IntegrationTableMapping"`);
  if (n === 0) {
    await page.getByRole("button", { name: "Use Default Synchronization Setup" }).click();
    const dialog = page.getByRole("dialog", { name: "Use Default Synchronization Setup" });
    await dialog.getByRole("button", { name: "Use Default Synchronization Setup" }).click();
    await expect(page.getByText(/The default synchronization setup is in place/)).toBeVisible();
  }
  await expect(page.getByRole("link", { name: "CUSTOMER", exact: true })).toBeVisible();
  await page.getByRole("radio", { name: "Select CUSTOMER" }).check();
  await page.getByRole("button", { name: "Pause" }).click();
  await expect(page.getByText("CUSTOMER is paused")).toBeVisible();
  expect((await sql<{ status: string }>(`SELECT status::text FROM "IntegrationTableMapping" WHERE name = 'CUSTOMER'`))[0].status).toBe("PAUSED");
  await expect(page.getByRole("row", { name: /CUSTOMER/ }).getByText("Paused")).toBeVisible();
  await screenshot(page, "integration-table-mappings");
  await page.getByRole("button", { name: "Resume" }).click();
  await expect(page.getByText("CUSTOMER runs again on its schedule.")).toBeVisible();
  expect((await sql<{ status: string }>(`SELECT status::text FROM "IntegrationTableMapping" WHERE name = 'CUSTOMER'`))[0].status).toBe("READY");
  expect((await sql(`SELECT 1 FROM "AuditEntry" WHERE action = 'mapping.pause'`)).length).toBeGreaterThan(0);
});

test("Mapping editor: a bad schedule is refused with a field message and nothing stored; a good edit is saved and audited", async ({ page }) => {
  await signIn(page, DEMO.admin);
  await page.goto("/integration/table-mappings/CUSTOMER");
  await expect(page.getByRole("heading", { level: 1, name: "Integration Table Mapping CUSTOMER" })).toBeVisible();
  // The live count of the Dataverse side's filter comes from the emulator, the ERP side's from the database.
  const [{ tableFilter: originalFilter }] = await sql<{ tableFilter: { field: string; operator: string; value?: unknown }[] }>(`SELECT "tableFilter" FROM "IntegrationTableMapping" WHERE name = 'CUSTOMER'`);
  const erpFilter = page.getByRole("group", { name: "Table Filter (ERP)" });
  // The default CUSTOMER filter is "Blocked is NONE"; any other stored filter is left out of the SQL check.
  const blockedOnly = originalFilter.length === 1 && originalFilter[0].field === "blocked" && originalFilter[0].operator === "eq";
  const isCountable = originalFilter.length === 0 || blockedOnly;
  const extraWhere = blockedOnly ? ` AND blocked = '${String(originalFilter[0].value)}'` : "";
  const [{ expected }] = await sql<{ expected: number }>(`SELECT count(*)::int AS expected FROM "Customer" WHERE true${extraWhere}`);
  await expect(erpFilter.getByText(isCountable ? `${expected} records match` : /records? match/)).toBeVisible({ timeout: 15_000 });
  const [before] = await sql<{ scheduleSeconds: number; rowVersion: number }>(`SELECT "scheduleSeconds", "rowVersion" FROM "IntegrationTableMapping" WHERE name = 'CUSTOMER'`);

  await page.getByLabel("Run every (seconds)").fill("1");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByText("The schedule must be at least 5 seconds.")).toBeVisible();
  const [unchanged] = await sql<{ scheduleSeconds: number; rowVersion: number }>(`SELECT "scheduleSeconds", "rowVersion" FROM "IntegrationTableMapping" WHERE name = 'CUSTOMER'`);
  expect(unchanged).toEqual(before);

  const next = before.scheduleSeconds === 120 ? 180 : 120;
  await page.getByLabel("Run every (seconds)").fill(String(next));
  // A filter condition on the ERP side updates the live count.
  const n = originalFilter.length + 1;
  await erpFilter.getByRole("button", { name: "Add condition" }).click();
  await erpFilter.getByLabel(`Field of Condition ${n}`).selectOption({ label: "No." });
  await erpFilter.getByLabel(`Operator of Condition ${n}`).selectOption("startswith");
  await erpFilter.getByLabel(`Value of Condition ${n}`).fill("C");
  const [{ startingWithC }] = await sql<{ startingWithC: number }>(
    `SELECT count(*)::int AS "startingWithC" FROM "Customer" WHERE no ILIKE 'C%'${extraWhere}`,
  );
  if (isCountable) await expect(erpFilter.getByText(`${startingWithC} record${startingWithC === 1 ? "" : "s"} match`)).toBeVisible({ timeout: 15_000 });
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByText("The mapping is saved.")).toBeVisible();

  const [after] = await sql<{ scheduleSeconds: number; tableFilter: unknown }>(`SELECT "scheduleSeconds", "tableFilter" FROM "IntegrationTableMapping" WHERE name = 'CUSTOMER'`);
  expect(after.scheduleSeconds).toBe(next);
  expect(after.tableFilter).toEqual([...originalFilter, { field: "no", operator: "startswith", value: "C" }]);
  const audits = await sql<{ actor: string; before: { scheduleSeconds: number }; after: { scheduleSeconds: number } }>(
    `SELECT actor, before, after FROM "AuditEntry" WHERE action = 'mapping.update' ORDER BY id DESC LIMIT 1`,
  );
  expect(audits[0]).toMatchObject({ actor: DEMO.admin.email, before: { scheduleSeconds: before.scheduleSeconds }, after: { scheduleSeconds: next } });
  await page.reload();
  await expect(page.getByRole("region", { name: "Changes" }).getByText(`scheduleSeconds: ${before.scheduleSeconds} → ${next}`)).toBeVisible();
  await screenshot(page, "integration-mapping-editor");

  // Put the filter back so the full synchronization below covers the mapping's usual records.
  await page.getByRole("group", { name: "Table Filter (ERP)" }).getByRole("button", { name: `Remove Condition ${n}` }).click();
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByText("The mapping is saved.")).toBeVisible();
  expect((await sql<{ tableFilter: unknown }>(`SELECT "tableFilter" FROM "IntegrationTableMapping" WHERE name = 'CUSTOMER'`))[0].tableFilter).toEqual(originalFilter);
});

test("Dataverse Full Synch. Review: Start All runs the mappings in dependency order and couples records", async ({ page }) => {
  test.setTimeout(180_000);
  await signIn(page, DEMO.admin);
  await page.goto("/integration/table-mappings");
  await page.getByRole("link", { name: "Run Full Synchronization" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Dataverse Full Synch. Review" })).toBeVisible();
  const names = await page.getByRole("table").locator("tbody th[scope=row]").allTextContents();
  // Dependencies first: CUSTOMER after SALESPEOPLE and CURRENCY, CONTACT after CUSTOMER.
  if (names.includes("CONTACT") && names.includes("CUSTOMER")) expect(names.indexOf("CUSTOMER")).toBeLessThan(names.indexOf("CONTACT"));
  await page.getByRole("button", { name: "Start All" }).click();
  await expect(page.getByText("The full synchronization has been scheduled.")).toBeVisible();
  const coupled = await waitFor(
    () => sql<{ n: number }>(`SELECT count(*)::int AS n FROM "Coupling" c JOIN "IntegrationTableMapping" m ON m.id = c."mappingId" WHERE m.name = 'CUSTOMER'`),
    (rows) => rows[0].n > 0,
    150_000,
  );
  expect(coupled[0].n).toBeGreaterThan(0);
  await screenshot(page, "integration-full-sync-review");
  // The page follows the jobs: a progress or a finished status per line.
  await expect(page.getByRole("row", { name: /CUSTOMER/ }).getByText(/In Process|Success|Error/)).toBeVisible({ timeout: 30_000 });
});

test("Coupled Data Synchronization Errors: Retry puts a skipped coupling back into synchronization", async ({ page }) => {
  const customer = await coupledCustomer();
  const coupling = { id: customer.couplingId, no: customer.no };
  await sql(`UPDATE "Coupling" SET "isSkipped" = true, "errorClass" = 'PERMANENT', "errorMessage" = $2, "errorSignature" = 'e2e-retry', "failedAt" = now() WHERE id = $1`, [
    coupling.id,
    `The customer ${coupling.no} could not be synchronized (e2e). Correct it and use Retry.`,
  ]);
  await signIn(page, DEMO.admin);
  await page.goto("/integration/sync-errors");
  await expect(page.getByRole("heading", { level: 1, name: "Coupled Data Synchronization Errors" })).toBeVisible();
  const groups = page.getByRole("navigation", { name: "Error groups" });
  await expect(groups).toContainText("could not be synchronized (e2e)");
  // Earlier tests may have left many errors (more than a page): narrow to this error's group, as a user would.
  await groups.getByRole("link", { name: /could not be synchronized \(e2e\)/ }).click();
  await page.waitForURL(/signature=e2e-retry/);
  const retry = page.getByRole("button", { name: "Retry", exact: true });
  await expect(retry).toBeDisabled();
  await page.getByRole("checkbox", { name: `Select the error of ${coupling.no}` }).check();
  await expect(page.getByText("1 error selected")).toBeVisible();
  await expect(retry).toBeEnabled();
  // Restore and Delete Records need exactly one side to exist; both exist here.
  await expect(page.getByRole("button", { name: "Restore Records" })).toBeDisabled();
  await expect(page.getByRole("button", { name: "Delete Records" })).toBeDisabled();
  await screenshot(page, "integration-sync-errors");
  await retry.click();
  await expect(page.getByText(/1 retried/)).toBeVisible();
  const [after] = await sql<{ isSkipped: boolean }>(`SELECT "isSkipped" FROM "Coupling" WHERE id = $1`, [coupling.id]);
  expect(after.isSkipped).toBe(false);
  expect((await sql(`SELECT 1 FROM "AuditEntry" WHERE action = 'syncError.retry'`)).length).toBeGreaterThan(0);
});

test("Synchronization Jobs: filters, chart, and drill-down to a job's errors", async ({ page }) => {
  // A finished synchronization job of its own: Synchronize Now (Send) of a coupled customer through API v1.
  const customer = await coupledCustomer();
  const sync = await postApiV1<{ jobs: { id: string }[] }>("synchronize?wait=true", { table: "CUSTOMER", nos: [customer.no], direction: "toDataverse" });
  expect(sync.jobs.length).toBeGreaterThan(0);
  const [job] = await sql<{ id: string; mapping: string; type: string }>(
    `SELECT j.id, m.name AS mapping, j.type::text AS type FROM "SyncJob" j JOIN "IntegrationTableMapping" m ON m.id = j."mappingId" WHERE j.id = $1`,
    [sync.jobs[0].id],
  );
  expect(job).toMatchObject({ mapping: "CUSTOMER", type: "SYNCHRONIZATION" });
  const message = `E2E drill-down error ${Date.now()}`;
  await sql(
    `INSERT INTO "SyncJobError" (id, "jobId", "sourceTable", "sourceRef", "errorClass", message, signature, "createdAt") VALUES (gen_random_uuid(), $1, 'Customer', 'Customer E2E', 'PERMANENT', $2, 'e2e', now())`,
    [job.id, message],
  );
  await signIn(page, DEMO.admin);
  await page.goto("/integration/sync-jobs");
  await expect(page.getByRole("heading", { level: 1, name: "Synchronization Jobs" })).toBeVisible();
  await expect(page.getByRole("img", { name: /Records synchronized and errors per hour/ })).toBeVisible();
  await page.getByLabel("Mapping").selectOption(job.mapping);
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(page).toHaveURL(new RegExp(`mapping=${job.mapping}`));
  await screenshot(page, "integration-sync-jobs");
  await page.goto(`/integration/sync-jobs/${job.id}`);
  const [{ n }] = await sql<{ n: number }>(`SELECT count(*)::int AS n FROM "SyncJobError" WHERE "jobId" = $1`, [job.id]);
  await expect(page.getByRole("heading", { name: `Errors (${n})` })).toBeVisible();
  await expect(page.getByText(message)).toBeVisible();
  await screenshot(page, "integration-sync-job-detail");
});

test("Remove Couplings runs in the background with progress and removes every coupling of the mapping", async ({ page }) => {
  test.setTimeout(120_000);
  // The CONTACT mapping with at least one coupling of its own: a new contact of a coupled customer (the mapping takes
  // contacts with a customer only), created in Dataverse and coupled by Create New through API v1. CUSTOMER keeps its
  // couplings for the tests after this one.
  const customer = await coupledCustomer();
  const contactNo = `E2K${uniqueSuffix()}`.slice(0, 20);
  await sql(
    `INSERT INTO "Contact" ("id", "no", "firstName", "surname", "name", "customerId", "updatedAt") VALUES (gen_random_uuid(), $1, 'Remove', $2, $3, $4, now())`,
    [contactNo, contactNo, `Remove ${contactNo}`, customer.id],
  );
  const created = await postApiV1<CouplingBody>("couplings?wait=true", { table: "CONTACT", no: contactNo, createNew: true }, 201);
  expect(created.coupling).not.toBeNull();
  // The count the dialog shows must not move under it: wait for the mapping's other jobs (a full sync) to finish.
  const active = await waitFor(
    () => sql<{ n: number }>(`SELECT count(*)::int AS n FROM "SyncJob" j JOIN "IntegrationTableMapping" m ON m.id = j."mappingId" WHERE m.name = 'CONTACT' AND j.status IN ('QUEUED', 'RUNNING')`),
    (rows) => rows[0].n === 0,
  );
  expect(active[0].n).toBe(0);
  const [target] = await sql<{ name: string; n: number }>(
    `SELECT m.name, count(c.id)::int AS n FROM "IntegrationTableMapping" m JOIN "Coupling" c ON c."mappingId" = m.id WHERE m.name = 'CONTACT' GROUP BY m.name`,
  );
  expect(target.n).toBeGreaterThan(0);
  await signIn(page, DEMO.admin);
  await openMappings(page);
  await page.getByRole("radio", { name: `Select ${target.name}` }).check();
  await page.getByRole("button", { name: "Remove Couplings" }).click();
  const dialog = page.getByRole("dialog", { name: "Remove Couplings" });
  await expect(dialog).toContainText(`${target.n} coupling`);
  await dialog.getByRole("button", { name: "Remove Couplings" }).click();
  await expect(page.getByText(`Removing the couplings of ${target.name} has been scheduled.`).or(page.getByText(/couplings? of .* removed/))).toBeVisible();
  const left = await waitFor(
    () => sql<{ n: number }>(`SELECT count(*)::int AS n FROM "Coupling" c JOIN "IntegrationTableMapping" m ON m.id = c."mappingId" WHERE m.name = $1`, [target.name]),
    (rows) => rows[0].n === 0,
  );
  expect(left[0].n).toBe(0);
  await expect(page.getByText(new RegExp(`of ${target.name} removed`))).toBeVisible({ timeout: 20_000 });
  const [job] = await sql<{ type: string; uncoupled: number; status: string }>(`SELECT j.type::text, j.uncoupled, j.status::text FROM "SyncJob" j JOIN "IntegrationTableMapping" m ON m.id = j."mappingId" WHERE m.name = $1 AND j.type = 'UNCOUPLING' ORDER BY j."queuedAt" DESC LIMIT 1`, [target.name]);
  expect(job).toMatchObject({ type: "UNCOUPLING", status: "SUCCEEDED", uncoupled: target.n });
});

test("a viewer sees the integration pages without the actions their role may not take", async ({ page }) => {
  await signIn(page, DEMO.viewer);
  await openMappings(page);
  await expect(page.getByRole("link", { name: "CUSTOMER", exact: true })).toBeVisible();
  for (const name of ["Synchronize Modified Records", "Match-Based Coupling", "Remove Couplings", "Pause", "Resume", "Use Default Synchronization Setup"]) {
    await expect(page.getByRole("button", { name, exact: true })).toHaveCount(0);
  }
  await expect(page.getByRole("link", { name: "Run Full Synchronization" })).toHaveCount(0);
  await page.goto("/integration/sync-errors");
  await expect(page.getByRole("button", { name: "Retry All" })).toHaveCount(0);
  await page.goto("/integration/connection");
  await expect(page.getByRole("button", { name: "Test Connection" })).toHaveCount(0);
  await expect(page.getByLabel("Client secret")).toHaveCount(0);
  await page.goto("/integration/table-mappings/CUSTOMER");
  await expect(page.getByRole("button", { name: "Save" })).toHaveCount(0);
  await screenshot(page, "integration-viewer");
});
