import { actionError } from "../actions/action-result.ts";
import { serverMessage } from "../actions/server-message.ts";
import type { Db, Tx } from "../db/db-client.ts";

// Business Central's default number series: a prefix, a fixed number of digits, increment by 10
// (C00010, C00020, …; CT000010, CT000020, …). The next number follows the highest number already in the series.

export type NumberSeries = { table: "Customer" | "Contact"; prefix: string; digits: number; increment: number };

export const CUSTOMER_SERIES: NumberSeries = { table: "Customer", prefix: "C", digits: 5, increment: 10 };
export const CONTACT_SERIES: NumberSeries = { table: "Contact", prefix: "CT", digits: 6, increment: 10 };

export function formatSeriesNumber(series: NumberSeries, value: number): string {
  return series.prefix + String(value).padStart(series.digits, "0");
}

export function seriesNumberAfter(series: NumberSeries, lastNo: string | null): string {
  const last = lastNo ? Number(lastNo.slice(series.prefix.length)) : 0;
  const next = last + series.increment;
  if (String(next).length > series.digits) {
    const message = serverMessage("errors.seriesUsedUp", { prefix: series.prefix });
    throw actionError("invalid", message, { no: [message] });
  }
  return formatSeriesNumber(series, next);
}

/** The next free number; the range condition lets PostgreSQL walk the unique index on "no" backwards. */
export async function nextSeriesNumber(db: Db | Tx, series: NumberSeries): Promise<string> {
  const low = formatSeriesNumber(series, 0);
  const high = series.prefix + "9".repeat(series.digits);
  const pattern = `^${series.prefix}[0-9]{${series.digits}}$`;
  // The table name comes from the fixed NumberSeries constants above, never from input.
  const rows = await db.$queryRawUnsafe<{ no: string }[]>(
    `SELECT "no" FROM "${series.table}" WHERE "no" >= $1 AND "no" <= $2 AND "no" ~ $3 ORDER BY "no" DESC LIMIT 1`,
    low,
    high,
    pattern,
  );
  return seriesNumberAfter(series, rows[0]?.no ?? null);
}
