import { getDb } from "../../../../lib/db/db-client.ts";
import { jsonResponse } from "../../../../lib/erp/erp-api.ts";
import { salespersonDtoSchema, salespersonListQuerySchema, toSalespersonDto } from "../../../../lib/erp/salesperson-schema.ts";
import { listSalespeople } from "../../../../lib/erp/salesperson-service.ts";
import { apiRoute, readQuery } from "../../../../lib/http/api-handler.ts";
import { z } from "zod";

export const dynamic = "force-dynamic";

const listSchema = z.object({ items: z.array(salespersonDtoSchema) });

/** GET /api/v1/salespeople?q= — every salesperson (a short list), read-only. */
export const GET = apiRoute("erp.read", async ({ request }) => {
  const query = readQuery(request, salespersonListQuerySchema);
  const rows = await listSalespeople(getDb(), query);
  return jsonResponse(listSchema, { items: rows.map(toSalespersonDto) });
});
