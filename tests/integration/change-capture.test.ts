import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "../../lib/db/db-client.ts";
import {
  type ChangeBatch,
  currentWatermark,
  type ErpTableName,
  iterateChanges,
  readChanges,
} from "../../lib/erp/change-capture.ts";
import { applyMigrations } from "../../scripts/migrate-engine.ts";
import { createThrowawayDatabase, dropDatabase } from "../support/test-database.ts";

// Each test reads from a watermark it took itself, so the tests do not see each other's rows.

let databaseName: string;
let url: string;
let db: Db;
const clients: pg.Client[] = [];

async function connect(): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  clients.push(client);
  return client;
}

let sequence = 0;
function nextNo(prefix: string): string {
  sequence += 1;
  return `${prefix}${String(sequence).padStart(6, "0")}`;
}

async function insertCustomer(client: pg.Client, no: string): Promise<string> {
  const { rows } = await client.query<{ id: string }>(
    `INSERT INTO "Customer" ("id", "no", "name", "updatedAt") VALUES (gen_random_uuid(), $1, $2, now()) RETURNING "id"`,
    [no, `Customer ${no}`],
  );
  return rows[0].id;
}

/**
 * Waits until every transaction that started before now has ended. The snapshot xmin is cluster-wide, so a transaction
 * some other program keeps open (another test file's worker shutting down, a developer's psql session) holds change
 * capture back — by design, it delays rows rather than missing them. Tests that expect their own committed rows wait for
 * that horizon first, and name the blocking session if it never ends.
 */
async function settled(timeoutMs = 20_000): Promise<void> {
  const [{ horizon }] = await db.$queryRawUnsafe<{ horizon: bigint }[]>(
    `select pg_snapshot_xmax(pg_current_snapshot())::text::bigint as horizon`,
  );
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const [{ xmin }] = await db.$queryRawUnsafe<{ xmin: bigint }[]>(`select pg_snapshot_xmin(pg_current_snapshot())::text::bigint as xmin`);
    if (xmin >= horizon) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  const blockers = await db.$queryRawUnsafe<unknown[]>(
    `select datname, application_name, state, xact_start, left(query, 120) as query from pg_stat_activity where backend_xid is not null or backend_xmin is not null`,
  );
  throw new Error(`Older transactions did not end within ${timeoutMs} ms: ${JSON.stringify(blockers)}`);
}

async function readSettled(...args: Parameters<typeof readChanges>): Promise<ChangeBatch> {
  await settled();
  return readChanges(...args);
}

async function readAll(table: ErpTableName, since: bigint, pageSize = 1000): Promise<ChangeBatch[]> {
  await settled();
  const pages: ChangeBatch[] = [];
  for await (const page of iterateChanges(db, table, since, { pageSize })) pages.push(page);
  return pages;
}

beforeAll(async () => {
  const created = await createThrowawayDatabase("cc_test_change_capture");
  databaseName = created.name;
  url = created.url;
  await applyMigrations(url);
  db = createDb(url, { max: 4 });
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
  await db?.$disconnect();
  if (databaseName) await dropDatabase(databaseName);
});

describe("change capture", () => {
  it("never misses a row whose transaction commits after a later-started one", async () => {
    const since = await currentWatermark(db);
    const a = await connect();
    const b = await connect();

    await a.query("BEGIN");
    const aId = await insertCustomer(a, nextNo("A"));
    await b.query("BEGIN");
    const bId = await insertCustomer(b, nextNo("B"));
    await b.query("COMMIT");

    // B started after A and committed first: a "highest changeXid seen" watermark would now pass A's row by.
    const stamps = await db.customer.findMany({ where: { id: bId }, select: { changeXid: true } });
    const { rows: aXid } = await a.query<{ xid: string }>(`SELECT pg_current_xact_id()::text AS xid`);
    expect(stamps[0].changeXid).toBeGreaterThan(BigInt(aXid[0].xid));

    const first = await readChanges(db, "CUSTOMER", since);
    const firstIds = first.changed.map((c) => c.id);
    expect(firstIds).not.toContain(aId);
    expect(first.hasMore).toBe(false);
    // The watermark stops at A, which is still running.
    expect(first.watermark).toBeLessThanOrEqual(BigInt(aXid[0].xid));

    await a.query("COMMIT");

    // Settled: a transaction of another program that began before A would otherwise hold A's row back (delayed, not
    // missed — but this read expects it now).
    const second = await readSettled(db, "CUSTOMER", first.watermark);
    const secondIds = second.changed.map((c) => c.id);
    expect(secondIds).toContain(aId);
    expect(second.watermark).toBeGreaterThan(BigInt(aXid[0].xid));

    const seen = new Set([...firstIds, ...secondIds]);
    expect(seen.has(aId) && seen.has(bId)).toBe(true);

    // Nothing further: both rows are behind the watermark now.
    const third = await readChanges(db, "CUSTOMER", second.watermark);
    expect(third.changed.map((c) => c.id)).not.toContain(aId);
    expect(third.changed.map((c) => c.id)).not.toContain(bId);
  });

  it("never returns rows of a transaction that rolled back", async () => {
    const since = await currentWatermark(db);
    const c = await connect();
    await c.query("BEGIN");
    const id = await insertCustomer(c, nextNo("R"));
    await c.query("ROLLBACK");
    const batch = await readSettled(db, "CUSTOMER", since);
    expect(batch.changed.map((x) => x.id)).not.toContain(id);
  });

  it("bumps rowVersion on every update and returns the updated record again", async () => {
    const since = await currentWatermark(db);
    const customer = await db.customer.create({ data: { no: nextNo("U"), name: "Before" } });
    expect(customer.rowVersion).toBe(1);
    expect(customer.changeXid).toBeGreaterThan(0n);
    const afterCreate = await readSettled(db, "CUSTOMER", since);
    expect(afterCreate.changed.find((c) => c.id === customer.id)).toMatchObject({ rowVersion: 1, recordNo: customer.no });

    const updated = await db.customer.update({ where: { id: customer.id }, data: { name: "After" } });
    expect(updated.rowVersion).toBe(2);
    expect(updated.changeXid).toBeGreaterThan(customer.changeXid);
    const same = await db.customer.update({ where: { id: customer.id }, data: { name: "After" } });
    expect(same.rowVersion).toBe(3);

    const afterUpdate = await readSettled(db, "CUSTOMER", afterCreate.watermark);
    expect(afterUpdate.changed.filter((c) => c.id === customer.id)).toEqual([
      { id: customer.id, recordNo: customer.no, rowVersion: 3, changeXid: same.changeXid },
    ]);
  });

  it("delivers deletions as tombstones, and drops them when the record exists again", async () => {
    const since = await currentWatermark(db);
    const gone = await db.customer.create({ data: { no: nextNo("D"), name: "Gone" } });
    const restored = await db.customer.create({ data: { no: nextNo("D"), name: "Restored" } });
    await db.customer.delete({ where: { id: gone.id } });
    await db.customer.delete({ where: { id: restored.id } });
    await db.customer.create({ data: { id: restored.id, no: restored.no, name: "Restored" } });

    const batch = await readSettled(db, "CUSTOMER", since);
    expect(batch.deleted).toEqual([
      { recordId: gone.id, recordNo: gone.no, changeXid: expect.any(BigInt), deletedAt: expect.any(Date) },
    ]);
    expect(batch.changed.map((c) => c.id)).toEqual([restored.id]);
    expect(batch.changed.map((c) => c.id)).not.toContain(gone.id);
  });

  it("captures contacts, salespeople and currencies with their own keys", async () => {
    const since = await currentWatermark(db);
    const contact = await db.contact.create({ data: { no: nextNo("K"), name: "Ann Smith" } });
    const salesperson = await db.salesperson.create({ data: { code: nextNo("S"), name: "Sam" } });
    const currency = await db.currency.create({ data: { code: `X${sequence}`.slice(0, 10), description: "Test" } });
    await db.currency.delete({ where: { id: currency.id } });

    expect((await readSettled(db, "CONTACT", since)).changed).toEqual([
      { id: contact.id, recordNo: contact.no, rowVersion: 1, changeXid: contact.changeXid },
    ]);
    expect((await readSettled(db, "SALESPERSON", since)).changed.map((c) => c.recordNo)).toEqual([salesperson.code]);
    const currencies = await readSettled(db, "CURRENCY", since);
    expect(currencies.changed).toEqual([]);
    expect(currencies.deleted.map((d) => d.recordNo)).toEqual([currency.code]);
  });

  it("pages over many rows, returning each record and tombstone exactly once", async () => {
    const since = await currentWatermark(db);
    const bulk = await connect();
    // One transaction writing thousands of rows gives them all the same changeXid: paging must split inside it.
    await bulk.query("BEGIN");
    await bulk.query(
      `INSERT INTO "Customer" ("id", "no", "name", "updatedAt")
       SELECT gen_random_uuid(), 'P' || lpad(i::text, 7, '0'), 'Paged ' || i, now() FROM generate_series(1, 5000) i`,
    );
    await bulk.query(`DELETE FROM "Customer" WHERE "no" LIKE 'P%' AND right("no", 2) = '00'`); // 50 tombstones
    await bulk.query("COMMIT");
    for (let i = 0; i < 20; i += 1) await db.customer.create({ data: { no: nextNo("Q"), name: `Single ${i}` } });
    await db.customer.deleteMany({ where: { no: { startsWith: "Q" }, name: { in: ["Single 3", "Single 7"] } } });

    const pages = await readAll("CUSTOMER", since, 333);
    expect(pages.length).toBeGreaterThan(10);
    const changed = pages.flatMap((p) => p.changed.map((c) => c.id));
    const deleted = pages.flatMap((p) => p.deleted.map((d) => d.recordId));
    expect(changed).toHaveLength(5000 - 50 + 20 - 2);
    expect(new Set(changed).size).toBe(changed.length);
    expect(deleted).toHaveLength(52);
    expect(new Set(deleted).size).toBe(52);
    const existing = await db.customer.findMany({ where: { changeXid: { gte: since } }, select: { id: true } });
    expect(new Set(changed)).toEqual(new Set(existing.map((c) => c.id)));

    // Only the last page moves the watermark; until then a crashed run repeats the range from `since`.
    for (const page of pages.slice(0, -1)) {
      expect(page.hasMore).toBe(true);
      expect(page.watermark).toBe(since);
    }
    const last = pages[pages.length - 1];
    expect(last.hasMore).toBe(false);
    expect(last.cursor).toBeNull();
    expect(last.watermark).toBe(pages[0].cursor?.until);
    expect(last.watermark).toBeGreaterThan(since);
  });

  it("keeps a paged read finite and complete while other transactions keep writing", async () => {
    const since = await currentWatermark(db);
    const before = [];
    for (let i = 0; i < 30; i += 1) before.push(await db.customer.create({ data: { no: nextNo("W"), name: `W${i}` } }));

    const seen: string[] = [];
    const written: string[] = [];
    let cursor: ChangeBatch["cursor"] = null;
    let watermark = since;
    for (let guard = 0; guard < 100; guard += 1) {
      const page = await readSettled(db, "CUSTOMER", since, { limit: 7, cursor: cursor ?? undefined });
      seen.push(...page.changed.map((c) => c.id));
      // Writes between pages land above the fixed bound and are left for the next run.
      written.push((await db.customer.create({ data: { no: nextNo("W"), name: "late" } })).id);
      if (!page.hasMore) {
        watermark = page.watermark;
        break;
      }
      cursor = page.cursor;
    }
    expect(new Set(seen)).toEqual(new Set(before.map((c) => c.id)));
    expect(seen).toHaveLength(before.length);

    const next = await readAll("CUSTOMER", watermark);
    const nextIds = new Set(next.flatMap((p) => p.changed.map((c) => c.id)));
    for (const id of written) expect(nextIds.has(id)).toBe(true);
  });
});
