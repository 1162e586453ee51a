import { apiError, apiRoute, readJson, readQuery } from "../../../../../lib/http/api-handler.ts";
import { runAsUser } from "../../../../../lib/auth/authorize.ts";
import { getDb } from "../../../../../lib/db/db-client.ts";
import { contactDtoSchema, contactPatchSchema, toContactDto } from "../../../../../lib/erp/contact-schema.ts";
import { getContactByNo } from "../../../../../lib/erp/contact-service.ts";
import { actionResponse, deletedSchema, deleteQuerySchema, jsonResponse } from "../../../../../lib/erp/erp-api.ts";
import { deleteContact, updateContact } from "../../../../(console)/contacts/actions.ts";

export const dynamic = "force-dynamic";

type Params = { no: string };

const notFound = (no: string) => apiError("not_found", `Contact ${no} does not exist.`);

export const GET = apiRoute<Params>("erp.read", async (_ctx, { params }) => {
  const { no } = await params;
  const contact = await getContactByNo(getDb(), no);
  if (!contact) return notFound(no);
  return jsonResponse(contactDtoSchema, toContactDto(contact));
});

/** PATCH requires the rowVersion the caller read: a change made meanwhile is answered with 409, never overwritten. */
export const PATCH = apiRoute<Params>("erp.write", async ({ request, user }, { params }) => {
  const { no } = await params;
  const body = await readJson(request, contactPatchSchema);
  const contact = await getContactByNo(getDb(), no);
  if (!contact) return notFound(no);
  const result = await runAsUser(user, () => updateContact({ id: contact.id, ...body }));
  return actionResponse(result, contactDtoSchema);
});

export const DELETE = apiRoute<Params>("erp.write", async ({ request, user }, { params }) => {
  const { no } = await params;
  const { rowVersion } = readQuery(request, deleteQuerySchema);
  const contact = await getContactByNo(getDb(), no);
  if (!contact) return notFound(no);
  const result = await runAsUser(user, () => deleteContact({ id: contact.id, rowVersion }));
  if (!result.ok) return actionResponse(result, deletedSchema);
  return jsonResponse(deletedSchema, { id: result.data.id, deleted: true });
});
