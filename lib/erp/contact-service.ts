import { actionError, type ActionError } from "../actions/action-result.ts";
import { renderText, serverMessage } from "../actions/server-message.ts";
import type { Db } from "../db/db-client.ts";
import type { Prisma } from "../db/generated/client.ts";
import {
  contactListRowSchema,
  joinContactName,
  NAME_REQUIRED_MESSAGE,
  type ContactCreateInput,
  type ContactDeleteInput,
  type ContactListQuery,
  type ContactListRow,
  type ContactUpdateInput,
  type ContactWithCustomer,
} from "./contact-schema.ts";
import { containsText, offsetOf, type ListPage } from "./list-query.ts";
import { CONTACT_SERIES, nextSeriesNumber } from "./number-series.ts";
import { isUniqueViolation } from "./prisma-errors.ts";

export const CONTACT_CHANGED_MESSAGE = renderText("en", serverMessage("errors.contactChanged"));

const withCustomer = { customer: { select: { no: true, name: true } } } as const;

export function contactListWhere(query: ContactListQuery): Prisma.ContactWhereInput {
  const and: Prisma.ContactWhereInput[] = [];
  if (query.q) {
    const q = containsText(query.q);
    and.push({ OR: [{ no: q }, { name: q }, { city: q }, { email: q }] });
  }
  const textFilters = ["no", "name", "jobTitle", "city", "countryRegionCode", "email", "phoneNo"] as const;
  for (const field of textFilters) {
    const value = query[field];
    if (value) and.push({ [field]: containsText(value) });
  }
  if (query.customerNo) and.push({ customer: { no: containsText(query.customerNo) } });
  return and.length ? { AND: and } : {};
}

export async function listContacts(db: Db, query: ContactListQuery): Promise<ListPage<ContactListRow>> {
  const where = contactListWhere(query);
  const primary: Prisma.ContactOrderByWithRelationInput =
    query.sort === "customerNo" ? { customer: { no: query.dir } } : { [query.sort]: query.dir };
  const orderBy: Prisma.ContactOrderByWithRelationInput[] = [primary];
  if (query.sort !== "no") orderBy.push({ no: query.dir });
  const [rows, total] = await Promise.all([
    db.contact.findMany({
      where,
      orderBy,
      select: {
        id: true,
        no: true,
        name: true,
        jobTitle: true,
        city: true,
        countryRegionCode: true,
        email: true,
        phoneNo: true,
        ...withCustomer,
      },
      skip: offsetOf(query.page, query.pageSize),
      take: query.pageSize,
    }),
    db.contact.count({ where }),
  ]);
  return {
    rows: rows.map(({ customer, ...r }) =>
      contactListRowSchema.parse({ ...r, customerNo: customer?.no ?? "", customerName: customer?.name ?? "" }),
    ),
    total,
    page: query.page,
    pageSize: query.pageSize,
  };
}

export function getContactById(db: Db, id: string): Promise<ContactWithCustomer | null> {
  return db.contact.findUnique({ where: { id }, include: withCustomer });
}

export function getContactByNo(db: Db, no: string): Promise<ContactWithCustomer | null> {
  return db.contact.findUnique({ where: { no: no.toUpperCase() }, include: withCustomer });
}

export function listContactsOfCustomer(db: Db, customerId: string, take = 100) {
  return db.contact.findMany({
    where: { customerId },
    orderBy: { no: "asc" },
    select: { id: true, no: true, name: true, jobTitle: true, email: true, phoneNo: true },
    take,
  });
}

/** Resolves the Customer No. typed on the card; undefined = not given, null = blank (no customer). */
async function resolveCustomerId(db: Db, customerNo: string | undefined): Promise<string | null | undefined> {
  if (customerNo === undefined) return undefined;
  if (customerNo === "") return null;
  const customer = await db.customer.findUnique({ where: { no: customerNo }, select: { id: true } });
  if (customer) return customer.id;
  throw actionError("invalid", serverMessage("errors.invalidFields"), { customerNo: [serverMessage("errors.contactCustomerMissing", { no: customerNo })] });
}

function duplicateNo(no: string): ActionError {
  const message = serverMessage("errors.contactExists", { no });
  return actionError("conflict", message, { no: [message] });
}

export async function createContact(db: Db, input: ContactCreateInput): Promise<ContactWithCustomer> {
  const { no, customerNo, ...fields } = input;
  const customerId = await resolveCustomerId(db, customerNo);
  const data = { ...fields, name: joinContactName(fields), customerId: customerId ?? null };
  if (!data.name) throw actionError("invalid", serverMessage("fields.nameRequired"), { surname: [serverMessage("fields.nameRequired")] });
  if (no) {
    try {
      return await db.contact.create({ data: { no, ...data }, include: withCustomer });
    } catch (error) {
      if (isUniqueViolation(error)) throw duplicateNo(no);
      throw error;
    }
  }
  for (let attempt = 0; ; attempt++) {
    const next = await nextSeriesNumber(db, CONTACT_SERIES);
    try {
      return await db.contact.create({ data: { no: next, ...data }, include: withCustomer });
    } catch (error) {
      if (!isUniqueViolation(error) || attempt >= 4) throw error;
    }
  }
}

export async function updateContact(db: Db, input: ContactUpdateInput): Promise<ContactWithCustomer> {
  const { id, rowVersion, customerNo, ...fields } = input;
  const current = await db.contact.findUnique({ where: { id } });
  if (!current) throw actionError("not_found", serverMessage("errors.contactGone"));
  if (current.rowVersion !== rowVersion) throw actionError("conflict", serverMessage("errors.contactChanged"));
  const customerId = await resolveCustomerId(db, customerNo);
  const name = joinContactName({
    firstName: fields.firstName ?? current.firstName,
    middleName: fields.middleName ?? current.middleName,
    surname: fields.surname ?? current.surname,
  });
  if (!name) throw actionError("invalid", serverMessage("fields.nameRequired"), { surname: [serverMessage("fields.nameRequired")] });
  let count: number;
  try {
    count = await db.$transaction(async (tx) => {
      const result = await tx.contact.updateMany({
        where: { id, rowVersion },
        data: { ...fields, name, ...(customerId === undefined ? {} : { customerId }) },
      });
      // A renumbered contact stays the primary contact of the customers that point at it.
      if (result.count && fields.no && fields.no !== current.no) {
        await tx.customer.updateMany({ where: { primaryContactNo: current.no }, data: { primaryContactNo: fields.no } });
      }
      return result.count;
    });
  } catch (error) {
    if (isUniqueViolation(error) && fields.no) throw duplicateNo(fields.no);
    throw error;
  }
  if (count === 0) throw actionError("conflict", serverMessage("errors.contactChanged"));
  const updated = await getContactById(db, id);
  if (!updated) throw actionError("not_found", serverMessage("errors.contactGone"));
  return updated;
}

export async function deleteContact(db: Db, input: ContactDeleteInput): Promise<{ id: string; no: string }> {
  const current = await db.contact.findUnique({ where: { id: input.id }, select: { no: true } });
  if (!current) throw actionError("not_found", serverMessage("errors.contactGone"));
  const count = await db.$transaction(async (tx) => {
    const result = await tx.contact.deleteMany({
      where: { id: input.id, ...(input.rowVersion === undefined ? {} : { rowVersion: input.rowVersion }) },
    });
    // A customer must not keep pointing at a primary contact that no longer exists.
    if (result.count) {
      await tx.customer.updateMany({ where: { primaryContactNo: current.no }, data: { primaryContactNo: "" } });
    }
    return result.count;
  });
  if (count === 0) throw actionError("conflict", serverMessage("errors.contactChanged"));
  return { id: input.id, no: current.no };
}
