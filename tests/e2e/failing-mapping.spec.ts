import { expect, test } from "@playwright/test";
import { closeDb, DEMO, screenshot, signIn, sql, waitFor } from "./e2e-support.ts";

// A mapping whose automatic runs keep failing (issue 4), as a person sees it: the running worker's Dataverse poll
// fails on credentials Dataverse refuses, the mappings list says since when the mapping fails and when it tries next,
// the jobs list and the job page show one row counting the repeats, /api/health names the mapping, and once the
// credentials are right again and the wait is over, the mapping runs normally.

type MappingState = { name: string; failedRuns: number; nextAttemptAt: Date | null };

let originalClientId: string | null = null;

async function mappingState(name: string): Promise<MappingState> {
  const [row] = await sql<MappingState>(`SELECT name, "failedRuns", "nextAttemptAt" FROM "IntegrationTableMapping" WHERE name = $1`, [name]);
  return row;
}

/** Time passes: every waiting mapping's next automatic attempt is due now. */
async function nextAttemptsAreDue(): Promise<void> {
  await sql(`UPDATE "IntegrationTableMapping" SET "nextAttemptAt" = (now() AT TIME ZONE 'UTC') - interval '1 second' WHERE "nextAttemptAt" IS NOT NULL`);
}

async function restoreConnection(): Promise<void> {
  if (originalClientId === null) return;
  await sql(`UPDATE "DataverseConnection" SET "clientId" = $1 WHERE "isEnabled"`, [originalClientId]);
  originalClientId = null;
}

test.afterAll(async () => {
  // Whatever happened above, the other browser tests find the connection and the mappings as they were.
  await restoreConnection();
  await sql(`UPDATE "IntegrationTableMapping" SET "failedRuns" = 0, "failingSince" = NULL, "lastFailedRunAt" = NULL, "lastFailureMessage" = NULL, "nextAttemptAt" = NULL`);
  await closeDb();
});

test("a mapping whose automatic runs keep failing is shown failing, with one job row counting the repeats, and recovers", async ({ page }) => {
  test.setTimeout(240_000);
  const [connection] = await sql<{ clientId: string }>(`SELECT "clientId" FROM "DataverseConnection" WHERE "isEnabled" ORDER BY "createdAt" LIMIT 1`);
  expect(connection, "an enabled Dataverse connection").toBeTruthy();
  originalClientId = connection.clientId;
  // An application id Dataverse does not know: every token request is refused.
  await sql(`UPDATE "DataverseConnection" SET "clientId" = 'not-a-registered-app' WHERE "isEnabled"`);

  // The worker's Dataverse poll (every 5 s) triggers a run that fails; then the mapping waits a minute.
  let state = await waitFor(() => mappingState("CUSTOMER"), (s) => s.failedRuns >= 1);
  expect(state.failedRuns).toBeGreaterThanOrEqual(1);
  // The minute passes: the next poll's run fails the same way, one more repeat on the same row.
  await nextAttemptsAreDue();
  state = await waitFor(() => mappingState("CUSTOMER"), (s) => s.failedRuns >= 2);
  expect(state.failedRuns).toBeGreaterThanOrEqual(2);
  const [folded] = await sql<{ id: string; repeatCount: number }>(
    `SELECT j.id, j."repeatCount" FROM "SyncJob" j JOIN "IntegrationTableMapping" m ON m.id = j."mappingId"
     WHERE m.name = 'CUSTOMER' AND j.status = 'FAILED' AND j.direction = 'FROM_INTEGRATION_TABLE' ORDER BY j."queuedAt" DESC LIMIT 1`,
  );
  expect(folded.repeatCount).toBe(state.failedRuns);

  await signIn(page, DEMO.admin);
  await page.goto("/integration/table-mappings");
  const row = page.getByRole("row").filter({ has: page.getByRole("link", { name: "CUSTOMER", exact: true }) });
  await expect(row.getByRole("note")).toContainText(`Failing since`);
  await expect(row.getByRole("note")).toContainText(`(${state.failedRuns} attempts), next attempt at`);
  await expect(row.getByRole("note")).toContainText("Last error: Dataverse refused the connection");
  await screenshot(page, "integration-table-mappings-failing");

  await page.goto("/integration/sync-jobs?mapping=CUSTOMER");
  await expect(page.getByText(`Failed ${state.failedRuns} times since`).first()).toBeVisible();
  await screenshot(page, "integration-sync-jobs-repeated");
  await page.goto(`/integration/sync-jobs/${folded.id}`);
  await expect(page.getByRole("note")).toContainText(`Failed ${state.failedRuns} times since`);

  const health = await page.request.get("/api/health");
  expect(health.status()).toBe(200);
  const report = (await health.json()) as { status: string; failingMappings: { name: string }[]; reasons: string[] };
  expect(report.status).toBe("degraded");
  expect(report.failingMappings.map((m) => m.name)).toContain("CUSTOMER");
  expect(report.reasons.some((r) => r.startsWith("The mapping CUSTOMER has failed"))).toBe(true);

  // The credentials are right again and the wait is over: the next poll's run succeeds and clears the backoff.
  await restoreConnection();
  await nextAttemptsAreDue();
  state = await waitFor(() => mappingState("CUSTOMER"), (s) => s.failedRuns === 0);
  expect(state).toMatchObject({ failedRuns: 0, nextAttemptAt: null });
  await page.goto("/integration/table-mappings");
  await expect(page.getByRole("row").filter({ has: page.getByRole("link", { name: "CUSTOMER", exact: true }) }).getByRole("note")).toHaveCount(0);
});
