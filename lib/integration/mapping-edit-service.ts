import type { z } from "zod";
import { actionError } from "../actions/action-result.ts";
import { serverMessage } from "../actions/server-message.ts";
import { writeAuditEntry, type AuditActor } from "../auth/audit-entry.ts";
import type { Db } from "../db/db-client.ts";
import type { IntegrationFieldMapping, IntegrationTableMapping, Prisma } from "../db/generated/client.ts";
import { dataverseAttributesOf } from "./field-catalog.ts";
import { tableMappingSchema } from "./mapping-schema.ts";
import type { fieldMappingOutSchema, mappingDetailSchema, mappingPatchSchema, mappingSummarySchema } from "./operations-api-schema.ts";
import { failingStateOf } from "./run-backoff.ts";

// Reading and editing table mappings for API v1: the list, one mapping with its field mappings, and PATCH — the
// current mapping merged with the changes, validated as a whole with mapping-schema.ts (field-level messages),
// guarded by rowVersion, audited with before and after.

type MappingSummary = z.input<typeof mappingSummarySchema>;
type MappingDetail = z.input<typeof mappingDetailSchema>;
type FieldMappingOut = z.input<typeof fieldMappingOutSchema>;

function summaryOf(m: IntegrationTableMapping, couplings: number): MappingSummary {
  return {
    name: m.name,
    erpTable: m.erpTable,
    dataverseEntity: m.dataverseEntity,
    direction: m.direction,
    isEnabled: m.isEnabled,
    syncOnlyCoupledRecords: m.syncOnlyCoupledRecords,
    status: m.status,
    scheduleSeconds: m.scheduleSeconds,
    couplings,
    lastRunAt: m.lastRunAt?.toISOString() ?? null,
    rowVersion: m.rowVersion,
    failing: failingStateOf(m, m.isEnabled && m.status !== "PAUSED" && m.status !== "ON_HOLD"),
  };
}

function fieldOut(fm: IntegrationFieldMapping): FieldMappingOut {
  return {
    id: fm.id,
    erpField: fm.erpField,
    dataverseAttribute: fm.dataverseAttribute,
    direction: fm.direction,
    constantValue: fm.constantValue,
    transformation: fm.transformation ?? null,
    clearValueOnFailedSync: fm.clearValueOnFailedSync,
    notNull: fm.notNull,
    isEnabled: fm.isEnabled,
    useForMatchBasedCoupling: fm.useForMatchBasedCoupling,
    caseSensitiveMatching: fm.caseSensitiveMatching,
    matchPriority: fm.matchPriority,
    isUserDefined: fm.isUserDefined,
    sortOrder: fm.sortOrder,
  };
}

export async function listMappings(db: Db): Promise<MappingSummary[]> {
  const rows = await db.integrationTableMapping.findMany({ orderBy: { name: "asc" }, include: { _count: { select: { couplings: true } } } });
  return rows.map((m) => summaryOf(m, m._count.couplings));
}

export async function getMappingDetail(db: Db, name: string): Promise<MappingDetail | null> {
  const m = await db.integrationTableMapping.findUnique({
    where: { name: name.trim().toUpperCase() },
    include: { fieldMappings: { orderBy: { sortOrder: "asc" } }, _count: { select: { couplings: true } } },
  });
  if (!m) return null;
  return {
    ...summaryOf(m, m._count.couplings),
    tableFilter: m.tableFilter,
    integrationTableFilter: m.integrationTableFilter,
    updateConflictResolution: m.updateConflictResolution,
    deletionConflictResolution: m.deletionConflictResolution,
    dependencies: m.dependencies,
    syncAfterMatchBasedCoupling: m.syncAfterMatchBasedCoupling,
    createNewIfNoMatch: m.createNewIfNoMatch,
    fieldMappings: m.fieldMappings.map(fieldOut),
  };
}

export type MappingPatch = z.output<typeof mappingPatchSchema>;

export async function patchMapping(db: Db, actor: AuditActor, name: string, patch: MappingPatch): Promise<MappingDetail> {
  const current = await db.integrationTableMapping.findUnique({ where: { name: name.trim().toUpperCase() }, include: { fieldMappings: { orderBy: { sortOrder: "asc" } } } });
  if (!current) throw actionError("not_found", serverMessage("errors.noMappingNamed", { name: name.trim().toUpperCase() }));
  const others = await db.integrationTableMapping.findMany({ select: { name: true, erpTable: true, dataverseEntity: true, dependencies: true } });
  const { rowVersion, ...changes } = patch;
  const merged = {
    name: current.name,
    erpTable: current.erpTable,
    dataverseEntity: current.dataverseEntity,
    direction: current.direction,
    tableFilter: current.tableFilter,
    integrationTableFilter: current.integrationTableFilter,
    syncOnlyCoupledRecords: current.syncOnlyCoupledRecords,
    updateConflictResolution: current.updateConflictResolution,
    deletionConflictResolution: current.deletionConflictResolution,
    dependencies: current.dependencies,
    syncAfterMatchBasedCoupling: current.syncAfterMatchBasedCoupling,
    createNewIfNoMatch: current.createNewIfNoMatch,
    isEnabled: current.isEnabled,
    scheduleSeconds: current.scheduleSeconds,
    fieldMappings: current.fieldMappings.map((fm) => {
      const { id, mappingId: _m, createdAt: _c, updatedAt: _u, ...rest } = fm;
      return { id, ...rest, transformation: rest.transformation ?? null };
    }),
    ...Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined)),
  };
  // Throws ZodError with field paths (→ 400 with details); nothing has been written.
  const parsed = tableMappingSchema({ dataverseAttributes: dataverseAttributesOf(current.dataverseEntity), mappings: others }).parse(merged);
  const before = await getMappingDetail(db, current.name);
  await db.$transaction(async (tx) => {
    const updated = await tx.integrationTableMapping.updateMany({
      where: { id: current.id, rowVersion },
      data: {
        direction: parsed.direction,
        // A To-only mapping's link was read for deletions only: a mapping that now gets data starts with a full read.
        ...(current.direction === "TO_INTEGRATION_TABLE" && parsed.direction !== current.direction ? { dataverseDeltaLink: null, dataverseModifiedOnWatermark: null } : {}),
        // Likewise a From-only mapping's ERP watermark was moved for deletions only: one that now sends data reads
        // every ERP change (records unchanged since their last synchronization cost no Dataverse request).
        ...(current.direction === "FROM_INTEGRATION_TABLE" && parsed.direction !== current.direction ? { erpWatermark: 0n } : {}),
        tableFilter: parsed.tableFilter as Prisma.InputJsonValue,
        integrationTableFilter: parsed.integrationTableFilter as Prisma.InputJsonValue,
        syncOnlyCoupledRecords: parsed.syncOnlyCoupledRecords,
        updateConflictResolution: parsed.updateConflictResolution,
        deletionConflictResolution: parsed.deletionConflictResolution,
        dependencies: parsed.dependencies,
        syncAfterMatchBasedCoupling: parsed.syncAfterMatchBasedCoupling,
        createNewIfNoMatch: parsed.createNewIfNoMatch,
        isEnabled: parsed.isEnabled,
        scheduleSeconds: parsed.scheduleSeconds,
        rowVersion: { increment: 1 },
      },
    });
    if (updated.count === 0) throw actionError("conflict", serverMessage("errors.mappingChanged", { name: current.name }));
    if (changes.fieldMappings !== undefined) {
      await tx.integrationFieldMapping.deleteMany({ where: { mappingId: current.id } });
      await tx.integrationFieldMapping.createMany({
        data: parsed.fieldMappings.map((fm, index) => ({
          mappingId: current.id,
          ...fm,
          transformation: (fm.transformation ?? undefined) as Prisma.InputJsonValue | undefined,
          sortOrder: fm.sortOrder || (index + 1) * 10,
        })),
      });
    }
  });
  const after = await getMappingDetail(db, current.name);
  await writeAuditEntry(db, actor, {
    action: "mapping.update",
    entityType: "IntegrationTableMapping",
    entityId: current.id,
    before: before as unknown as Prisma.InputJsonValue,
    after: after as unknown as Prisma.InputJsonValue,
  });
  return after!;
}
