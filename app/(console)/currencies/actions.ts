"use server";

import { toActionResult, type ActionResult } from "../../../lib/actions/action-result.ts";
import { requirePermission } from "../../../lib/auth/authorize.ts";
import { getDb } from "../../../lib/db/db-client.ts";
import { parseInput } from "../../../lib/erp/parse-input.ts";
import {
  currencyCreateSchema,
  currencyDeleteSchema,
  currencyUpdateSchema,
  toCurrencyDto,
  type CurrencyDto,
} from "../../../lib/erp/currency-schema.ts";
import * as currencies from "../../../lib/erp/currency-service.ts";

export async function createCurrency(input: unknown): Promise<ActionResult<CurrencyDto>> {
  return toActionResult(async () => {
    await requirePermission("erp.write");
    const data = parseInput(currencyCreateSchema, input);
    return toCurrencyDto(await currencies.createCurrency(getDb(), data));
  });
}

export async function updateCurrency(input: unknown): Promise<ActionResult<CurrencyDto>> {
  return toActionResult(async () => {
    await requirePermission("erp.write");
    const data = parseInput(currencyUpdateSchema, input);
    return toCurrencyDto(await currencies.updateCurrency(getDb(), data));
  });
}

export async function deleteCurrency(input: unknown): Promise<ActionResult<{ id: string; code: string }>> {
  return toActionResult(async () => {
    await requirePermission("erp.write");
    const data = parseInput(currencyDeleteSchema, input);
    return currencies.deleteCurrency(getDb(), data);
  });
}
