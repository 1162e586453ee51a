import { getDb } from "../../../lib/db/db-client.ts";
import { getHealth, healthHttpStatus } from "../../../lib/queue/health.ts";
import { getQueueConnection } from "../../../lib/queue/queue-connection.ts";

// Public (no auth) so load balancers and `docker compose` health checks can call it; it reveals no data beyond
// worker host names and counters, and the pid and application name of a long-open transaction. Warnings alone
// (degraded, but queued work runs) answer 200, so a load balancer keeps the instance.
export const dynamic = "force-dynamic";

export async function GET(): Promise<Response> {
  const report = await getHealth({ db: getDb(), queue: getQueueConnection() });
  return Response.json(report, {
    status: healthHttpStatus(report),
    headers: { "cache-control": "no-store" },
  });
}
