import { z } from "zod";
import { fieldText } from "../actions/server-message.ts";
import type { Customer } from "../db/generated/client.ts";
import { amount, code, email, phone, recordId, requiredCode, requiredText, rowVersion, text, unknownFieldsMessage } from "./erp-fields.ts";
import { filterText, pagingShape, sortParam } from "./list-query.ts";

// The customer card (Business Central's customer card, as far as the Dataverse account mapping needs it).
// Maximum lengths match prisma/schema.prisma.

export const CUSTOMER_BLOCKED = ["NONE", "SHIP", "INVOICE", "ALL"] as const;
export const BLOCKED_LABELS: Record<(typeof CUSTOMER_BLOCKED)[number], string> = {
  NONE: " ",
  SHIP: "Ship",
  INVOICE: "Invoice",
  ALL: "All",
};

const blocked = z.preprocess(
  (v) => (v === "" || v === null || v === " " ? "NONE" : typeof v === "string" ? v.trim().toUpperCase() : v),
  z.enum(CUSTOMER_BLOCKED, { error: fieldText("fields.blocked") }),
);

// Every card field except Name may be left out (blank / default); Name is required on create.
const customerFieldShape = {
  name: requiredText("Name", 100),
  address: text("Address", 100).optional(),
  address2: text("Address 2", 50).optional(),
  postCode: text("Post Code", 20).optional(),
  city: text("City", 30).optional(),
  county: text("County", 30).optional(),
  countryRegionCode: code("Country/Region Code", 10).optional(),
  phoneNo: phone("Phone No.", 30).optional(),
  mobilePhoneNo: phone("Mobile Phone No.", 30).optional(),
  email: email("E-Mail", 80).optional(),
  faxNo: phone("Fax No.", 30).optional(),
  homePage: text("Home Page", 80).optional(),
  currencyCode: code("Currency Code", 10).optional(),
  salespersonCode: code("Salesperson Code", 20).optional(),
  creditLimit: amount("Credit Limit (LCY)", 9_999_999_999_999).optional(),
  primaryContactNo: code("Primary Contact No.", 20).optional(),
  blocked: blocked.optional(),
};

/** Blank no. means "take the next number from the series". */
export const customerCreateSchema = z.strictObject(
  { no: code("No.", 20).optional(), ...customerFieldShape },
  { error: unknownFieldsMessage },
);
export type CustomerCreateInput = z.infer<typeof customerCreateSchema>;

const customerPatchShape = {
  ...customerFieldShape,
  no: requiredCode("No.", 20).optional(),
  name: customerFieldShape.name.optional(),
  rowVersion,
};

/** A PATCH: any subset of the card plus the rowVersion that was read. */
export const customerPatchSchema = z.strictObject(customerPatchShape, { error: unknownFieldsMessage });
export type CustomerPatchInput = z.infer<typeof customerPatchSchema>;

export const customerUpdateSchema = z.strictObject({ id: recordId, ...customerPatchShape }, { error: unknownFieldsMessage });
export type CustomerUpdateInput = z.infer<typeof customerUpdateSchema>;

export const customerDeleteSchema = z.strictObject(
  { id: recordId, rowVersion: rowVersion.optional() },
  { error: unknownFieldsMessage },
);
export type CustomerDeleteInput = z.infer<typeof customerDeleteSchema>;

export const CUSTOMER_SORTABLE = [
  "no",
  "name",
  "city",
  "postCode",
  "countryRegionCode",
  "phoneNo",
  "email",
  "salespersonCode",
  "currencyCode",
  "creditLimit",
  "blocked",
] as const;
export type CustomerSortColumn = (typeof CUSTOMER_SORTABLE)[number];

export const CUSTOMER_FILTERS = [
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

export const customerListQuerySchema = z.strictObject({
  ...pagingShape,
  sort: sortParam(CUSTOMER_SORTABLE, "no"),
  no: filterText("No."),
  name: filterText("Name"),
  city: filterText("City"),
  postCode: filterText("Post Code"),
  countryRegionCode: filterText("Country/Region Code"),
  phoneNo: filterText("Phone No."),
  email: filterText("E-Mail"),
  salespersonCode: filterText("Salesperson Code"),
  currencyCode: filterText("Currency Code"),
  blocked: z.enum(CUSTOMER_BLOCKED, { error: "blocked must be NONE, SHIP, INVOICE or ALL." }).optional(),
});
export type CustomerListQuery = z.infer<typeof customerListQuerySchema>;

/** What the API and the pages see of a customer: plain JSON (the decimal as a number, times as ISO strings). */
export const customerDtoSchema = z.object({
  id: z.uuid(),
  no: z.string(),
  name: z.string(),
  address: z.string(),
  address2: z.string(),
  postCode: z.string(),
  city: z.string(),
  county: z.string(),
  countryRegionCode: z.string(),
  phoneNo: z.string(),
  mobilePhoneNo: z.string(),
  email: z.string(),
  faxNo: z.string(),
  homePage: z.string(),
  currencyCode: z.string(),
  salespersonCode: z.string(),
  creditLimit: z.number(),
  primaryContactNo: z.string(),
  blocked: z.enum(CUSTOMER_BLOCKED),
  rowVersion: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type CustomerDto = z.infer<typeof customerDtoSchema>;

export function toCustomerDto(row: Customer): CustomerDto {
  return {
    id: row.id,
    no: row.no,
    name: row.name,
    address: row.address,
    address2: row.address2,
    postCode: row.postCode,
    city: row.city,
    county: row.county,
    countryRegionCode: row.countryRegionCode,
    phoneNo: row.phoneNo,
    mobilePhoneNo: row.mobilePhoneNo,
    email: row.email,
    faxNo: row.faxNo,
    homePage: row.homePage,
    currencyCode: row.currencyCode,
    salespersonCode: row.salespersonCode,
    creditLimit: row.creditLimit.toNumber(),
    primaryContactNo: row.primaryContactNo,
    blocked: row.blocked,
    rowVersion: row.rowVersion,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export const customerListRowSchema = customerDtoSchema.pick({
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
});
export type CustomerListRow = z.infer<typeof customerListRowSchema>;
