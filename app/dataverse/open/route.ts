import { getSessionUser } from "../../../lib/auth/authorize.ts";
import { getDb } from "../../../lib/db/db-client.ts";
import { openFromDataverse } from "../../../lib/integration/open-from-dataverse.ts";
import { operationDeps } from "../../../lib/integration/operations-api.ts";
import { renderExplanation } from "../../../lib/integration/open-page.ts";

export const dynamic = "force-dynamic";

/**
 * GET /dataverse/open?entity=account|contact&id=<guid> — the "open in ERP" link of a Dataverse record: the coupled
 * record's card, after creating and coupling it when the mapping allows; otherwise a page that says why not.
 */
export async function GET(request: Request): Promise<Response> {
  const url = new URL(request.url);
  const user = await getSessionUser();
  if (!user) {
    const back = `${url.pathname}${url.search}`;
    return Response.redirect(new URL(`/login?callbackUrl=${encodeURIComponent(back)}`, url), 303);
  }
  const result = await openFromDataverse(await operationDeps(getDb()), user, {
    entity: url.searchParams.get("entity") ?? "",
    id: url.searchParams.get("id") ?? "",
  });
  if (result.kind === "redirect") return Response.redirect(new URL(result.location, url), 303);
  return new Response(renderExplanation(result.title, result.message), { status: result.status, headers: { "content-type": "text/html; charset=utf-8" } });
}
