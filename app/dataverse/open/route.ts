import { messageLocale } from "../../../lib/actions/message-locale.ts";
import { renderText, type LocalText } from "../../../lib/actions/server-message.ts";
import { getSessionUser } from "../../../lib/auth/authorize.ts";
import { getDb } from "../../../lib/db/db-client.ts";
import { localizeEngineMessage } from "../../../lib/integration/engine-messages.ts";
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
  // In the signed-in user's language; a message the engine stored (in English) is translated by its wording.
  const locale = await messageLocale();
  const render = (text: LocalText) => (typeof text === "string" ? localizeEngineMessage(locale, text) : renderText(locale, text));
  return new Response(renderExplanation(render(result.text.title), render(result.text.message), locale), {
    status: result.status,
    headers: { "content-type": "text/html; charset=utf-8" },
  });
}
