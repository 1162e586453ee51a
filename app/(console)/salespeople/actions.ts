"use server";

import { toActionResult, type ActionResult } from "../../../lib/actions/action-result.ts";
import { requirePermission } from "../../../lib/auth/authorize.ts";
import { getDb } from "../../../lib/db/db-client.ts";
import { parseInput } from "../../../lib/erp/parse-input.ts";
import {
  salespersonCreateSchema,
  salespersonDeleteSchema,
  salespersonUpdateSchema,
  toSalespersonDto,
  type SalespersonDto,
} from "../../../lib/erp/salesperson-schema.ts";
import * as salespeople from "../../../lib/erp/salesperson-service.ts";

export async function createSalesperson(input: unknown): Promise<ActionResult<SalespersonDto>> {
  return toActionResult(async () => {
    await requirePermission("erp.write");
    const data = parseInput(salespersonCreateSchema, input);
    return toSalespersonDto(await salespeople.createSalesperson(getDb(), data));
  });
}

export async function updateSalesperson(input: unknown): Promise<ActionResult<SalespersonDto>> {
  return toActionResult(async () => {
    await requirePermission("erp.write");
    const data = parseInput(salespersonUpdateSchema, input);
    return toSalespersonDto(await salespeople.updateSalesperson(getDb(), data));
  });
}

export async function deleteSalesperson(input: unknown): Promise<ActionResult<{ id: string; code: string }>> {
  return toActionResult(async () => {
    await requirePermission("erp.write");
    const data = parseInput(salespersonDeleteSchema, input);
    return salespeople.deleteSalesperson(getDb(), data);
  });
}
