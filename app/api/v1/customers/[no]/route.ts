import { apiError, apiRoute, readJson, readQuery } from "../../../../../lib/http/api-handler.ts";
import { runAsUser } from "../../../../../lib/auth/authorize.ts";
import { getDb } from "../../../../../lib/db/db-client.ts";
import { customerDtoSchema, customerPatchSchema, toCustomerDto } from "../../../../../lib/erp/customer-schema.ts";
import { getCustomerByNo } from "../../../../../lib/erp/customer-service.ts";
import { actionResponse, deletedSchema, deleteQuerySchema, jsonResponse } from "../../../../../lib/erp/erp-api.ts";
import { deleteCustomer, updateCustomer } from "../../../../(console)/customers/actions.ts";

export const dynamic = "force-dynamic";

type Params = { no: string };

const notFound = (no: string) => apiError("not_found", `Customer ${no} does not exist.`);

export const GET = apiRoute<Params>("erp.read", async (_ctx, { params }) => {
  const { no } = await params;
  const customer = await getCustomerByNo(getDb(), no);
  if (!customer) return notFound(no);
  return jsonResponse(customerDtoSchema, toCustomerDto(customer));
});

/** PATCH requires the rowVersion the caller read: a change made meanwhile is answered with 409, never overwritten. */
export const PATCH = apiRoute<Params>("erp.write", async ({ request, user }, { params }) => {
  const { no } = await params;
  const body = await readJson(request, customerPatchSchema);
  const customer = await getCustomerByNo(getDb(), no);
  if (!customer) return notFound(no);
  const result = await runAsUser(user, () => updateCustomer({ id: customer.id, ...body }));
  return actionResponse(result, customerDtoSchema);
});

export const DELETE = apiRoute<Params>("erp.write", async ({ request, user }, { params }) => {
  const { no } = await params;
  const { rowVersion } = readQuery(request, deleteQuerySchema);
  const customer = await getCustomerByNo(getDb(), no);
  if (!customer) return notFound(no);
  const result = await runAsUser(user, () => deleteCustomer({ id: customer.id, rowVersion }));
  if (!result.ok) return actionResponse(result, deletedSchema);
  return jsonResponse(deletedSchema, { id: result.data.id, deleted: true });
});
