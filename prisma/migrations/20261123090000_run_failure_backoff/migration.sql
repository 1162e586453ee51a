-- Automatic runs that keep failing (issue 4): a schedule fires every minute and the Dataverse poll every 5 seconds, so
-- a mapping whose runs fail as a whole (Dataverse unreachable, credentials refused, 5xx after retries) added a failed
-- job row each time and buried everything else on the Synchronization Jobs page.
--
-- The mapping keeps its streak of failed runs (lib/integration/run-backoff.ts): how many in a row, since when, the
-- last failure and its message, and the time before which schedules and delta polls leave it alone (1, 2, 4, … minutes,
-- at most 30). The first run that succeeds clears it. In the database, not in a worker's memory: workers restart, and
-- several of them share the mappings.
ALTER TABLE "IntegrationTableMapping"
  ADD COLUMN "failedRuns" INTEGER NOT NULL DEFAULT 0,
  ADD COLUMN "failingSince" TIMESTAMP(3),
  ADD COLUMN "lastFailedRunAt" TIMESTAMP(3),
  ADD COLUMN "lastFailureMessage" VARCHAR(2048),
  ADD COLUMN "nextAttemptAt" TIMESTAMP(3);

-- A failed automatic run that did nothing and failed the same way as the mapping's previous automatic run of that
-- direction is folded into that row (lib/integration/job-recorder.ts): the row counts the attempts and keeps the
-- first (startedAt) and the latest (lastAttemptAt).
ALTER TABLE "SyncJob"
  ADD COLUMN "repeatCount" INTEGER NOT NULL DEFAULT 1,
  ADD COLUMN "lastAttemptAt" TIMESTAMP(3),
  ADD COLUMN "failureSignature" VARCHAR(64);
