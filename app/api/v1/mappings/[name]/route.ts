import { apiError, readJson } from "../../../../../lib/http/api-handler.ts";
import { getDb } from "../../../../../lib/db/db-client.ts";
import { actorOf } from "../../../../../lib/integration/operation-context.ts";
import { getMappingDetail, patchMapping } from "../../../../../lib/integration/mapping-edit-service.ts";
import { jsonOf, opsRoute } from "../../../../../lib/integration/operations-api.ts";
import { mappingDetailSchema, mappingPatchSchema } from "../../../../../lib/integration/operations-api-schema.ts";

export const dynamic = "force-dynamic";

type Params = { name: string };

/** GET /api/v1/mappings/{name} — the mapping with its field mappings. */
export const GET = opsRoute<Params>("integration.read", async (_ctx, { params }) => {
  const { name } = await params;
  const detail = await getMappingDetail(getDb(), name);
  if (!detail) return apiError("not_found", `There is no table mapping named ${name.toUpperCase()}.`);
  return jsonOf(mappingDetailSchema, detail);
});

/** PATCH /api/v1/mappings/{name} — settings and/or the full list of field mappings, with the rowVersion you read. */
export const PATCH = opsRoute<Params>("mapping.manage", async ({ request, user }, { params }) => {
  const { name } = await params;
  const body = await readJson(request, mappingPatchSchema);
  return jsonOf(mappingDetailSchema, await patchMapping(getDb(), actorOf(user), name, body));
});
