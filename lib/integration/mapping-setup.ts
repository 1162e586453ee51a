import { actionError } from "../actions/action-result.ts";
import { serverMessage } from "../actions/server-message.ts";
import { writeAuditEntry, type AuditActor } from "../auth/audit-entry.ts";
import type { Db, Tx } from "../db/db-client.ts";
import type { Prisma } from "../db/generated/client.ts";
import { defaultTableMapping, defaultTableMappings, type DefaultTableMapping } from "./default-mappings.ts";

// Creating the default mappings (first start) and "Use Default Synchronization Setup" for one mapping (BC CSD
// `ResetConfiguration`): settings, field mappings and config templates back to the defaults; couplings, watermarks
// and the delta link are kept, so restoring never re-sends or forgets what is coupled.

function settingsOf(def: DefaultTableMapping) {
  return {
    erpTable: def.erpTable,
    dataverseEntity: def.dataverseEntity,
    direction: def.direction,
    tableFilter: def.tableFilter as Prisma.InputJsonValue,
    integrationTableFilter: def.integrationTableFilter as Prisma.InputJsonValue,
    syncOnlyCoupledRecords: def.syncOnlyCoupledRecords,
    updateConflictResolution: def.updateConflictResolution,
    deletionConflictResolution: def.deletionConflictResolution,
    dependencies: def.dependencies,
    syncAfterMatchBasedCoupling: def.syncAfterMatchBasedCoupling,
    createNewIfNoMatch: def.createNewIfNoMatch,
    isEnabled: def.isEnabled,
    scheduleSeconds: def.scheduleSeconds,
  };
}

function fieldMappingRows(def: DefaultTableMapping) {
  return def.fieldMappings.map((fm) => ({
    erpField: fm.erpField,
    dataverseAttribute: fm.dataverseAttribute,
    direction: fm.direction,
    constantValue: fm.constantValue,
    transformation: (fm.transformation ?? undefined) as Prisma.InputJsonValue | undefined,
    clearValueOnFailedSync: fm.clearValueOnFailedSync,
    notNull: fm.notNull,
    isEnabled: fm.isEnabled,
    useForMatchBasedCoupling: fm.useForMatchBasedCoupling,
    caseSensitiveMatching: fm.caseSensitiveMatching,
    matchPriority: fm.matchPriority,
    isUserDefined: false,
    sortOrder: fm.sortOrder,
  }));
}

function templateRows(def: DefaultTableMapping) {
  return def.configTemplates.map((t) => ({
    side: t.side,
    code: t.code,
    priority: t.priority,
    filter: t.filter as Prisma.InputJsonValue,
    values: t.values as Prisma.InputJsonValue,
  }));
}

async function createMapping(tx: Tx, def: DefaultTableMapping) {
  return tx.integrationTableMapping.create({
    data: {
      name: def.name,
      ...settingsOf(def),
      fieldMappings: { create: fieldMappingRows(def) },
      configTemplates: { create: templateRows(def) },
    },
  });
}

/** Creates each of the four default mappings that does not exist yet (by name); existing ones are left alone. */
export async function ensureDefaultMappings(db: Db): Promise<void> {
  const existing = new Set((await db.integrationTableMapping.findMany({ select: { name: true } })).map((m) => m.name));
  for (const def of defaultTableMappings()) {
    if (existing.has(def.name)) continue;
    try {
      await db.$transaction((tx) => createMapping(tx, def));
    } catch (error) {
      // Two processes starting at once: the other one created it (unique name).
      if ((error as { code?: string }).code !== "P2002") throw error;
    }
  }
}

/**
 * Use Default Synchronization Setup for one mapping: settings, field mappings and config templates are replaced by
 * the defaults. Couplings, watermarks and the delta link stay. Throws ActionError not_found for a user-defined name.
 */
export async function restoreDefaultMapping(db: Db, name: string, actor: AuditActor): Promise<void> {
  const def = defaultTableMapping(name.trim().toUpperCase());
  if (!def) throw actionError("not_found", serverMessage("errors.noDefaultSetup", { name }));
  await db.$transaction(async (tx) => {
    const current = await tx.integrationTableMapping.findUnique({ where: { name: def.name }, include: { fieldMappings: true } });
    if (!current) {
      const created = await createMapping(tx, def);
      await writeAuditEntry(tx, actor, { action: "mapping.restoreDefault", entityType: "IntegrationTableMapping", entityId: created.id, after: { name: def.name } });
      return;
    }
    if (current.erpTable !== def.erpTable || current.dataverseEntity !== def.dataverseEntity) {
      // Its couplings join other tables; restoring would leave them meaningless.
      const couplings = await tx.coupling.count({ where: { mappingId: current.id } });
      if (couplings > 0) {
        throw actionError(
          "conflict",
          serverMessage("errors.restoreDefaultConflict", { name: def.name, erpTable: current.erpTable, entity: current.dataverseEntity, count: String(couplings) }),
        );
      }
    }
    await tx.integrationFieldMapping.deleteMany({ where: { mappingId: current.id } });
    await tx.configTemplate.deleteMany({ where: { mappingId: current.id } });
    await tx.integrationTableMapping.update({
      where: { id: current.id },
      data: {
        ...settingsOf(def),
        rowVersion: { increment: 1 },
        fieldMappings: { create: fieldMappingRows(def) },
        configTemplates: { create: templateRows(def) },
      },
    });
    await writeAuditEntry(tx, actor, {
      action: "mapping.restoreDefault",
      entityType: "IntegrationTableMapping",
      entityId: current.id,
      before: { direction: current.direction, fieldMappings: current.fieldMappings.length },
      after: { direction: def.direction, fieldMappings: def.fieldMappings.length },
    });
  });
}
