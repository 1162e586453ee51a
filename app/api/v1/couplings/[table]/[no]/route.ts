import { getDb } from "../../../../../../lib/db/db-client.ts";
import { actorOf, requireErpRecordByKey } from "../../../../../../lib/integration/operation-context.ts";
import { jsonOf, opsRoute } from "../../../../../../lib/integration/operations-api.ts";
import { erpTableParam, uncoupleResponseSchema } from "../../../../../../lib/integration/operations-api-schema.ts";
import { deleteCoupling } from "../../../../../../lib/integration/uncoupling-service.ts";

export const dynamic = "force-dynamic";

type Params = { table: string; no: string };

/** DELETE /api/v1/couplings/{table}/{no} — Delete Coupling: both records stay. */
export const DELETE = opsRoute<Params>("coupling.manage", async ({ user }, { params }) => {
  const { table: rawTable, no } = await params;
  const table = erpTableParam.parse(rawTable);
  const db = getDb();
  const erp = await requireErpRecordByKey(db, table, no);
  return jsonOf(uncoupleResponseSchema, await deleteCoupling(db, actorOf(user), { table, erpId: erp.id }));
});
