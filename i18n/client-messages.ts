import type { Messages } from "./catalogs.ts";

// What the browser is given of the catalog. Every page carries these messages in its RSC payload (serialized, sent and
// parsed again on every request), and two namespaces are most of the catalog without being read there: the server's
// own messages (errors, field and engine messages, rendered on the server in the reader's language) and the
// integration admin pages' texts, which their layout adds for those pages only.

const SERVER_ONLY = new Set<string>(["serverMessages"]);
const INTEGRATION_ADMIN = "integrationAdmin";

export function clientMessages(messages: Messages, options: { integrationAdmin?: boolean } = {}): Messages {
  const out: Record<string, unknown> = {};
  for (const [namespace, value] of Object.entries(messages)) {
    if (SERVER_ONLY.has(namespace)) continue;
    if (namespace === INTEGRATION_ADMIN && !options.integrationAdmin) continue;
    out[namespace] = value;
  }
  // The provider's type asks for the whole catalog; the namespaces left out are never looked up in the browser.
  return out as Messages;
}
