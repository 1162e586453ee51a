import { actionError } from "../actions/action-result.ts";
import { renderText, serverMessage } from "../actions/server-message.ts";
import type { Db } from "../db/db-client.ts";
import type { Salesperson } from "../db/generated/client.ts";
import { containsText } from "./list-query.ts";
import { isUniqueViolation } from "./prisma-errors.ts";
import type {
  SalespersonCreateInput,
  SalespersonDeleteInput,
  SalespersonUpdateInput,
} from "./salesperson-schema.ts";

export const SALESPERSON_CHANGED_MESSAGE = renderText("en", serverMessage("errors.salespersonChanged"));

/** Salespeople are a short list (tens of rows), so the list page shows them all, capped defensively. */
export function listSalespeople(db: Db, query: { q?: string } = {}): Promise<Salesperson[]> {
  return db.salesperson.findMany({
    where: query.q ? { OR: [{ code: containsText(query.q) }, { name: containsText(query.q) }] } : {},
    orderBy: { code: "asc" },
    take: 1000,
  });
}

export function getSalespersonByCode(db: Db, code: string): Promise<Salesperson | null> {
  return db.salesperson.findUnique({ where: { code: code.toUpperCase() } });
}

export async function createSalesperson(db: Db, input: SalespersonCreateInput): Promise<Salesperson> {
  try {
    return await db.salesperson.create({ data: input });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const message = serverMessage("errors.salespersonExists", { code: input.code });
    throw actionError("conflict", message, { code: [message] });
  }
}

export async function updateSalesperson(db: Db, input: SalespersonUpdateInput): Promise<Salesperson> {
  const { id, rowVersion, ...fields } = input;
  const current = await db.salesperson.findUnique({ where: { id }, select: { rowVersion: true } });
  if (!current) throw actionError("not_found", serverMessage("errors.salespersonGone"));
  const { count } = await db.salesperson.updateMany({ where: { id, rowVersion }, data: fields });
  if (count === 0) throw actionError("conflict", serverMessage("errors.salespersonChanged"));
  const updated = await db.salesperson.findUnique({ where: { id } });
  if (!updated) throw actionError("not_found", serverMessage("errors.salespersonGone"));
  return updated;
}

export async function deleteSalesperson(db: Db, input: SalespersonDeleteInput): Promise<{ id: string; code: string }> {
  const current = await db.salesperson.findUnique({ where: { id: input.id }, select: { code: true } });
  if (!current) throw actionError("not_found", serverMessage("errors.salespersonGone"));
  const used = await db.customer.count({ where: { salespersonCode: current.code } });
  if (used > 0) {
    throw actionError("conflict", serverMessage("errors.salespersonInUse", { code: current.code, count: used }));
  }
  const { count } = await db.salesperson.deleteMany({
    where: { id: input.id, ...(input.rowVersion === undefined ? {} : { rowVersion: input.rowVersion }) },
  });
  if (count === 0) throw actionError("conflict", serverMessage("errors.salespersonChanged"));
  return { id: input.id, code: current.code };
}
