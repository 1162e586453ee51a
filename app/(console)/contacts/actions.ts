"use server";

import { toActionResult, type ActionResult } from "../../../lib/actions/action-result.ts";
import { requirePermission } from "../../../lib/auth/authorize.ts";
import { getDb } from "../../../lib/db/db-client.ts";
import {
  contactCreateSchema,
  contactDeleteSchema,
  contactUpdateSchema,
  toContactDto,
  type ContactDto,
} from "../../../lib/erp/contact-schema.ts";
import * as contacts from "../../../lib/erp/contact-service.ts";
import { searchCustomerOptions } from "../../../lib/erp/customer-service.ts";
import { parseInput } from "../../../lib/erp/parse-input.ts";
import { text } from "../../../lib/erp/erp-fields.ts";

// Thin server actions for the contact card: permission first, then input validation, then lib/erp.

export async function createContact(input: unknown): Promise<ActionResult<ContactDto>> {
  return toActionResult(async () => {
    await requirePermission("erp.write");
    const data = parseInput(contactCreateSchema, input);
    return toContactDto(await contacts.createContact(getDb(), data));
  });
}

export async function updateContact(input: unknown): Promise<ActionResult<ContactDto>> {
  return toActionResult(async () => {
    await requirePermission("erp.write");
    const data = parseInput(contactUpdateSchema, input);
    return toContactDto(await contacts.updateContact(getDb(), data));
  });
}

export async function deleteContact(input: unknown): Promise<ActionResult<{ id: string; no: string }>> {
  return toActionResult(async () => {
    await requirePermission("erp.write");
    const data = parseInput(contactDeleteSchema, input);
    return contacts.deleteContact(getDb(), data);
  });
}

// text() refuses a NUL character (PostgreSQL text cannot hold one) with a field message in the reader's language, so
// the query never fails on it.
const searchText = text("Search", 100);

/** The customer lookup on the contact card (typeahead). */
export async function findCustomerOptions(search: unknown): Promise<ActionResult<{ no: string; name: string }[]>> {
  return toActionResult(async () => {
    await requirePermission("erp.read");
    const q = parseInput(searchText, search);
    return searchCustomerOptions(getDb(), q);
  });
}
