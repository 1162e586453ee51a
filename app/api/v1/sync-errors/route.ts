import { readQuery } from "../../../../lib/http/api-handler.ts";
import { getDb } from "../../../../lib/db/db-client.ts";
import { jsonOf, operationDeps, opsRoute } from "../../../../lib/integration/operations-api.ts";
import { syncErrorListQuerySchema, syncErrorListSchema } from "../../../../lib/integration/operations-api-schema.ts";
import { listSyncErrors } from "../../../../lib/integration/sync-errors-service.ts";

export const dynamic = "force-dynamic";

/** GET /api/v1/sync-errors?mapping=&signature=&errorClass=&page=&pageSize= — couplings in error, grouped by signature. */
export const GET = opsRoute("integration.read", async ({ request }) => {
  const query = readQuery(request, syncErrorListQuerySchema);
  const db = getDb();
  return jsonOf(syncErrorListSchema, await listSyncErrors(await operationDeps(db), query));
});
