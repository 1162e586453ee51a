import type { Db } from "../db/db-client.ts";
import { CLEARED_LOOKUPS_KEY, type PassDirection } from "./field-transfer.ts";

// Clear Value on Failed Sync writes a lookup empty when its parent is not coupled; the pair then succeeds and nothing
// about it changes when the parent couples later. The pass marks such lookups in the coupling's snapshot
// (field-transfer.ts `withClearedMarks`); here a run finds the marked pairs of its pass that have not been looked at
// since a parent coupling was made or changed, so the lookup is sent as soon as it can be. "hasClearedLookups" is
// generated from the snapshot and indexed per mapping for the few marked pairs (migration coupling_cleared_lookups):
// the query reads those instead of every coupling of the mapping.

const LIMIT = 10_000;

/** Source ids (ERP ids for the To pass, Dataverse ids for the From pass) of pairs with a lookup this pass cleared. */
export async function clearedLookupRetryIds(db: Db, mappingId: string, pass: PassDirection, parentsChangedAt: Date): Promise<string[]> {
  const marked = `$."${CLEARED_LOOKUPS_KEY}".* ? (@ == $pass)`;
  const rows =
    pass === "TO_INTEGRATION_TABLE"
      ? await db.$queryRaw<{ id: string }[]>`
          SELECT "erpId"::text AS id FROM "Coupling"
          WHERE "mappingId" = ${mappingId}::uuid AND "state" = 'COUPLED' AND NOT "isSkipped"
            AND ("lastToAt" IS NULL OR "lastToAt" < ${parentsChangedAt})
            AND "hasClearedLookups"
            AND jsonb_path_exists("snapshot", ${marked}::jsonpath, jsonb_build_object('pass', ${pass}::text))
          LIMIT ${LIMIT}`
      : await db.$queryRaw<{ id: string }[]>`
          SELECT "dataverseId"::text AS id FROM "Coupling"
          WHERE "mappingId" = ${mappingId}::uuid AND "state" = 'COUPLED' AND NOT "isSkipped"
            AND ("lastFromAt" IS NULL OR "lastFromAt" < ${parentsChangedAt})
            AND "hasClearedLookups"
            AND jsonb_path_exists("snapshot", ${marked}::jsonpath, jsonb_build_object('pass', ${pass}::text))
          LIMIT ${LIMIT}`;
  return rows.map((r) => r.id.toLowerCase());
}
