import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { applyMigrations } from "../../scripts/migrate-engine.ts";
import { createDb, type Db } from "../../lib/db/db-client.ts";
import { Prisma } from "../../lib/db/generated/client.ts";
import { clearedLookupRetryIds } from "../../lib/integration/cleared-lookups.ts";
import { createThrowawayDatabase, dropDatabase } from "../support/test-database.ts";

// The cleared-lookup retry query runs on every pass of a mapping with coupled parents: it must read the few marked
// pairs through the partial index of migration coupling_cleared_lookups, not every coupling of the mapping, and the
// index must not cost the HOT updates that the bookkeeping of synchronized pairs relies on (coupling_fillfactor).
// Its own database: 20,000 couplings of one mapping, with a known handful marked.

const COUPLINGS = 20_000;
const TO = "TO_INTEGRATION_TABLE";
const FROM = "FROM_INTEGRATION_TABLE";

let dbName: string;
let sql: pg.Client;
let db: Db;
let mappingId: string;

function snapshotFor(mark?: string): string {
  const fields = { "name:name": { e: "Name", d: "Name" }, "customerId:parentcustomerid": { e: null, d: null } };
  return JSON.stringify(mark ? { ...fields, "~cleared": { "customerId:parentcustomerid": mark } } : fields);
}

async function markedErpIds(pass: string): Promise<string[]> {
  const rows = await sql.query<{ id: string }>(`SELECT "erpId"::text AS id FROM "Coupling" WHERE snapshot -> '~cleared' ->> 'customerId:parentcustomerid' = $1`, [pass]);
  return rows.rows.map((r) => r.id).sort();
}

/** A Db whose raw queries are explained instead of run: the plan of the function's own SQL. */
function explaining(plans: string[]): Db {
  return {
    $queryRaw: async (strings: TemplateStringsArray, ...values: unknown[]) => {
      const rows = await db.$queryRaw<{ "QUERY PLAN": unknown }[]>(Prisma.sql([`EXPLAIN (FORMAT JSON) ${strings[0]}`, ...strings.slice(1)], ...values));
      plans.push(JSON.stringify(rows[0]["QUERY PLAN"]));
      return [];
    },
  } as unknown as Db;
}

beforeAll(async () => {
  const created = await createThrowawayDatabase("cc_test_cleared_index");
  dbName = created.name;
  await applyMigrations(created.url);
  sql = new pg.Client({ connectionString: created.url });
  await sql.connect();
  db = createDb(created.url, { max: 2 });
  const mapping = await sql.query<{ id: string }>(
    `INSERT INTO "IntegrationTableMapping" ("id", "name", "erpTable", "dataverseEntity", "direction", "updatedAt")
     VALUES (gen_random_uuid(), 'CUSTOMER', 'CUSTOMER', 'account', 'BIDIRECTIONAL', now()) RETURNING "id"`,
  );
  mappingId = mapping.rows[0].id;
  // Every 4,000th pair marked by the To pass, every 5,000th (not also a 4,000th) by the From pass.
  await sql.query(
    `INSERT INTO "Coupling" ("id", "mappingId", "erpTable", "erpId", "dataverseEntity", "dataverseId", "updatedAt", "snapshot", "lastToAt", "lastFromAt")
     SELECT gen_random_uuid(), $1::uuid, 'CUSTOMER', gen_random_uuid(), 'account', gen_random_uuid(), now(),
       CASE WHEN g % 4000 = 0 THEN $3::jsonb WHEN g % 5000 = 0 THEN $4::jsonb ELSE $2::jsonb END,
       now() - interval '1 hour', now() - interval '1 hour'
     FROM generate_series(1, ${COUPLINGS}) g`,
    [mappingId, snapshotFor(), snapshotFor(TO), snapshotFor(FROM)],
  );
  await sql.query(`ANALYZE "Coupling"`);
}, 60_000);

afterAll(async () => {
  await db?.$disconnect();
  await sql?.end();
  if (dbName) await dropDatabase(dbName);
});

describe("cleared-lookup retries at scale", () => {
  it("the database flags exactly the pairs whose snapshot holds a mark", async () => {
    const flagged = await sql.query<{ n: string }>(`SELECT count(*)::text AS n FROM "Coupling" WHERE "hasClearedLookups"`);
    expect(Number(flagged.rows[0].n)).toBe((await markedErpIds(TO)).length + (await markedErpIds(FROM)).length);
    expect((await markedErpIds(TO)).length).toBe(5);
    expect((await markedErpIds(FROM)).length).toBe(3);
  });

  it("finds the pairs marked by its pass, and only those", async () => {
    const since = new Date();
    expect((await clearedLookupRetryIds(db, mappingId, TO, since)).sort()).toEqual(await markedErpIds(TO));
    const fromIds = await clearedLookupRetryIds(db, mappingId, FROM, since);
    const expected = await sql.query<{ id: string }>(
      `SELECT "dataverseId"::text AS id FROM "Coupling" WHERE snapshot -> '~cleared' ->> 'customerId:parentcustomerid' = $1`,
      [FROM],
    );
    expect(fromIds.sort()).toEqual(expected.rows.map((r) => r.id).sort());
  });

  it("reads them through the partial index instead of scanning the mapping's couplings, in both passes", async () => {
    const plans: string[] = [];
    await clearedLookupRetryIds(explaining(plans), mappingId, TO, new Date());
    await clearedLookupRetryIds(explaining(plans), mappingId, FROM, new Date());
    expect(plans).toHaveLength(2);
    for (const plan of plans) {
      expect(plan).toContain('"Index Name":"Coupling_cleared_lookups_idx"');
      expect(plan).not.toContain('"Node Type":"Seq Scan"');
    }
  });

  it("rewriting the snapshot of synchronized pairs stays a HOT update; a mark coming or going moves the flag", async () => {
    await sql.query(`VACUUM "Coupling"`);
    await sql.query("BEGIN");
    try {
      await sql.query(
        `UPDATE "Coupling" SET "snapshot" = "snapshot" || jsonb_build_object('name:name', jsonb_build_object('e', 'Renamed', 'd', 'Renamed')), "lastToAt" = now()
         WHERE "id" IN (SELECT "id" FROM "Coupling" ORDER BY "id" LIMIT 1000)`,
      );
      const stats = await sql.query<{ upd: string; hot: string }>(
        `SELECT n_tup_upd::text AS upd, n_tup_hot_upd::text AS hot FROM pg_stat_xact_user_tables WHERE relname = 'Coupling'`,
      );
      expect(Number(stats.rows[0].upd)).toBe(1000);
      expect(Number(stats.rows[0].hot)).toBe(1000);
    } finally {
      await sql.query("ROLLBACK");
    }

    const [first] = await markedErpIds(TO);
    await sql.query(`UPDATE "Coupling" SET "snapshot" = "snapshot" - '~cleared' WHERE "erpId" = $1::uuid`, [first]);
    const after = await clearedLookupRetryIds(db, mappingId, TO, new Date());
    expect(after).not.toContain(first);
    expect(after).toHaveLength(4);
    await sql.query(`UPDATE "Coupling" SET "snapshot" = $2::jsonb WHERE "erpId" = $1::uuid`, [first, snapshotFor(TO)]);
    expect(await clearedLookupRetryIds(db, mappingId, TO, new Date())).toContain(first);
  });
});
