import { actionError, type ActionError } from "../actions/action-result.ts";
import { renderText, serverMessage, type LocalText } from "../actions/server-message.ts";
import type { Db } from "../db/db-client.ts";
import type { Customer, Prisma } from "../db/generated/client.ts";
import {
  customerListRowSchema,
  type CustomerCreateInput,
  type CustomerDeleteInput,
  type CustomerListQuery,
  type CustomerListRow,
  type CustomerPatchInput,
  type CustomerUpdateInput,
} from "./customer-schema.ts";
import { containsText, offsetOf, type ListPage } from "./list-query.ts";
import { CUSTOMER_SERIES, nextSeriesNumber } from "./number-series.ts";
import { isForeignKeyViolation, isUniqueViolation } from "./prisma-errors.ts";

// Customer queries and mutations. Callers (server actions, the sync engine) have already checked permissions and
// parsed input with customer-schema.ts; these functions enforce the rules that need the database.

export const CUSTOMER_CHANGED_MESSAGE = renderText("en", serverMessage("errors.customerChanged"));

const listSelect = {
  id: true,
  no: true,
  name: true,
  city: true,
  postCode: true,
  countryRegionCode: true,
  phoneNo: true,
  email: true,
  salespersonCode: true,
  currencyCode: true,
  creditLimit: true,
  blocked: true,
} satisfies Prisma.CustomerSelect;

export function customerListWhere(query: CustomerListQuery): Prisma.CustomerWhereInput {
  const and: Prisma.CustomerWhereInput[] = [];
  if (query.q) {
    const q = containsText(query.q);
    and.push({ OR: [{ no: q }, { name: q }, { city: q }, { email: q }] });
  }
  const textFilters = [
    "no",
    "name",
    "city",
    "postCode",
    "countryRegionCode",
    "phoneNo",
    "email",
    "salespersonCode",
    "currencyCode",
  ] as const;
  for (const field of textFilters) {
    const value = query[field];
    if (value) and.push({ [field]: containsText(value) });
  }
  if (query.blocked) and.push({ blocked: query.blocked });
  return and.length ? { AND: and } : {};
}

export async function listCustomers(db: Db, query: CustomerListQuery): Promise<ListPage<CustomerListRow>> {
  const where = customerListWhere(query);
  // "no" is unique, so adding it as the last key makes paging stable when the sort column has duplicates.
  const orderBy: Prisma.CustomerOrderByWithRelationInput[] = [{ [query.sort]: query.dir }];
  if (query.sort !== "no") orderBy.push({ no: query.dir });
  const [rows, total] = await Promise.all([
    db.customer.findMany({
      where,
      orderBy,
      select: listSelect,
      skip: offsetOf(query.page, query.pageSize),
      take: query.pageSize,
    }),
    db.customer.count({ where }),
  ]);
  return {
    rows: rows.map((r) => customerListRowSchema.parse({ ...r, creditLimit: r.creditLimit.toNumber() })),
    total,
    page: query.page,
    pageSize: query.pageSize,
  };
}

export function getCustomerById(db: Db, id: string): Promise<Customer | null> {
  return db.customer.findUnique({ where: { id } });
}

export function getCustomerByNo(db: Db, no: string): Promise<Customer | null> {
  return db.customer.findUnique({ where: { no: no.toUpperCase() } });
}

/** For lookups on cards (e.g. the contact's customer): no. and name, best matches first. */
export async function searchCustomerOptions(db: Db, search: string, take = 20) {
  const q = search.trim();
  return db.customer.findMany({
    where: q ? { OR: [{ no: { startsWith: q.toUpperCase() } }, { name: containsText(q) }] } : {},
    orderBy: { no: "asc" },
    select: { no: true, name: true },
    take,
  });
}

async function checkReferences(
  db: Db,
  fields: Pick<CustomerPatchInput, "currencyCode" | "salespersonCode" | "primaryContactNo">,
  customerId: string | null,
): Promise<void> {
  const errors: Record<string, LocalText[]> = {};
  const [currency, salesperson, contact] = await Promise.all([
    fields.currencyCode ? db.currency.findUnique({ where: { code: fields.currencyCode }, select: { id: true } }) : null,
    fields.salespersonCode
      ? db.salesperson.findUnique({ where: { code: fields.salespersonCode }, select: { id: true } })
      : null,
    fields.primaryContactNo
      ? db.contact.findUnique({
          where: { no: fields.primaryContactNo },
          select: { customerId: true, customer: { select: { no: true } } },
        })
      : null,
  ]);
  if (fields.currencyCode && !currency) {
    errors.currencyCode = [serverMessage("errors.currencyMissing", { code: fields.currencyCode })];
  }
  if (fields.salespersonCode && !salesperson) {
    errors.salespersonCode = [serverMessage("errors.salespersonMissing", { code: fields.salespersonCode })];
  }
  if (fields.primaryContactNo && !contact) {
    errors.primaryContactNo = [serverMessage("errors.primaryContactMissing", { no: fields.primaryContactNo })];
  } else if (contact?.customerId && contact.customerId !== customerId) {
    errors.primaryContactNo = [
      serverMessage("errors.primaryContactElsewhere", { no: fields.primaryContactNo ?? "", customerNo: contact.customer?.no ?? "" }),
    ];
  }
  if (Object.keys(errors).length) {
    throw actionError("invalid", serverMessage("errors.invalidFields"), errors);
  }
}

function duplicateNo(no: string): ActionError {
  const message = serverMessage("errors.customerExists", { no });
  return actionError("conflict", message, { no: [message] });
}

export async function createCustomer(db: Db, input: CustomerCreateInput): Promise<Customer> {
  const { no, ...fields } = input;
  await checkReferences(db, fields, null);
  if (no) {
    try {
      return await db.customer.create({ data: { no, ...fields } });
    } catch (error) {
      if (isUniqueViolation(error)) throw duplicateNo(no);
      throw error;
    }
  }
  // Two users may take the same next number at once; the unique index decides, and the loser takes the one after.
  for (let attempt = 0; ; attempt++) {
    const next = await nextSeriesNumber(db, CUSTOMER_SERIES);
    try {
      return await db.customer.create({ data: { no: next, ...fields } });
    } catch (error) {
      if (!isUniqueViolation(error) || attempt >= 4) throw error;
    }
  }
}

/** Writes only when the row still has the rowVersion the user loaded (the trigger bumps it on every write). */
export async function updateCustomer(db: Db, input: CustomerUpdateInput): Promise<Customer> {
  const { id, rowVersion, ...fields } = input;
  const current = await db.customer.findUnique({ where: { id }, select: { rowVersion: true } });
  if (!current) throw actionError("not_found", serverMessage("errors.customerGone"));
  if (current.rowVersion !== rowVersion) throw actionError("conflict", serverMessage("errors.customerChanged"));
  await checkReferences(db, fields, id);
  let count: number;
  try {
    ({ count } = await db.customer.updateMany({ where: { id, rowVersion }, data: fields }));
  } catch (error) {
    if (isUniqueViolation(error) && fields.no) throw duplicateNo(fields.no);
    throw error;
  }
  if (count === 0) throw actionError("conflict", serverMessage("errors.customerChanged"));
  const updated = await db.customer.findUnique({ where: { id } });
  if (!updated) throw actionError("not_found", serverMessage("errors.customerGone"));
  return updated;
}

export async function deleteCustomer(db: Db, input: CustomerDeleteInput): Promise<{ id: string; no: string }> {
  const current = await db.customer.findUnique({ where: { id: input.id }, select: { no: true, rowVersion: true } });
  if (!current) throw actionError("not_found", serverMessage("errors.customerGone"));
  const refusal = async () => {
    const contacts = await db.contact.count({ where: { customerId: input.id } });
    return actionError("conflict", serverMessage("errors.customerHasContacts", { no: current.no, count: contacts }));
  };
  if ((await db.contact.count({ where: { customerId: input.id } })) > 0) throw await refusal();
  let count: number;
  try {
    ({ count } = await db.customer.deleteMany({
      where: { id: input.id, ...(input.rowVersion === undefined ? {} : { rowVersion: input.rowVersion }) },
    }));
  } catch (error) {
    if (isForeignKeyViolation(error)) throw await refusal();
    throw error;
  }
  if (count === 0) throw actionError("conflict", serverMessage("errors.customerChanged"));
  return { id: input.id, no: current.no };
}
