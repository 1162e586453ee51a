import type { Db } from "../db/db-client.ts";
import { CLEARED_LOOKUPS_KEY, type PassDirection } from "./field-transfer.ts";

// Clear Value on Failed Sync writes a lookup empty when its parent is not coupled; the pair then succeeds and nothing
// about it changes when the parent couples later. The pass marks such lookups in the coupling's snapshot
// (field-transfer.ts `withClearedMarks`); here a run finds the marked pairs of its pass that have not been looked at
// since a parent coupling was made or changed, so the lookup is sent as soon as it can be.

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
            AND "snapshot" ? ${CLEARED_LOOKUPS_KEY}
            AND jsonb_path_exists("snapshot", ${marked}::jsonpath, jsonb_build_object('pass', ${pass}::text))
          LIMIT ${LIMIT}`
      : await db.$queryRaw<{ id: string }[]>`
          SELECT "dataverseId"::text AS id FROM "Coupling"
          WHERE "mappingId" = ${mappingId}::uuid AND "state" = 'COUPLED' AND NOT "isSkipped"
            AND ("lastFromAt" IS NULL OR "lastFromAt" < ${parentsChangedAt})
            AND "snapshot" ? ${CLEARED_LOOKUPS_KEY}
            AND jsonb_path_exists("snapshot", ${marked}::jsonpath, jsonb_build_object('pass', ${pass}::text))
          LIMIT ${LIMIT}`;
  return rows.map((r) => r.id.toLowerCase());
}
