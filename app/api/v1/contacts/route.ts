import { runAsUser } from "../../../../lib/auth/authorize.ts";
import { getDb } from "../../../../lib/db/db-client.ts";
import { contactCreateSchema, contactDtoSchema, contactListQuerySchema, contactListRowSchema } from "../../../../lib/erp/contact-schema.ts";
import { listContacts } from "../../../../lib/erp/contact-service.ts";
import { actionResponse, jsonResponse, listEnvelopeSchema } from "../../../../lib/erp/erp-api.ts";
import { apiRoute, readJson, readQuery } from "../../../../lib/http/api-handler.ts";
import { createContact } from "../../../(console)/contacts/actions.ts";

export const dynamic = "force-dynamic";

const listSchema = listEnvelopeSchema(contactListRowSchema);

/** GET /api/v1/contacts?page=&pageSize=&sort=&dir=&q=&<column>= — the contact list, paged and filtered. */
export const GET = apiRoute("erp.read", async ({ request }) => {
  const query = readQuery(request, contactListQuerySchema);
  const page = await listContacts(getDb(), query);
  return jsonResponse(listSchema, { items: page.rows, page: page.page, pageSize: page.pageSize, total: page.total });
});

/** POST /api/v1/contacts — creates a contact; a blank or missing no. takes the next number. */
export const POST = apiRoute("erp.write", async ({ request, user }) => {
  const body = await readJson(request, contactCreateSchema);
  const result = await runAsUser(user, () => createContact(body));
  return actionResponse(result, contactDtoSchema, 201);
});
