import { getDb } from "../../../../lib/db/db-client.ts";
import { listMappings } from "../../../../lib/integration/mapping-edit-service.ts";
import { jsonOf, opsRoute } from "../../../../lib/integration/operations-api.ts";
import { mappingListSchema } from "../../../../lib/integration/operations-api-schema.ts";

export const dynamic = "force-dynamic";

/** GET /api/v1/mappings — every integration table mapping with its coupling count. */
export const GET = opsRoute("integration.read", async () => jsonOf(mappingListSchema, { items: await listMappings(getDb()) }));
