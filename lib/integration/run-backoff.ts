import type { Db } from "../db/db-client.ts";
import type { SyncJobTrigger } from "../db/generated/enums.ts";

// Automatic runs of a mapping that keep failing as a whole (Dataverse unreachable, credentials refused, 5xx after the
// client's retries) back off instead of failing every minute (schedule) or every 5 seconds (delta poll): after the
// n-th failure in a row, schedules and delta polls leave the mapping alone for 1, 2, 4, … minutes, at most 30. People
// are never held back (Synchronize Now, Run, the API), nor an ERP edit or a webhook, which try at once — their failure
// only lengthens the streak. The first run that succeeds, whoever started it, clears it. The state lives on the
// mapping row (workers restart, and several share the mappings) and is written only by the run holding the mapping's
// lease, with raw SQL so the mapping's updatedAt keeps meaning "edited by someone".

export const BACKOFF_BASE_MS = 60_000;
export const BACKOFF_MAX_MS = 30 * 60_000;

/** Triggers that fire whether or not anything happened: the ones a failing mapping holds back. */
export const HELD_BACK_TRIGGERS: readonly SyncJobTrigger[] = ["SCHEDULE", "DATAVERSE_CHANGE"];

export type BackoffState = { failedRuns: number; failingSince: Date | null; nextAttemptAt: Date | null };

/** How long automatic attempts wait after the `failures`-th failed run in a row. */
export function backoffDelayMs(failures: number): number {
  if (failures <= 0) return 0;
  return Math.min(BACKOFF_BASE_MS * 2 ** Math.min(failures - 1, 20), BACKOFF_MAX_MS);
}

/** Whether a run with this trigger waits for the mapping's next attempt time. */
export function isHeldBack(state: Pick<BackoffState, "nextAttemptAt">, trigger: SyncJobTrigger, now: Date = new Date()): boolean {
  return HELD_BACK_TRIGGERS.includes(trigger) && state.nextAttemptAt !== null && state.nextAttemptAt > now;
}

/**
 * One more failed automatic run: the streak grows (it starts at `runStartedAt` when there was none) and the next
 * automatic attempt moves out. Returns the new state.
 */
export async function recordRunFailure(db: Db, input: { mappingId: string; runStartedAt: Date; message: string; now?: Date }): Promise<BackoffState> {
  const now = input.now ?? new Date();
  const [row] = await db.$queryRaw<{ failedRuns: number; failingSince: Date | null }[]>`
    SELECT "failedRuns", "failingSince" FROM "IntegrationTableMapping" WHERE "id" = ${input.mappingId}::uuid`;
  if (!row) return { failedRuns: 0, failingSince: null, nextAttemptAt: null };
  const failedRuns = row.failedRuns + 1;
  const failingSince = row.failingSince ?? input.runStartedAt;
  const nextAttemptAt = new Date(now.getTime() + backoffDelayMs(failedRuns));
  await db.$executeRaw`
    UPDATE "IntegrationTableMapping"
    SET "failedRuns" = ${failedRuns}, "failingSince" = ${failingSince}, "lastFailedRunAt" = ${now},
        "lastFailureMessage" = ${input.message.slice(0, 2048)}, "nextAttemptAt" = ${nextAttemptAt}
    WHERE "id" = ${input.mappingId}::uuid`;
  return { failedRuns, failingSince, nextAttemptAt };
}

/** A run that succeeded: the streak, if any, is over and automatic runs go back to their normal pace. */
export async function recordRunSuccess(db: Db, mappingId: string): Promise<boolean> {
  const count = await db.$executeRaw`
    UPDATE "IntegrationTableMapping"
    SET "failedRuns" = 0, "failingSince" = NULL, "lastFailedRunAt" = NULL, "lastFailureMessage" = NULL, "nextAttemptAt" = NULL
    WHERE "id" = ${mappingId}::uuid AND ("failedRuns" > 0 OR "nextAttemptAt" IS NOT NULL)`;
  return count > 0;
}

/** What the mappings page and API v1 tell about a mapping's streak of failed runs; null when it runs fine. */
export type FailingState = { since: string; attempts: number; lastAt: string | null; nextAttemptAt: string | null; message: string | null };

export function failingStateOf(
  row: { failedRuns: number; failingSince: Date | null; lastFailedRunAt: Date | null; nextAttemptAt: Date | null; lastFailureMessage: string | null },
  isActive = true,
): FailingState | null {
  if (row.failedRuns <= 0 || !row.failingSince) return null;
  return {
    since: row.failingSince.toISOString(),
    attempts: row.failedRuns,
    lastAt: row.lastFailedRunAt?.toISOString() ?? null,
    // A paused or disabled mapping has no next automatic attempt.
    nextAttemptAt: isActive ? (row.nextAttemptAt?.toISOString() ?? null) : null,
    message: row.lastFailureMessage,
  };
}

export type FailingMapping = {
  name: string;
  failedRuns: number;
  failingSince: string;
  lastFailedAt: string | null;
  nextAttemptAt: string | null;
  message: string | null;
};

/** Active mappings whose automatic runs are failing, longest-failing first (the health report, the API). */
export async function listFailingMappings(db: Db): Promise<FailingMapping[]> {
  const rows = await db.integrationTableMapping.findMany({
    // A paused or disabled mapping is not run automatically: its streak says nothing about now.
    where: { failedRuns: { gt: 0 }, failingSince: { not: null }, isEnabled: true, status: { notIn: ["PAUSED", "ON_HOLD"] } },
    select: { name: true, failedRuns: true, failingSince: true, lastFailedRunAt: true, nextAttemptAt: true, lastFailureMessage: true },
    orderBy: [{ failingSince: "asc" }, { name: "asc" }],
  });
  return rows.map((r) => ({
    name: r.name,
    failedRuns: r.failedRuns,
    failingSince: r.failingSince!.toISOString(),
    lastFailedAt: r.lastFailedRunAt?.toISOString() ?? null,
    nextAttemptAt: r.nextAttemptAt?.toISOString() ?? null,
    message: r.lastFailureMessage,
  }));
}

/** The health report's sentence for a failing mapping. */
export function describeFailingMapping(m: FailingMapping): string {
  const next = m.nextAttemptAt ? ` Next automatic attempt at ${m.nextAttemptAt}.` : "";
  const cause = m.message ? ` Last error: ${m.message}` : "";
  return `The mapping ${m.name} has failed ${m.failedRuns} automatic run${m.failedRuns === 1 ? "" : "s"} in a row since ${m.failingSince}.${next}${cause}`;
}
