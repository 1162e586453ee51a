import { ActionError } from "../actions/action-result.ts";
import type { Db } from "../db/db-client.ts";
import type { Currency } from "../db/generated/client.ts";
import { containsText } from "./list-query.ts";
import { isUniqueViolation } from "./prisma-errors.ts";
import type {
  CurrencyCreateInput,
  CurrencyDeleteInput,
  CurrencyUpdateInput,
} from "./currency-schema.ts";

export const CURRENCY_CHANGED_MESSAGE =
  "This currency was changed by someone else since you opened it. Reload to see the changes.";
const GONE = "This currency no longer exists. It may have been deleted.";

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
    const message = `Currency ${input.code} already exists. Enter another code.`;
    throw new ActionError("conflict", message, { code: [message] });
  }
}

export async function updateCurrency(db: Db, input: CurrencyUpdateInput): Promise<Currency> {
  const { id, rowVersion, ...fields } = input;
  const current = await db.currency.findUnique({ where: { id }, select: { rowVersion: true } });
  if (!current) throw new ActionError("not_found", GONE);
  const { count } = await db.currency.updateMany({ where: { id, rowVersion }, data: fields });
  if (count === 0) throw new ActionError("conflict", CURRENCY_CHANGED_MESSAGE);
  const updated = await db.currency.findUnique({ where: { id } });
  if (!updated) throw new ActionError("not_found", GONE);
  return updated;
}

export async function deleteCurrency(db: Db, input: CurrencyDeleteInput): Promise<{ id: string; code: string }> {
  const current = await db.currency.findUnique({ where: { id: input.id }, select: { code: true } });
  if (!current) throw new ActionError("not_found", GONE);
  const used = await db.customer.count({ where: { currencyCode: current.code } });
  if (used > 0) {
    throw new ActionError(
      "conflict",
      `Currency ${current.code} cannot be deleted because ${used} customer${used === 1 ? " uses" : "s use"} it. Change the currency of ${used === 1 ? "that customer" : "those customers"} first.`,
    );
  }
  const { count } = await db.currency.deleteMany({
    where: { id: input.id, ...(input.rowVersion === undefined ? {} : { rowVersion: input.rowVersion }) },
  });
  if (count === 0) throw new ActionError("conflict", CURRENCY_CHANGED_MESSAGE);
  return { id: input.id, code: current.code };
}
