import type { Prisma } from "../db/generated/client.ts";
import type { Db, Tx } from "../db/db-client.ts";

/** Who made a change: a console user, or a process such as the command-line console (id null). */
export type AuditActor = { id: string | null; label: string };

export type AuditRecord = {
  action: string;
  entityType: string;
  entityId?: string | null;
  // Never put secrets (passwords, hashes, tokens) in before/after: audit entries are readable by admins.
  before?: Prisma.InputJsonValue | null;
  after?: Prisma.InputJsonValue | null;
};

export async function writeAuditEntry(db: Db | Tx, actor: AuditActor, record: AuditRecord): Promise<void> {
  await writeAuditEntries(db, actor, [record]);
}

/** Many entries by one actor in one statement (a bulk operation audits each record it changed). */
export async function writeAuditEntries(db: Db | Tx, actor: AuditActor, records: readonly AuditRecord[]): Promise<void> {
  if (records.length === 0) return;
  await db.auditEntry.createMany({
    data: records.map((record) => ({
      userId: actor.id,
      actor: actor.label.slice(0, 200),
      action: record.action,
      entityType: record.entityType,
      entityId: record.entityId ?? null,
      before: record.before ?? undefined,
      after: record.after ?? undefined,
    })),
  });
}
