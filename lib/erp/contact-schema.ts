import { z } from "zod";
import { fieldText } from "../actions/server-message.ts";
import type { Contact } from "../db/generated/client.ts";
import { code, email, phone, recordId, requiredCode, rowVersion, text, unknownFieldsMessage } from "./erp-fields.ts";
import { filterText, pagingShape, sortParam } from "./list-query.ts";

// Person contacts (Business Central's contact card, person type), optionally belonging to a customer.
// Maximum lengths match prisma/schema.prisma; `name` is derived from the name parts and never entered.

const contactFieldShape = {
  firstName: text("First Name", 30).optional(),
  middleName: text("Middle Name", 30).optional(),
  surname: text("Surname", 30).optional(),
  jobTitle: text("Job Title", 100).optional(),
  /** The customer the contact belongs to, by its No.; blank for none. */
  customerNo: code("Customer No.", 20).optional(),
  address: text("Address", 100).optional(),
  address2: text("Address 2", 50).optional(),
  postCode: text("Post Code", 20).optional(),
  city: text("City", 30).optional(),
  county: text("County", 30).optional(),
  countryRegionCode: code("Country/Region Code", 10).optional(),
  email: email("E-Mail", 80).optional(),
  phoneNo: phone("Phone No.", 30).optional(),
  mobilePhoneNo: phone("Mobile Phone No.", 30).optional(),
  salutationCode: code("Salutation Code", 10).optional(),
};

export const NAME_REQUIRED_MESSAGE = fieldText("fields.nameRequired");

/** The full name as lists show it, kept equal to the parts: "First Middle Surname". */
export function joinContactName(parts: { firstName?: string; middleName?: string; surname?: string }): string {
  return [parts.firstName, parts.middleName, parts.surname]
    .map((p) => (p ?? "").trim())
    .filter(Boolean)
    .join(" ");
}

/** Blank no. means "take the next number from the series". */
export const contactCreateSchema = z
  .strictObject({ no: code("No.", 20).optional(), ...contactFieldShape }, { error: unknownFieldsMessage })
  .superRefine((v, ctx) => {
    if (!v.firstName && !v.surname) ctx.addIssue({ code: "custom", path: ["surname"], message: NAME_REQUIRED_MESSAGE });
  });
export type ContactCreateInput = z.infer<typeof contactCreateSchema>;

const contactPatchShape = { ...contactFieldShape, no: requiredCode("No.", 20).optional(), rowVersion };

export const contactPatchSchema = z.strictObject(contactPatchShape, { error: unknownFieldsMessage });
export type ContactPatchInput = z.infer<typeof contactPatchSchema>;

export const contactUpdateSchema = z.strictObject({ id: recordId, ...contactPatchShape }, { error: unknownFieldsMessage });
export type ContactUpdateInput = z.infer<typeof contactUpdateSchema>;

export const contactDeleteSchema = z.strictObject(
  { id: recordId, rowVersion: rowVersion.optional() },
  { error: unknownFieldsMessage },
);
export type ContactDeleteInput = z.infer<typeof contactDeleteSchema>;

export const CONTACT_SORTABLE = [
  "no",
  "name",
  "jobTitle",
  "customerNo",
  "city",
  "countryRegionCode",
  "email",
  "phoneNo",
] as const;

export const contactListQuerySchema = z.strictObject({
  ...pagingShape,
  sort: sortParam(CONTACT_SORTABLE, "no"),
  no: filterText("No."),
  name: filterText("Name"),
  jobTitle: filterText("Job Title"),
  customerNo: filterText("Customer No."),
  city: filterText("City"),
  countryRegionCode: filterText("Country/Region Code"),
  email: filterText("E-Mail"),
  phoneNo: filterText("Phone No."),
});
export type ContactListQuery = z.infer<typeof contactListQuerySchema>;

export const contactDtoSchema = z.object({
  id: z.uuid(),
  no: z.string(),
  name: z.string(),
  firstName: z.string(),
  middleName: z.string(),
  surname: z.string(),
  jobTitle: z.string(),
  customerId: z.uuid().nullable(),
  customerNo: z.string(),
  customerName: z.string(),
  address: z.string(),
  address2: z.string(),
  postCode: z.string(),
  city: z.string(),
  county: z.string(),
  countryRegionCode: z.string(),
  email: z.string(),
  phoneNo: z.string(),
  mobilePhoneNo: z.string(),
  salutationCode: z.string(),
  rowVersion: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type ContactDto = z.infer<typeof contactDtoSchema>;

export type ContactWithCustomer = Contact & { customer: { no: string; name: string } | null };

export function toContactDto(row: ContactWithCustomer): ContactDto {
  return {
    id: row.id,
    no: row.no,
    name: row.name,
    firstName: row.firstName,
    middleName: row.middleName,
    surname: row.surname,
    jobTitle: row.jobTitle,
    customerId: row.customerId,
    customerNo: row.customer?.no ?? "",
    customerName: row.customer?.name ?? "",
    address: row.address,
    address2: row.address2,
    postCode: row.postCode,
    city: row.city,
    county: row.county,
    countryRegionCode: row.countryRegionCode,
    email: row.email,
    phoneNo: row.phoneNo,
    mobilePhoneNo: row.mobilePhoneNo,
    salutationCode: row.salutationCode,
    rowVersion: row.rowVersion,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export const contactListRowSchema = contactDtoSchema.pick({
  id: true,
  no: true,
  name: true,
  jobTitle: true,
  customerNo: true,
  customerName: true,
  city: true,
  countryRegionCode: true,
  email: true,
  phoneNo: true,
});
export type ContactListRow = z.infer<typeof contactListRowSchema>;
