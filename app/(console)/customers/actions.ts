"use server";

import { toActionResult, type ActionResult } from "../../../lib/actions/action-result.ts";
import { requirePermission } from "../../../lib/auth/authorize.ts";
import { getDb } from "../../../lib/db/db-client.ts";
import {
  customerCreateSchema,
  customerDeleteSchema,
  customerUpdateSchema,
  toCustomerDto,
  type CustomerDto,
} from "../../../lib/erp/customer-schema.ts";
import * as customers from "../../../lib/erp/customer-service.ts";
import { parseInput } from "../../../lib/erp/parse-input.ts";

// Thin server actions for the customer card: permission first, then input validation, then lib/erp.
// Each takes a plain object so pages, the /api/v1 routes and tests share them.

export async function createCustomer(input: unknown): Promise<ActionResult<CustomerDto>> {
  return toActionResult(async () => {
    await requirePermission("erp.write");
    const data = parseInput(customerCreateSchema, input);
    return toCustomerDto(await customers.createCustomer(getDb(), data));
  });
}

export async function updateCustomer(input: unknown): Promise<ActionResult<CustomerDto>> {
  return toActionResult(async () => {
    await requirePermission("erp.write");
    const data = parseInput(customerUpdateSchema, input);
    return toCustomerDto(await customers.updateCustomer(getDb(), data));
  });
}

export async function deleteCustomer(input: unknown): Promise<ActionResult<{ id: string; no: string }>> {
  return toActionResult(async () => {
    await requirePermission("erp.write");
    const data = parseInput(customerDeleteSchema, input);
    return customers.deleteCustomer(getDb(), data);
  });
}
