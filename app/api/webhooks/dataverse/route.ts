import { getDb } from "../../../../lib/db/db-client.ts";
import { handleDataverseWebhook } from "../../../../lib/integration/sync-triggers.ts";
import { getQueueConnection } from "../../../../lib/queue/queue-connection.ts";

// Dataverse (emulator) change notifications: authenticated by the connection's shared secret (query `secret` or
// header `x-webhook-secret`), answered at once; the run itself happens in a worker, de-duplicated per mapping.
export const dynamic = "force-dynamic";

export async function POST(request: Request): Promise<Response> {
  const secret = request.headers.get("x-webhook-secret") ?? new URL(request.url).searchParams.get("secret");
  let body: unknown;
  try {
    body = await request.json();
  } catch {
    return Response.json({ error: { code: "invalid", message: "The webhook body is not JSON." } }, { status: 400 });
  }
  const outcome = await handleDataverseWebhook(getDb(), getQueueConnection(), secret, body);
  if (outcome.status !== 202) {
    return Response.json({ error: { code: outcome.status === 401 ? "unauthenticated" : "invalid", message: outcome.message } }, { status: outcome.status });
  }
  return Response.json({ accepted: true, runs: outcome.runs }, { status: 202 });
}
