"use server";

import { z } from "zod";
import { readerRenderer, type ActionResult } from "../../../../lib/actions/action-result.ts";
import { messageLocale } from "../../../../lib/actions/message-locale.ts";
import { fieldText } from "../../../../lib/actions/server-message.ts";
import { runAction as run } from "../../../../lib/integration/console-action.ts";
import { requirePermission } from "../../../../lib/auth/authorize.ts";
import { getDb } from "../../../../lib/db/db-client.ts";
import { connectionInputSchema, saveConnection, setConnectionEnabled, testConnection, type ConnectionView, type TestResult } from "../../../../lib/integration/connection-service.ts";
import { localizeEngineMessage } from "../../../../lib/integration/engine-messages.ts";
import { actorOf } from "../../../../lib/integration/operation-context.ts";

// Thin server actions of the Dataverse Connection page. The client secret only ever travels browser → server.

/** The last test's message is stored in English: shown in the reader's language. */
async function localized(view: ConnectionView): Promise<ConnectionView> {
  return { ...view, lastTestMessage: localizeEngineMessage(await messageLocale(), view.lastTestMessage) };
}

export async function saveConnectionAction(input: unknown): Promise<ActionResult<ConnectionView>> {
  return run(async () => {
    const user = await requirePermission("connection.manage");
    return localized(await saveConnection(getDb(), actorOf(user), connectionInputSchema.parse(input)));
  });
}

export async function testConnectionAction(input: unknown): Promise<ActionResult<TestResult>> {
  return run(async () => {
    const user = await requirePermission("connection.manage");
    z.strictObject({}).parse(input ?? {});
    const result = await testConnection(getDb(), actorOf(user));
    const render = await readerRenderer();
    return { ...result, message: render(result.text) };
  });
}

export async function setConnectionEnabledAction(input: unknown): Promise<ActionResult<ConnectionView>> {
  return run(async () => {
    const user = await requirePermission("connection.manage");
    const { isEnabled } = z.strictObject({ isEnabled: z.boolean({ error: fieldText("fields.isEnabledBoolean") }) }).parse(input);
    return localized(await setConnectionEnabled(getDb(), actorOf(user), isEnabled));
  });
}
