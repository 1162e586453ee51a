import { z } from "zod";
import type { Currency } from "../db/generated/client.ts";
import { recordId, requiredCode, rowVersion, text, unknownFieldsMessage } from "./erp-fields.ts";

// Currencies other than the local currency (LCY), which is the blank currency code on customers. The code is the key
// and is fixed once created (customers refer to it).

export const currencyCreateSchema = z.strictObject(
  {
    code: requiredCode("Code", 10),
    description: text("Description", 30).optional(),
    symbol: text("Symbol", 10).optional(),
  },
  { error: unknownFieldsMessage },
);
export type CurrencyCreateInput = z.infer<typeof currencyCreateSchema>;

export const currencyUpdateSchema = z.strictObject(
  {
    id: recordId,
    rowVersion,
    description: text("Description", 30).optional(),
    symbol: text("Symbol", 10).optional(),
  },
  { error: unknownFieldsMessage },
);
export type CurrencyUpdateInput = z.infer<typeof currencyUpdateSchema>;

export const currencyDeleteSchema = z.strictObject(
  { id: recordId, rowVersion: rowVersion.optional() },
  { error: unknownFieldsMessage },
);
export type CurrencyDeleteInput = z.infer<typeof currencyDeleteSchema>;

export const currencyListQuerySchema = z.strictObject({
  q: text("Search", 100).optional(),
});

export const currencyDtoSchema = z.object({
  id: z.uuid(),
  code: z.string(),
  description: z.string(),
  symbol: z.string(),
  rowVersion: z.number().int(),
  updatedAt: z.string(),
});
export type CurrencyDto = z.infer<typeof currencyDtoSchema>;

export function toCurrencyDto(row: Currency): CurrencyDto {
  return {
    id: row.id,
    code: row.code,
    description: row.description,
    symbol: row.symbol,
    rowVersion: row.rowVersion,
    updatedAt: row.updatedAt.toISOString(),
  };
}
