import { actionError } from "../actions/action-result.ts";
import { renderText, serverMessage } from "../actions/server-message.ts";
import type { Db } from "../db/db-client.ts";
import type { Currency } from "../db/generated/client.ts";
import { containsText } from "./list-query.ts";
import { isUniqueViolation } from "./prisma-errors.ts";
import type {
  CurrencyCreateInput,
  CurrencyDeleteInput,
  CurrencyUpdateInput,
} from "./currency-schema.ts";

export const CURRENCY_CHANGED_MESSAGE = renderText("en", serverMessage("errors.currencyChanged"));

/** Currencies are a short list (tens of rows), so the list page shows them all, capped defensively. */
export function listCurrencies(db: Db, query: { q?: string } = {}): Promise<Currency[]> {
  return db.currency.findMany({
    where: query.q ? { OR: [{ code: containsText(query.q) }, { description: containsText(query.q) }] } : {},
    orderBy: { code: "asc" },
    take: 1000,
  });
}

export function getCurrencyByCode(db: Db, code: string): Promise<Currency | null> {
  return db.currency.findUnique({ where: { code: code.toUpperCase() } });
}

export async function createCurrency(db: Db, input: CurrencyCreateInput): Promise<Currency> {
  try {
    return await db.currency.create({ data: input });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const message = serverMessage("errors.currencyExists", { code: input.code });
    throw actionError("conflict", message, { code: [message] });
  }
}

export async function updateCurrency(db: Db, input: CurrencyUpdateInput): Promise<Currency> {
  const { id, rowVersion, ...fields } = input;
  const current = await db.currency.findUnique({ where: { id }, select: { rowVersion: true } });
  if (!current) throw actionError("not_found", serverMessage("errors.currencyGone"));
  const { count } = await db.currency.updateMany({ where: { id, rowVersion }, data: fields });
  if (count === 0) throw actionError("conflict", serverMessage("errors.currencyChanged"));
  const updated = await db.currency.findUnique({ where: { id } });
  if (!updated) throw actionError("not_found", serverMessage("errors.currencyGone"));
  return updated;
}

export async function deleteCurrency(db: Db, input: CurrencyDeleteInput): Promise<{ id: string; code: string }> {
  const current = await db.currency.findUnique({ where: { id: input.id }, select: { code: true } });
  if (!current) throw actionError("not_found", serverMessage("errors.currencyGone"));
  const used = await db.customer.count({ where: { currencyCode: current.code } });
  if (used > 0) {
    throw actionError("conflict", serverMessage("errors.currencyInUse", { code: current.code, count: used }));
  }
  const { count } = await db.currency.deleteMany({
    where: { id: input.id, ...(input.rowVersion === undefined ? {} : { rowVersion: input.rowVersion }) },
  });
  if (count === 0) throw actionError("conflict", serverMessage("errors.currencyChanged"));
  return { id: input.id, code: current.code };
}
