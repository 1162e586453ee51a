-- The pairs a run retries (lib/integration/sync-run.ts retryTargets: failed pairs, pending creates) are a handful
-- among all the couplings of a mapping, yet every run of every pass asked for them through the (mappingId, isSkipped)
-- index and read every coupling of the mapping: 190 ms per query at 100,000 couplings, twice per no-op run (P4 in
-- bench/README.md). A partial index holds only the rows those queries can return. Hand-written: schema.prisma cannot
-- express a partial index, and Prisma's schema diff leaves it alone (`npx tsx scripts/migrate.ts drift` stays clean).
CREATE INDEX "Coupling_retry_idx" ON "Coupling" ("mappingId")
  WHERE "lastToResult" = 'FAILURE' OR "lastFromResult" = 'FAILURE' OR "state" = 'PENDING_DATAVERSE_CREATE';
