import { ActionError } from "../actions/action-result.ts";
import type { Db } from "../db/db-client.ts";
import type { Salesperson } from "../db/generated/client.ts";
import { containsText } from "./list-query.ts";
import { isUniqueViolation } from "./prisma-errors.ts";
import type {
  SalespersonCreateInput,
  SalespersonDeleteInput,
  SalespersonUpdateInput,
} from "./salesperson-schema.ts";

export const SALESPERSON_CHANGED_MESSAGE =
  "This salesperson was changed by someone else since you opened it. Reload to see the changes.";
const GONE = "This salesperson no longer exists. It may have been deleted.";

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
    const message = `Salesperson ${input.code} already exists. Enter another code.`;
    throw new ActionError("conflict", message, { code: [message] });
  }
}

export async function updateSalesperson(db: Db, input: SalespersonUpdateInput): Promise<Salesperson> {
  const { id, rowVersion, ...fields } = input;
  const current = await db.salesperson.findUnique({ where: { id }, select: { rowVersion: true } });
  if (!current) throw new ActionError("not_found", GONE);
  const { count } = await db.salesperson.updateMany({ where: { id, rowVersion }, data: fields });
  if (count === 0) throw new ActionError("conflict", SALESPERSON_CHANGED_MESSAGE);
  const updated = await db.salesperson.findUnique({ where: { id } });
  if (!updated) throw new ActionError("not_found", GONE);
  return updated;
}

export async function deleteSalesperson(db: Db, input: SalespersonDeleteInput): Promise<{ id: string; code: string }> {
  const current = await db.salesperson.findUnique({ where: { id: input.id }, select: { code: true } });
  if (!current) throw new ActionError("not_found", GONE);
  const used = await db.customer.count({ where: { salespersonCode: current.code } });
  if (used > 0) {
    throw new ActionError(
      "conflict",
      `Salesperson ${current.code} cannot be deleted because ${used} customer${used === 1 ? " uses" : "s use"} it. Assign another salesperson to ${used === 1 ? "that customer" : "those customers"} first.`,
    );
  }
  const { count } = await db.salesperson.deleteMany({
    where: { id: input.id, ...(input.rowVersion === undefined ? {} : { rowVersion: input.rowVersion }) },
  });
  if (count === 0) throw new ActionError("conflict", SALESPERSON_CHANGED_MESSAGE);
  return { id: input.id, code: current.code };
}
