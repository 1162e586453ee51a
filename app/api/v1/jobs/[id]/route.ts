import { z } from "zod";
import { apiError } from "../../../../../lib/http/api-handler.ts";
import { getDb } from "../../../../../lib/db/db-client.ts";
import { getJobDetail } from "../../../../../lib/integration/job-queries.ts";
import { jsonOf, opsRoute } from "../../../../../lib/integration/operations-api.ts";
import { jobDetailSchema } from "../../../../../lib/integration/operations-api-schema.ts";

export const dynamic = "force-dynamic";

type Params = { id: string };

/** GET /api/v1/jobs/{id} — one job: counters, progress with ETA, and its errors. */
export const GET = opsRoute<Params>("integration.read", async (_ctx, { params }) => {
  const { id } = await params;
  const parsed = z.uuid().safeParse(id);
  if (!parsed.success) return apiError("not_found", `There is no job ${id}.`);
  const job = await getJobDetail(getDb(), parsed.data);
  if (!job) return apiError("not_found", `There is no job ${id}.`);
  return jsonOf(jobDetailSchema, job);
});
