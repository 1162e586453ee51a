import { getDb } from "../../../../lib/db/db-client.ts";
import { currencyDtoSchema, currencyListQuerySchema, toCurrencyDto } from "../../../../lib/erp/currency-schema.ts";
import { listCurrencies } from "../../../../lib/erp/currency-service.ts";
import { jsonResponse } from "../../../../lib/erp/erp-api.ts";
import { apiRoute, readQuery } from "../../../../lib/http/api-handler.ts";
import { z } from "zod";

export const dynamic = "force-dynamic";

const listSchema = z.object({ items: z.array(currencyDtoSchema) });

/** GET /api/v1/currencies?q= — every currency except the local one (blank code = LCY), read-only. */
export const GET = apiRoute("erp.read", async ({ request }) => {
  const query = readQuery(request, currencyListQuerySchema);
  const rows = await listCurrencies(getDb(), query);
  return jsonResponse(listSchema, { items: rows.map(toCurrencyDto) });
});
