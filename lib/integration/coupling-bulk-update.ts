import type { Db } from "../db/db-client.ts";
import { Prisma } from "../db/generated/client.ts";

// The success bookkeeping of a chunk (new snapshot, versions, last result) is one UPDATE per coupling; issued one by
// one they cost a round trip and a commit each — most of a full sync's time (bench/full-sync-bench.ts). Here they go
// out as one UPDATE … FROM jsonb_to_recordset per set of columns written, so a chunk of 1,000 pairs costs a handful
// of statements.

export type CouplingUpdate = { id: string; data: Prisma.CouplingUpdateInput };

// Column → SQL type of the value in the record set, and the cast applied when it is assigned.
const COLUMNS: Record<string, { type: string; cast: string }> = {
  snapshot: { type: "jsonb", cast: "" },
  conflict: { type: "jsonb", cast: "" },
  lastSyncedErpVersion: { type: "integer", cast: "" },
  lastSyncedDataverseVersion: { type: "text", cast: "::bigint" },
  lastSyncedDataverseModifiedOn: { type: "text", cast: "::timestamp(3)" },
  state: { type: "text", cast: '::"CouplingState"' },
  lastToResult: { type: "text", cast: '::"SyncResult"' },
  lastFromResult: { type: "text", cast: '::"SyncResult"' },
  lastToJobId: { type: "uuid", cast: "" },
  lastFromJobId: { type: "uuid", cast: "" },
  lastToAt: { type: "text", cast: "::timestamp(3)" },
  lastFromAt: { type: "text", cast: "::timestamp(3)" },
  errorClass: { type: "text", cast: '::"SyncErrorClass"' },
  errorMessage: { type: "text", cast: "" },
  errorSignature: { type: "text", cast: "" },
  failedAt: { type: "text", cast: "::timestamp(3)" },
  isSkipped: { type: "boolean", cast: "" },
};

function toJsonValue(value: unknown): unknown {
  if (value === Prisma.DbNull || value === Prisma.JsonNull || value === null || value === undefined) return null;
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Date) return value.toISOString();
  return value;
}

/** Applies the updates; ones that write a column this helper does not know fall back to a single Prisma update. */
export async function updateCouplingsInBulk(db: Db, updates: readonly CouplingUpdate[]): Promise<void> {
  const groups = new Map<string, CouplingUpdate[]>();
  for (const update of updates) {
    const keys = Object.keys(update.data).filter((k) => update.data[k as keyof Prisma.CouplingUpdateInput] !== undefined).sort();
    if (keys.length === 0) continue;
    if (keys.some((k) => !COLUMNS[k])) {
      await db.coupling.update({ where: { id: update.id }, data: update.data });
      continue;
    }
    const shape = keys.join(",");
    const group = groups.get(shape) ?? [];
    group.push(update);
    groups.set(shape, group);
  }
  for (const [shape, group] of groups) {
    const keys = shape.split(",");
    const rows = group.map((u) => {
      const row: Record<string, unknown> = { id: u.id };
      for (const k of keys) row[k] = toJsonValue(u.data[k as keyof Prisma.CouplingUpdateInput]);
      return row;
    });
    const set = keys.map((k) => `"${k}" = u."${k}"${COLUMNS[k].cast}`).join(", ");
    const columns = ["id uuid", ...keys.map((k) => `"${k}" ${COLUMNS[k].type}`)].join(", ");
    // Column names come from the fixed table above, never from input; the values travel as one JSON parameter.
    await db.$executeRawUnsafe(
      `UPDATE "Coupling" c SET ${set}, "updatedAt" = (now() AT TIME ZONE 'UTC') FROM jsonb_to_recordset($1::jsonb) AS u(${columns}) WHERE c."id" = u.id`,
      JSON.stringify(rows),
    );
  }
}
