import { getDb } from "../../../../../../../lib/db/db-client.ts";
import { toCouplingView } from "../../../../../../../lib/integration/coupling-service.ts";
import { recordLogOf } from "../../../../../../../lib/integration/job-queries.ts";
import { erpKeyOf, requireErpRecordByKey } from "../../../../../../../lib/integration/operation-context.ts";
import { jsonOf, opsRoute } from "../../../../../../../lib/integration/operations-api.ts";
import { erpTableParam, syncLogSchema } from "../../../../../../../lib/integration/operations-api-schema.ts";

export const dynamic = "force-dynamic";

type Params = { table: string; no: string };

/** GET /api/v1/records/{table}/{no}/sync-log — the record's Synchronization Log (newest first) and its coupling. */
export const GET = opsRoute<Params>("integration.read", async (_ctx, { params }) => {
  const { table: rawTable, no } = await params;
  const table = erpTableParam.parse(rawTable);
  const db = getDb();
  const erp = await requireErpRecordByKey(db, table, no);
  const coupling = await db.coupling.findUnique({ where: { erpTable_erpId: { erpTable: table, erpId: erp.id } }, include: { mapping: { select: { name: true } } } });
  return jsonOf(syncLogSchema, {
    table,
    no: erpKeyOf(table, erp),
    coupling: coupling ? toCouplingView(coupling, coupling.mapping.name, erpKeyOf(table, erp)) : null,
    entries: await recordLogOf(db, table, erp.id),
  });
});
