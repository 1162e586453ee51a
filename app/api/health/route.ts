import { getDb } from "../../../lib/db/db-client.ts";
import { getHealth } from "../../../lib/queue/health.ts";
import { getQueueConnection } from "../../../lib/queue/queue-connection.ts";

// Public (no auth) so load balancers and `docker compose` health checks can call it; it reveals no data beyond
// worker host names and counters.
export const dynamic = "force-dynamic";

export async function GET(): Promise<Response> {
  const report = await getHealth({ db: getDb(), queue: getQueueConnection() });
  return Response.json(report, {
    status: report.status === "ok" ? 200 : 503,
    headers: { "cache-control": "no-store" },
  });
}
