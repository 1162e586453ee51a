import { readQuery } from "../../../../lib/http/api-handler.ts";
import { getDb } from "../../../../lib/db/db-client.ts";
import { listJobs } from "../../../../lib/integration/job-queries.ts";
import { jsonOf, opsRoute } from "../../../../lib/integration/operations-api.ts";
import { jobListQuerySchema, jobListSchema } from "../../../../lib/integration/operations-api-schema.ts";

export const dynamic = "force-dynamic";

/** GET /api/v1/jobs?mapping=&type=&status=&page=&pageSize= — the synchronization job log, newest first. */
export const GET = opsRoute("integration.read", async ({ request }) => jsonOf(jobListSchema, await listJobs(getDb(), readQuery(request, jobListQuerySchema))));
