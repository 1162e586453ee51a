"use server";

import { z } from "zod";
import { actionError, type ActionResult } from "../../../../lib/actions/action-result.ts";
import { serverMessage } from "../../../../lib/actions/server-message.ts";
import { runAction as run } from "../../../../lib/integration/console-action.ts";
import { requirePermission } from "../../../../lib/auth/authorize.ts";
import { getDb } from "../../../../lib/db/db-client.ts";
import { enqueue } from "../../../../lib/queue/enqueue.ts";

// Dataverse Full Synch. Review: Start All (every enabled mapping, dependencies first) or one line. The worker walks
// the lines in dependency order; the page follows the jobs' progress.

export async function startFullSyncAction(input: unknown): Promise<ActionResult<{ queued: true }>> {
  return run(async () => {
      const user = await requirePermission("full-sync.run");
      const { names } = z.strictObject({ names: z.array(z.string().trim().min(1).max(20)).max(50).optional() }).parse(input);
      let mappingIds: string[] | undefined;
      if (names?.length) {
        const rows = await getDb().integrationTableMapping.findMany({ where: { name: { in: names.map((n) => n.toUpperCase()) } }, select: { id: true } });
        if (rows.length === 0) throw actionError("not_found", serverMessage("errors.mappingsGone"));
        mappingIds = rows.map((r) => r.id);
      }
      await enqueue("full-sync", { mappingIds, requestedById: user.id });
      return { queued: true as const };
  });
}
