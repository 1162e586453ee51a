"use server";

import { z } from "zod";
import type { ActionResult } from "../../../../lib/actions/action-result.ts";
import { runAction as run } from "../run-action.ts";
import { requirePermission } from "../../../../lib/auth/authorize.ts";
import { getDb } from "../../../../lib/db/db-client.ts";
import { connectionInputSchema, saveConnection, setConnectionEnabled, testConnection, type ConnectionView, type TestResult } from "../../../../lib/integration/connection-service.ts";
import { actorOf } from "../../../../lib/integration/operation-context.ts";

// Thin server actions of the Dataverse Connection page. The client secret only ever travels browser → server.


export async function saveConnectionAction(input: unknown): Promise<ActionResult<ConnectionView>> {
  return run(async () => {
    const user = await requirePermission("connection.manage");
    return saveConnection(getDb(), actorOf(user), connectionInputSchema.parse(input));
  });
}

export async function testConnectionAction(input: unknown): Promise<ActionResult<TestResult>> {
  return run(async () => {
    const user = await requirePermission("connection.manage");
    z.strictObject({}).parse(input ?? {});
    return testConnection(getDb(), actorOf(user));
  });
}

export async function setConnectionEnabledAction(input: unknown): Promise<ActionResult<ConnectionView>> {
  return run(async () => {
    const user = await requirePermission("connection.manage");
    const { isEnabled } = z.strictObject({ isEnabled: z.boolean({ error: "isEnabled is true or false." }) }).parse(input);
    return setConnectionEnabled(getDb(), actorOf(user), isEnabled);
  });
}
