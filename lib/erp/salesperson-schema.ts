import { z } from "zod";
import type { Salesperson } from "../db/generated/client.ts";
import { email, phone, recordId, requiredCode, requiredText, rowVersion, text, unknownFieldsMessage } from "./erp-fields.ts";

// Salespeople/purchasers; the Dataverse side couples them with systemusers. The code is the key and is fixed once
// created (customers refer to it).

export const salespersonCreateSchema = z.strictObject(
  {
    code: requiredCode("Code", 20),
    name: requiredText("Name", 50),
    email: email("E-Mail", 80).optional(),
    phoneNo: phone("Phone No.", 30).optional(),
  },
  { error: unknownFieldsMessage },
);
export type SalespersonCreateInput = z.infer<typeof salespersonCreateSchema>;

export const salespersonUpdateSchema = z.strictObject(
  {
    id: recordId,
    rowVersion,
    name: requiredText("Name", 50).optional(),
    email: email("E-Mail", 80).optional(),
    phoneNo: phone("Phone No.", 30).optional(),
  },
  { error: unknownFieldsMessage },
);
export type SalespersonUpdateInput = z.infer<typeof salespersonUpdateSchema>;

export const salespersonDeleteSchema = z.strictObject(
  { id: recordId, rowVersion: rowVersion.optional() },
  { error: unknownFieldsMessage },
);
export type SalespersonDeleteInput = z.infer<typeof salespersonDeleteSchema>;

export const salespersonListQuerySchema = z.strictObject({
  q: text("Search", 100).optional(),
});

export const salespersonDtoSchema = z.object({
  id: z.uuid(),
  code: z.string(),
  name: z.string(),
  email: z.string(),
  phoneNo: z.string(),
  rowVersion: z.number().int(),
  updatedAt: z.string(),
});
export type SalespersonDto = z.infer<typeof salespersonDtoSchema>;

export function toSalespersonDto(row: Salesperson): SalespersonDto {
  return {
    id: row.id,
    code: row.code,
    name: row.name,
    email: row.email,
    phoneNo: row.phoneNo,
    rowVersion: row.rowVersion,
    updatedAt: row.updatedAt.toISOString(),
  };
}
