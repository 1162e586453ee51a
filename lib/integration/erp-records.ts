import type { Db, Tx } from "../db/db-client.ts";
import type { ErpTable } from "../db/generated/enums.ts";
import { joinContactName } from "../erp/contact-schema.ts";
import { CONTACT_SERIES, CUSTOMER_SERIES, formatSeriesNumber, nextSeriesNumber, seriesNumberAfter, type NumberSeries } from "../erp/number-series.ts";
import { ERP_KEY_FIELDS } from "./field-catalog.ts";
import type { PrismaWhere } from "./table-filter.ts";

// ERP record access for the engine, one shape for the four tables: load many by id (within a table filter), find by
// human key, and write (insert with a number from the series, update) inside the caller's transaction.

export type ErpRow = Record<string, unknown> & { id: string; rowVersion: number };

type Delegate = {
  findMany(args: unknown): Promise<ErpRow[]>;
  create(args: unknown): Promise<ErpRow>;
  update(args: unknown): Promise<ErpRow>;
  findUnique(args: unknown): Promise<ErpRow | null>;
};

function delegate(db: Db | Tx, table: ErpTable): Delegate {
  switch (table) {
    case "CUSTOMER":
      return db.customer as unknown as Delegate;
    case "CONTACT":
      return db.contact as unknown as Delegate;
    case "SALESPERSON":
      return db.salesperson as unknown as Delegate;
    case "CURRENCY":
      return db.currency as unknown as Delegate;
  }
}

const ID_CHUNK = 1_000;

/** Records by id that match `where` (the table filter); ids outside it are simply absent from the map. */
export async function loadErpRecords(db: Db | Tx, table: ErpTable, ids: readonly string[], where: PrismaWhere = {}): Promise<Map<string, ErpRow>> {
  const out = new Map<string, ErpRow>();
  const unique = [...new Set(ids)];
  for (let i = 0; i < unique.length; i += ID_CHUNK) {
    const rows = await delegate(db, table).findMany({ where: { AND: [{ id: { in: unique.slice(i, i + ID_CHUNK) } }, where] } });
    for (const row of rows) out.set(row.id, row);
  }
  return out;
}

export async function loadErpRecordsByField(db: Db | Tx, table: ErpTable, field: string, values: readonly string[]): Promise<ErpRow[]> {
  const unique = [...new Set(values)];
  if (unique.length === 0) return [];
  const out: ErpRow[] = [];
  for (let i = 0; i < unique.length; i += ID_CHUNK) {
    out.push(...(await delegate(db, table).findMany({ where: { [field]: { in: unique.slice(i, i + ID_CHUNK) } } })));
  }
  return out;
}

export function erpKeyOf(table: ErpTable, row: Record<string, unknown> | null | undefined): string {
  return row ? String(row[ERP_KEY_FIELDS[table]] ?? row.id ?? "") : "";
}

// Salespeople created from Dataverse users get "SP00010", "SP00020", … (BC's "SP NO." series).
const SALESPERSON_SERIES = { prefix: "SP", digits: 5, increment: 10 } as const;

async function nextSalespersonCode(tx: Tx): Promise<string> {
  const high = SALESPERSON_SERIES.prefix + "9".repeat(SALESPERSON_SERIES.digits);
  const rows = await tx.$queryRaw<{ code: string }[]>`
    SELECT "code" FROM "Salesperson" WHERE "code" >= 'SP00000' AND "code" <= ${high} AND "code" ~ '^SP[0-9]{5}$'
    ORDER BY "code" DESC LIMIT 1`;
  const series: NumberSeries = { table: "Customer", ...SALESPERSON_SERIES };
  return rows[0] ? seriesNumberAfter(series, rows[0].code) : formatSeriesNumber(series, SALESPERSON_SERIES.increment);
}

async function assignKey(tx: Tx, table: ErpTable, data: Record<string, unknown>): Promise<void> {
  if (table === "CUSTOMER" && !data.no) data.no = await nextSeriesNumber(tx, CUSTOMER_SERIES);
  if (table === "CONTACT" && !data.no) data.no = await nextSeriesNumber(tx, CONTACT_SERIES);
  if (table === "SALESPERSON" && !data.code) data.code = await nextSalespersonCode(tx);
}

export class ErpWriteError extends Error {
  override name = "ErpWriteError";
}

/** Inserts a record created from Dataverse (number series, contact name) and returns it as stored. */
export async function insertErpRecord(tx: Tx, table: ErpTable, values: Record<string, unknown>, id?: string): Promise<ErpRow> {
  const data: Record<string, unknown> = { ...values };
  if (id) data.id = id;
  await assignKey(tx, table, data);
  if (table === "CONTACT") {
    data.name = joinContactName(data as { firstName?: string; middleName?: string; surname?: string });
    if (!data.name) throw new ErpWriteError("The contact has neither a first name nor a surname, so it cannot be created in the ERP.");
  }
  if ((table === "CUSTOMER" || table === "SALESPERSON") && !String(data.name ?? "").trim()) {
    throw new ErpWriteError(`The ${table === "CUSTOMER" ? "customer" : "salesperson"} has no name, so it cannot be created in the ERP.`);
  }
  if (table === "CURRENCY" && !String(data.code ?? "").trim()) throw new ErpWriteError("The currency has no code, so it cannot be created in the ERP.");
  return delegate(tx, table).create({ data });
}

/** Updates the given fields; null when the record no longer exists. Contact names follow their parts. */
export async function updateErpRecord(tx: Tx, table: ErpTable, id: string, values: Record<string, unknown>): Promise<ErpRow | null> {
  const current = await delegate(tx, table).findUnique({ where: { id } });
  if (!current) return null;
  const data: Record<string, unknown> = { ...values };
  if (table === "CONTACT" && ("firstName" in data || "middleName" in data || "surname" in data)) {
    const merged = { ...current, ...data } as { firstName?: string; middleName?: string; surname?: string };
    data.name = joinContactName(merged);
    if (!data.name) throw new ErpWriteError("The contact would have neither a first name nor a surname. Enter one in Dataverse.");
  }
  return delegate(tx, table).update({ where: { id }, data });
}
