-- The pairs with a lookup written empty under Clear Value on Failed Sync (marked under the "~cleared" key of the
-- snapshot, lib/integration/field-transfer.ts) are a handful among all the couplings of a mapping, yet every pass of a
-- mapping with coupled parents asked for them with `snapshot ? '~cleared'` and read every coupling of the mapping
-- (lib/integration/cleared-lookups.ts). An index whose predicate names "snapshot" would make every update of a
-- synchronized pair (which rewrites its snapshot) a non-HOT update with entries in every index of the table, undoing
-- the fillfactor migration. So the database keeps a flag derived from the snapshot and the partial index names only
-- the flag: it changes, and costs index work, only when a pair gets its first mark or loses its last one. A generated
-- column rather than a flag the application writes or a separate table: every writer of snapshot (bulk bookkeeping,
-- coupling service, lookup resolution) stays as it is and the flag cannot disagree with the marks; a table would need
-- a trigger or a second write per pair, and a join. Hand-written: schema.prisma declares the column with the same
-- expression as a dbgenerated default, so `npx tsx scripts/migrate.ts drift` stays clean; Prisma never writes it.
-- Adding a stored generated column rewrites the table once (which also lays existing pages out at the fillfactor).
ALTER TABLE "Coupling" ADD COLUMN "hasClearedLookups" BOOLEAN NOT NULL GENERATED ALWAYS AS ("snapshot" ? '~cleared') STORED;

CREATE INDEX "Coupling_cleared_lookups_idx" ON "Coupling" ("mappingId") WHERE "hasClearedLookups";
