import { readJson, readQuery } from "../../../../../../lib/http/api-handler.ts";
import { getDb } from "../../../../../../lib/db/db-client.ts";
import { loadMappingByName } from "../../../../../../lib/integration/operation-context.ts";
import { completedBody, jsonOf, operationDeps, opsRoute, queuedBody, unprocessable } from "../../../../../../lib/integration/operations-api.ts";
import { actionResponseSchema, runBodySchema, waitQuerySchema } from "../../../../../../lib/integration/operations-api-schema.ts";
import { enqueueMappingRun, executeRuns } from "../../../../../../lib/integration/run-dispatch.ts";

export const dynamic = "force-dynamic";

type Params = { name: string };

const DIRECTIONS = { toDataverse: "TO_INTEGRATION_TABLE", fromDataverse: "FROM_INTEGRATION_TABLE", bidirectional: undefined } as const;

/** POST /api/v1/mappings/{name}/run {direction?} — a synchronization run of the whole mapping. */
export const POST = opsRoute<Params>("sync.run", async ({ request, user }, { params }) => {
  const { name } = await params;
  const { wait } = readQuery(request, waitQuerySchema);
  const body = await readJson(request, runBodySchema);
  const db = getDb();
  const mapping = await loadMappingByName(db, name);
  const direction = body.direction ? DIRECTIONS[body.direction] : undefined;
  if (direction && mapping.row.direction !== "BIDIRECTIONAL" && mapping.row.direction !== direction) {
    return unprocessable(`The mapping ${mapping.row.name} has no ${body.direction} direction.`, { direction: [`The mapping is ${mapping.row.direction}.`] });
  }
  if (body.direction === "bidirectional" && mapping.row.direction !== "BIDIRECTIONAL") {
    return unprocessable(`The mapping ${mapping.row.name} is not bidirectional.`, { direction: [`The mapping is ${mapping.row.direction}.`] });
  }
  const request_ = { mappingId: mapping.row.id, direction, trigger: "API" as const, requestedById: user.id };
  if (!wait) {
    const queued = await enqueueMappingRun(request_);
    return jsonOf(actionResponseSchema, queuedBody([queued], `A run of ${mapping.row.name} is queued.`), 202);
  }
  const jobs = await executeRuns(await operationDeps(db), [request_]);
  return jsonOf(actionResponseSchema, await completedBody(db, jobs, `The run of ${mapping.row.name} finished.`));
});
