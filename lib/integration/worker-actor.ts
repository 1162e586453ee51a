import type { AuditActor } from "../auth/audit-entry.ts";
import type { Db } from "../db/db-client.ts";

/** Who a background job acts for in the audit log: the user who asked for it, else the worker itself. */
export async function actorForJob(db: Db, requestedById: string | undefined, workerId: string): Promise<AuditActor> {
  if (!requestedById) return { id: null, label: `worker ${workerId}` };
  const user = await db.user.findUnique({ where: { id: requestedById }, select: { id: true, email: true } });
  return user ? { id: user.id, label: user.email } : { id: null, label: `worker ${workerId}` };
}
