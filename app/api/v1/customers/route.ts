import { runAsUser } from "../../../../lib/auth/authorize.ts";
import { getDb } from "../../../../lib/db/db-client.ts";
import { customerCreateSchema, customerDtoSchema, customerListQuerySchema, customerListRowSchema } from "../../../../lib/erp/customer-schema.ts";
import { listCustomers } from "../../../../lib/erp/customer-service.ts";
import { actionResponse, jsonResponse, listEnvelopeSchema } from "../../../../lib/erp/erp-api.ts";
import { apiRoute, readJson, readQuery } from "../../../../lib/http/api-handler.ts";
import { createCustomer } from "../../../(console)/customers/actions.ts";

export const dynamic = "force-dynamic";

const listSchema = listEnvelopeSchema(customerListRowSchema);

/** GET /api/v1/customers?page=&pageSize=&sort=&dir=&q=&<column>= — the customer list, paged and filtered. */
export const GET = apiRoute("erp.read", async ({ request }) => {
  const query = readQuery(request, customerListQuerySchema);
  const page = await listCustomers(getDb(), query);
  return jsonResponse(listSchema, { items: page.rows, page: page.page, pageSize: page.pageSize, total: page.total });
});

/** POST /api/v1/customers — creates a customer; a blank or missing no. takes the next number. */
export const POST = apiRoute("erp.write", async ({ request, user }) => {
  const body = await readJson(request, customerCreateSchema);
  const result = await runAsUser(user, () => createCustomer(body));
  return actionResponse(result, customerDtoSchema, 201);
});
