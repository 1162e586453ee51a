import type { Db, Tx } from "../db/db-client.ts";
import { Prisma } from "../db/generated/client.ts";

// Change capture on the ERP tables: what the sync engine reads to find ERP records changed since its watermark
// (DESIGN, engine step 1).
//
// How rows are stamped (prisma/migrations/*_change_capture): a trigger sets "changeXid" to the id of the writing
// transaction (pg_current_xact_id(), 64-bit) on every insert and update, and bumps "rowVersion" on every update; a
// delete trigger writes a tombstone into "ErpDeletion" stamped the same way.
//
// Why this never misses a row committed out of order: a read takes X = pg_snapshot_xmin(pg_current_snapshot()) —
// every transaction with an id below X has finished (committed or rolled back), and every transaction still running
// or started later has an id >= X. The read returns the rows and tombstones with since <= changeXid < X, evaluated in
// the same statement (hence the same snapshot) as X, and X becomes the next watermark. A transaction A that started
// before B but commits after it has A's id < B's id <= ... and, while A is open, X <= A's id: neither A's row nor any
// row with a higher id is consumed until A has finished, so A's row is returned by a later read. A row rewritten after
// it was read gets a new, higher changeXid and is returned again. Rows may be returned more than once (the engine
// compares versions and values, so that is harmless); none is ever skipped. A long-running transaction anywhere on
// the server holds X back: changes are delayed, never lost.
//
// Paging (tables of 100,000 rows, or one bulk transaction writing them all with the same changeXid): the first page
// fixes the upper bound X; later pages continue after a keyset cursor (changeXid, kind, id) below the same X, so the
// scan is finite however busy the table is, and each row and tombstone of the range is returned exactly once (unless
// rewritten meanwhile — then its new changeXid is >= X and the next run returns it). The watermark only advances to X
// on the page that exhausts the range; until then it stays at `since`, so a run that dies halfway repeats the range
// instead of skipping its rest. Persist `watermark` only after the changes of the batch are processed and committed.
//
// Tombstones of records that exist again (deleted, then re-created with the same id — e.g. "Restore Records") are
// left out: the record is present and comes through as changed.

export type ErpTableName = "CUSTOMER" | "CONTACT" | "SALESPERSON" | "CURRENCY";

export type ChangedRecord = {
  id: string;
  /** The human key: no. for customers and contacts, code for salespeople and currencies. */
  recordNo: string;
  rowVersion: number;
  changeXid: bigint;
};

export type DeletedRecord = {
  recordId: string;
  recordNo: string;
  changeXid: bigint;
  deletedAt: Date;
};

/** Where the next page of a paged read starts; opaque to callers, pass it back unchanged. */
export type ChangeCursor = {
  /** The upper bound (snapshot xmin) fixed by the first page. */
  until: bigint;
  changeXid: bigint;
  kind: "changed" | "deleted";
  /** Record id (changed) or tombstone id (deleted) of the last item returned. */
  key: string;
};

export type ReadChangesOptions = {
  /** Items (changed + deleted) per page; default 1000. */
  limit?: number;
  /** The `cursor` of the previous page, to continue a paged read. */
  cursor?: ChangeCursor;
};

export type ChangeBatch = {
  /** Ordered by (changeXid, id). */
  changed: ChangedRecord[];
  /** Ordered by changeXid. */
  deleted: DeletedRecord[];
  /** The next `since`: the range's upper bound once it is exhausted, otherwise the `since` passed in. */
  watermark: bigint;
  hasMore: boolean;
  /** Pass to the next call (with the same `since`) while hasMore; null on the last page. */
  cursor: ChangeCursor | null;
};

export type ChangeCaptureDb = Db | Tx;

const tables: Record<ErpTableName, { table: string; keyColumn: string }> = {
  CUSTOMER: { table: '"Customer"', keyColumn: '"no"' },
  CONTACT: { table: '"Contact"', keyColumn: '"no"' },
  SALESPERSON: { table: '"Salesperson"', keyColumn: '"code"' },
  CURRENCY: { table: '"Currency"', keyColumn: '"code"' },
};

const defaultLimit = 1000;
const maxUuid = "ffffffff-ffff-ffff-ffff-ffffffffffff";
const maxBigint = 9223372036854775807n;
const maxLimit = 10_000;

type ChangeRow = {
  kind: number;
  changeXid: bigint;
  recordId: string;
  recordNo: string;
  rowVersion: number | null;
  tombstoneId: bigint | null;
  deletedAt: Date | null;
  upper: bigint;
};

/** The current snapshot xmin: the watermark to store before a full synchronization scans a whole table. */
export async function currentWatermark(db: ChangeCaptureDb): Promise<bigint> {
  const [row] = await db.$queryRaw<{ xmin: bigint }[]>`
    SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS xmin`;
  return row.xmin;
}

/** One page of the ERP changes of `table` since the watermark `since` (see the header for the guarantees). */
export async function readChanges(
  db: ChangeCaptureDb,
  table: ErpTableName,
  since: bigint,
  options: ReadChangesOptions = {},
): Promise<ChangeBatch> {
  const { table: tableSql, keyColumn } = tables[table];
  const limit = Math.min(Math.max(Math.trunc(options.limit ?? defaultLimit), 1), maxLimit);
  const cursor = options.cursor;
  // Keyset positions as row comparisons, so PostgreSQL walks the ("changeXid", "id") order by index. Without a cursor
  // everything from `since` on: (since - 1, highest id) sorts just below any row stamped `since`. After a record,
  // the rest of its changeXid; after a tombstone, every record of its changeXid is already behind.
  const afterRecord: [bigint, string] = !cursor
    ? [since - 1n, maxUuid]
    : cursor.kind === "changed"
      ? [cursor.changeXid, cursor.key]
      : [cursor.changeXid, maxUuid];
  const afterTombstone: [bigint, bigint] = !cursor
    ? [since - 1n, maxBigint]
    : cursor.kind === "changed"
      ? [cursor.changeXid - 1n, maxBigint]
      : [cursor.changeXid, BigInt(cursor.key)];
  const t = Prisma.raw(tableSql);
  const k = Prisma.raw(keyColumn);

  // One statement, so the rows are read in the very snapshot whose xmin bounds them. Each branch walks its own
  // (changeXid, id) order and is limited on its own before the merge.
  const rows = await db.$queryRaw<ChangeRow[]>`
    WITH bound AS (
      SELECT COALESCE(${cursor?.until ?? null}::bigint, pg_snapshot_xmin(pg_current_snapshot())::text::bigint) AS upper
    ),
    changed AS (
      SELECT 0 AS kind, r."changeXid", r."id" AS "recordId", r.${k}::text AS "recordNo", r."rowVersion",
             NULL::bigint AS "tombstoneId", NULL::timestamp(3) AS "deletedAt"
      FROM ${t} r
      WHERE (r."changeXid", r."id") > (${afterRecord[0]}::bigint, ${afterRecord[1]}::uuid)
        AND r."changeXid" < (SELECT upper FROM bound)
      ORDER BY r."changeXid", r."id"
      LIMIT ${limit + 1}
    ),
    deleted AS (
      SELECT 1 AS kind, d."changeXid", d."recordId", d."recordNo"::text, NULL::int, d."id", d."deletedAt"
      FROM "ErpDeletion" d
      WHERE d."table" = ${table}::"ErpTable"
        AND (d."changeXid", d."id") > (${afterTombstone[0]}::bigint, ${afterTombstone[1]}::bigint)
        AND d."changeXid" < (SELECT upper FROM bound)
        AND NOT EXISTS (SELECT 1 FROM ${t} r WHERE r."id" = d."recordId")
      ORDER BY d."changeXid", d."id"
      LIMIT ${limit + 1}
    )
    SELECT * FROM (
      SELECT m.*, (SELECT upper FROM bound) AS upper FROM (SELECT * FROM changed UNION ALL SELECT * FROM deleted) m
      UNION ALL
      -- Always one row carrying the bound, so an empty range still reports it.
      SELECT -1, NULL, NULL, NULL, NULL, NULL, NULL, (SELECT upper FROM bound)
    ) x
    -- The same order as the keyset: uuid order for records (not text collation), tombstone id for deletions.
    ORDER BY x."changeXid" NULLS FIRST, x.kind, CASE WHEN x.kind = 0 THEN x."recordId" END, x."tombstoneId"
    LIMIT ${limit + 2}`;

  const [boundRow, ...items] = rows;
  const upper = boundRow.upper > since ? boundRow.upper : since;
  const hasMore = items.length > limit;
  const page = items.slice(0, limit);

  const changed: ChangedRecord[] = [];
  const deleted: DeletedRecord[] = [];
  for (const row of page) {
    if (row.kind === 0) {
      changed.push({
        id: row.recordId,
        recordNo: row.recordNo,
        rowVersion: Number(row.rowVersion),
        changeXid: row.changeXid,
      });
    } else {
      deleted.push({
        recordId: row.recordId,
        recordNo: row.recordNo,
        changeXid: row.changeXid,
        deletedAt: row.deletedAt as Date,
      });
    }
  }

  const last = page[page.length - 1];
  return {
    changed,
    deleted,
    watermark: hasMore ? since : upper,
    hasMore,
    cursor:
      hasMore && last
        ? {
            until: upper,
            changeXid: last.changeXid,
            kind: last.kind === 0 ? "changed" : "deleted",
            key: last.kind === 0 ? last.recordId : String(last.tombstoneId),
          }
        : null,
  };
}

/** Every page of the changes since `since`; the last page carries the new watermark. */
export async function* iterateChanges(
  db: ChangeCaptureDb,
  table: ErpTableName,
  since: bigint,
  options: { pageSize?: number } = {},
): AsyncGenerator<ChangeBatch> {
  let cursor: ChangeCursor | undefined;
  for (;;) {
    const batch = await readChanges(db, table, since, { limit: options.pageSize, cursor });
    yield batch;
    if (!batch.hasMore || !batch.cursor) return;
    cursor = batch.cursor;
  }
}

/** A transaction on the PostgreSQL server that holds the change-capture watermark back (see the header). */
export type WatermarkHolder = {
  pid: number;
  database: string | null;
  applicationName: string | null;
  /** pg_stat_activity.state, e.g. "idle in transaction". */
  state: string | null;
  openForSeconds: number;
};

/**
 * The transactions open for more than `olderThanSeconds`, oldest first, that hold the snapshot xmin — hence every
 * mapping's next watermark — back. Only a transaction that has been given an id (backend_xid: it wrote, or asked for
 * its id) does; one that only reads (backend_xmin) does not. Server-wide, like the snapshot; sessions of other
 * database roles are visible only to a role with pg_read_all_stats (or a superuser).
 */
export async function findWatermarkHolders(db: ChangeCaptureDb, olderThanSeconds: number, limit = 5): Promise<WatermarkHolder[]> {
  const rows = await db.$queryRaw<WatermarkHolder[]>`
    SELECT pid, datname AS "database", NULLIF(application_name, '') AS "applicationName", state,
           extract(epoch FROM clock_timestamp() - xact_start)::float8 AS "openForSeconds"
    FROM pg_stat_activity
    WHERE backend_xid IS NOT NULL
      AND pid <> pg_backend_pid()
      AND xact_start < clock_timestamp() - make_interval(secs => ${olderThanSeconds}::float8)
    ORDER BY xact_start
    LIMIT ${limit}`;
  return rows.map((row) => ({ ...row, openForSeconds: Math.floor(row.openForSeconds) }));
}
