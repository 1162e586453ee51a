import { actionError } from "../actions/action-result.ts";
import { renderText, serverMessage, type MessageParam, type ServerMessage } from "../actions/server-message.ts";
import { writeAuditEntry, type AuditActor } from "../auth/audit-entry.ts";
import { DataverseError } from "../dataverse/dataverse-error.ts";
import type { Db } from "../db/db-client.ts";
import type { Coupling, Prisma } from "../db/generated/client.ts";
import type { ErpTable, SyncErrorClass } from "../db/generated/enums.ts";
import { isForeignKeyViolation } from "../erp/prisma-errors.ts";
import type { DataverseRecord } from "./field-transfer.ts";
import { chunk, dataverseName, entityDefOf, erpDelegate, erpKeyOf, erpNameText, fetchDataverseRecords, type ErpRow, type OperationDeps } from "./operation-context.ts";
import type { RunDirection, RunRequest } from "./sync-run.ts";

// The Coupled Data Synchronization Errors page (BC §1.5, §2j), ours: every coupling in error is listed (failed and
// skipped alike — nothing is hidden), with whether each side still exists, grouped by error signature. The actions
// change the couplings (and, for Delete Records, the surviving record) at once and return the synchronization runs
// they need; the caller runs them now (`?wait=true`) or enqueues them.

export type SyncErrorRow = {
  id: string;
  mapping: string;
  table: ErpTable;
  erpId: string;
  no: string | null;
  erpExists: boolean;
  dataverseEntity: string;
  dataverseId: string;
  dataverseName: string | null;
  dataverseExists: boolean | null;
  errorClass: SyncErrorClass | null;
  isSkipped: boolean;
  message: string | null;
  signature: string | null;
  failedAt: string | null;
  conflict: unknown;
};

export type SyncErrorGroup = { signature: string; errorClass: SyncErrorClass | null; count: number; message: string | null };

export type SyncErrorQuery = { mapping?: string; signature?: string; errorClass?: SyncErrorClass; page: number; pageSize: number; checkDataverse?: boolean };

const IN_ERROR: Prisma.CouplingWhereInput = { OR: [{ errorClass: { not: null } }, { isSkipped: true }] };

function whereOf(query: Pick<SyncErrorQuery, "mapping" | "signature" | "errorClass">): Prisma.CouplingWhereInput {
  return {
    AND: [
      IN_ERROR,
      query.mapping ? { mapping: { name: query.mapping.toUpperCase() } } : {},
      query.signature ? { errorSignature: query.signature } : {},
      query.errorClass ? { errorClass: query.errorClass } : {},
    ],
  };
}

async function erpRecordsOf(db: Db, couplings: readonly Coupling[]): Promise<Map<string, ErpRow>> {
  const out = new Map<string, ErpRow>();
  const tables = [...new Set(couplings.map((c) => c.erpTable))];
  for (const table of tables) {
    const ids = couplings.filter((c) => c.erpTable === table).map((c) => c.erpId);
    for (const part of chunk(ids, 1000)) {
      for (const row of await erpDelegate(db, table).findMany({ where: { id: { in: part } } })) out.set(row.id, row);
    }
  }
  return out;
}

async function dataverseRecordsOf(deps: OperationDeps, couplings: readonly Coupling[]): Promise<Map<string, DataverseRecord>> {
  const out = new Map<string, DataverseRecord>();
  for (const entity of [...new Set(couplings.map((c) => c.dataverseEntity))]) {
    const found = await fetchDataverseRecords(deps.client, entity, couplings.filter((c) => c.dataverseEntity === entity).map((c) => c.dataverseId));
    for (const [id, record] of found) out.set(`${entity}:${id}`, record);
  }
  return out;
}

export async function listSyncErrors(
  deps: OperationDeps,
  query: SyncErrorQuery,
): Promise<{ items: SyncErrorRow[]; groups: SyncErrorGroup[]; total: number; page: number; pageSize: number }> {
  const { db } = deps;
  const where = whereOf(query);
  const [couplings, total, grouped] = await Promise.all([
    db.coupling.findMany({ where, include: { mapping: { select: { name: true } } }, orderBy: [{ failedAt: "desc" }, { id: "asc" }], skip: (query.page - 1) * query.pageSize, take: query.pageSize }),
    db.coupling.count({ where }),
    db.coupling.groupBy({ by: ["errorSignature", "errorClass"], where: whereOf({ mapping: query.mapping, errorClass: query.errorClass }), _count: { _all: true } }),
  ]);
  const erp = await erpRecordsOf(db, couplings);
  const dataverse = query.checkDataverse === false ? null : await dataverseRecordsOf(deps, couplings);
  const samples = await Promise.all(
    grouped.map((g) => db.coupling.findFirst({ where: { AND: [IN_ERROR, { errorSignature: g.errorSignature, errorClass: g.errorClass }] }, select: { errorMessage: true } })),
  );
  return {
    items: couplings.map((c) => {
      const e = erp.get(c.erpId) ?? null;
      const d = dataverse?.get(`${c.dataverseEntity}:${c.dataverseId}`) ?? null;
      return {
        id: c.id,
        mapping: c.mapping.name,
        table: c.erpTable,
        erpId: c.erpId,
        no: e ? erpKeyOf(c.erpTable, e) : null,
        erpExists: e !== null,
        dataverseEntity: c.dataverseEntity,
        dataverseId: c.dataverseId,
        dataverseName: d ? dataverseName(c.dataverseEntity, d).replace(/^'|'$/g, "") : null,
        dataverseExists: dataverse ? d !== null : null,
        errorClass: c.errorClass,
        isSkipped: c.isSkipped,
        message: c.errorMessage,
        signature: c.errorSignature,
        failedAt: c.failedAt?.toISOString() ?? null,
        conflict: c.conflict ?? null,
      };
    }),
    groups: grouped
      .map((g, i) => ({ signature: g.errorSignature ?? "", errorClass: g.errorClass, count: g._count._all, message: samples[i]?.errorMessage ?? null }))
      .sort((a, b) => b.count - a.count),
    total,
    page: query.page,
    pageSize: query.pageSize,
  };
}

// ───────────── actions ─────────────

export const SYNC_ERROR_ACTIONS = ["retry", "retryAll", "synchronize", "restore", "delete", "removeCoupling", "findForDeleted"] as const;
export type SyncErrorAction = (typeof SYNC_ERROR_ACTIONS)[number];

export type SyncErrorActionInput = {
  action: SyncErrorAction;
  /** Coupling ids (the errors page rows). retryAll and findForDeleted may leave them out: every coupling (of `mapping`). */
  ids?: string[];
  version?: "erp" | "dataverse";
  mapping?: string;
  requestedById?: string;
};

type OutcomeKind = "retried" | "synchronized" | "restored" | "deleted" | "uncoupled" | "found" | "skipped" | "failed";

/** `message` is in English (the API; Find for Deleted stores it on the coupling); `text` describes it for the reader. */
export type ActionOutcome = { couplingId: string; no: string | null; outcome: OutcomeKind; message: string; text: ServerMessage };

export type SyncErrorActionResult = { action: SyncErrorAction; outcomes: ActionOutcome[]; runs: RunRequest[]; message: string; text: ServerMessage };

type Loaded = { coupling: Coupling & { mapping: { id: string; name: string; direction: string } }; erp: ErpRow | null; dataverse: DataverseRecord | null };

async function loadCouplings(deps: OperationDeps, where: Prisma.CouplingWhereInput): Promise<Loaded[]> {
  const couplings = await deps.db.coupling.findMany({ where, include: { mapping: { select: { id: true, name: true, direction: true } } }, orderBy: { id: "asc" } });
  const erp = await erpRecordsOf(deps.db, couplings);
  const dataverse = await dataverseRecordsOf(deps, couplings);
  return couplings.map((coupling) => ({ coupling, erp: erp.get(coupling.erpId) ?? null, dataverse: dataverse.get(`${coupling.dataverseEntity}:${coupling.dataverseId}`) ?? null }));
}

function noOf(l: Loaded): string | null {
  return l.erp ? erpKeyOf(l.coupling.erpTable, l.erp) : null;
}

function nameOf(l: Loaded): MessageParam {
  return erpNameText(l.coupling.erpTable, null, noOf(l) ?? l.coupling.erpId);
}

function outcomeOf(l: Loaded, outcome: OutcomeKind, text: ServerMessage): ActionOutcome {
  return { couplingId: l.coupling.id, no: noOf(l), outcome, message: renderText("en", text), text };
}

/** "2 retried, 1 skipped." */
function summaryOf(outcomes: readonly ActionOutcome[]): ServerMessage {
  if (outcomes.length === 0) return serverMessage("outcomes.nothingToDo");
  const counts = new Map<OutcomeKind, number>();
  for (const o of outcomes) counts.set(o.outcome, (counts.get(o.outcome) ?? 0) + 1);
  const parts = [...counts.entries()].map(([kind, n]): MessageParam => serverMessage(`outcomeCounts.${kind}`, { count: String(n) }));
  const list = parts.reduceRight((rest, first) => serverMessage("names.list", { first, rest }));
  return serverMessage("outcomes.summary", { counts: list });
}

/** One run request per mapping and direction over the given couplings. */
function runsFor(items: Loaded[], direction: RunDirection | undefined, flags: Pick<RunRequest, "force" | "overrideSyncOnlyCoupled" | "trigger" | "requestedById">, sides: "both" | "erp" | "dataverse" = "both"): RunRequest[] {
  const byMapping = new Map<string, Loaded[]>();
  for (const item of items) byMapping.set(item.coupling.mappingId, [...(byMapping.get(item.coupling.mappingId) ?? []), item]);
  return [...byMapping.entries()].map(([mappingId, group]) => ({
    mappingId,
    direction,
    ...flags,
    scope: {
      ...(sides !== "dataverse" ? { erpIds: group.map((g) => g.coupling.erpId) } : {}),
      ...(sides !== "erp" ? { dataverseIds: group.map((g) => g.coupling.dataverseId) } : {}),
    },
  }));
}

const allows = (mappingDirection: string, direction: RunDirection) => mappingDirection === "BIDIRECTIONAL" || mappingDirection === direction;

export async function resolveSyncErrors(deps: OperationDeps, actor: AuditActor, input: SyncErrorActionInput): Promise<SyncErrorActionResult> {
  const { db } = deps;
  const needsIds = input.action !== "retryAll" && input.action !== "findForDeleted";
  if (needsIds && (!input.ids || input.ids.length === 0)) throw actionError("invalid", serverMessage("errors.chooseError"), { ids: [serverMessage("errors.chooseError")] });
  if (input.action === "synchronize" && !input.version) {
    throw actionError("invalid", serverMessage("errors.chooseVersion"), { version: [serverMessage("errors.chooseVersionField")] });
  }
  const scope: Prisma.CouplingWhereInput = {
    AND: [input.ids?.length ? { id: { in: input.ids } } : {}, input.mapping ? { mapping: { name: input.mapping.toUpperCase() } } : {}, input.action === "retryAll" ? IN_ERROR : {}],
  };
  if (input.ids?.length) {
    const found = await db.coupling.count({ where: { id: { in: input.ids } } });
    if (found === 0) throw actionError("not_found", serverMessage("errors.errorsGone"));
  }
  const items = await loadCouplings(deps, scope);
  const trigger = "MANUAL" as const;
  const outcomes: ActionOutcome[] = [];
  const runs: RunRequest[] = [];

  switch (input.action) {
    case "retry":
    case "retryAll": {
      // Retry (§2j): un-skip and process the pairs now; a pair whose record is gone is left for Restore / Delete.
      const ready = items.filter((i) => i.erp && i.dataverse);
      for (const i of items.filter((x) => !ready.includes(x))) outcomes.push(outcomeOf(i, "skipped", serverMessage("outcomes.retryGone", { record: nameOf(i) })));
      await db.coupling.updateMany({ where: { id: { in: ready.map((i) => i.coupling.id) } }, data: { isSkipped: false } });
      for (const i of ready) outcomes.push(outcomeOf(i, "retried", serverMessage("outcomes.retried", { record: nameOf(i) })));
      runs.push(...runsFor(ready, undefined, { trigger: "RETRY", requestedById: input.requestedById }));
      break;
    }
    case "synchronize": {
      const direction: RunDirection = input.version === "erp" ? "TO_INTEGRATION_TABLE" : "FROM_INTEGRATION_TABLE";
      const ready = items.filter((i) => i.erp && i.dataverse && allows(i.coupling.mapping.direction, direction));
      for (const i of items.filter((x) => !ready.includes(x))) {
        const text = !i.erp || !i.dataverse
          ? serverMessage("outcomes.notSynchronizedGone", { record: nameOf(i) })
          : serverMessage("outcomes.notSynchronizedDirection", { record: nameOf(i), mapping: i.coupling.mapping.name });
        outcomes.push(outcomeOf(i, "skipped", text));
      }
      await db.coupling.updateMany({ where: { id: { in: ready.map((i) => i.coupling.id) } }, data: { isSkipped: false } });
      const synchronized = input.version === "erp" ? "outcomes.synchronizedErp" : "outcomes.synchronizedDataverse";
      for (const i of ready) outcomes.push(outcomeOf(i, "synchronized", serverMessage(synchronized, { record: nameOf(i) })));
      runs.push(...runsFor(ready, direction, { trigger, force: true, overrideSyncOnlyCoupled: true, requestedById: input.requestedById }));
      // The opposite pass follows unforced: the pair now agrees, so it ends unchanged and clears that direction's
      // failure too (the error of a pair is cleared only when neither direction has failed).
      const opposite: RunDirection = direction === "TO_INTEGRATION_TABLE" ? "FROM_INTEGRATION_TABLE" : "TO_INTEGRATION_TABLE";
      runs.push(...runsFor(ready.filter((i) => allows(i.coupling.mapping.direction, opposite)), opposite, { trigger, requestedById: input.requestedById }));
      break;
    }
    case "restore": {
      // Restore Records (§2j): delete the coupling, then the engine creates the missing side from the survivor and couples.
      const erpSurvivors = items.filter((i) => i.erp && !i.dataverse);
      const dataverseSurvivors = items.filter((i) => !i.erp && i.dataverse);
      for (const i of items.filter((x) => !erpSurvivors.includes(x) && !dataverseSurvivors.includes(x))) {
        outcomes.push(outcomeOf(i, "skipped", i.erp ? serverMessage("outcomes.restoreBothExist", { record: nameOf(i) }) : serverMessage("outcomes.restoreNeither")));
      }
      const restorable = [
        ...erpSurvivors.filter((i) => allows(i.coupling.mapping.direction, "TO_INTEGRATION_TABLE")),
        ...dataverseSurvivors.filter((i) => allows(i.coupling.mapping.direction, "FROM_INTEGRATION_TABLE")),
      ];
      for (const i of [...erpSurvivors, ...dataverseSurvivors].filter((x) => !restorable.includes(x))) {
        outcomes.push(outcomeOf(i, "skipped", serverMessage("outcomes.restoreWrongDirection", { mapping: i.coupling.mapping.name })));
      }
      await removeCouplings(db, actor, restorable, "coupling.restore");
      for (const i of restorable) {
        const text = i.erp
          ? serverMessage("outcomes.restoredDataverse", { record: nameOf(i) })
          : serverMessage("outcomes.restoredErp", { entity: i.coupling.dataverseEntity });
        outcomes.push(outcomeOf(i, "restored", text));
      }
      const flags = { trigger, force: true, overrideSyncOnlyCoupled: true, requestedById: input.requestedById };
      runs.push(...runsFor(restorable.filter((i) => i.erp), "TO_INTEGRATION_TABLE", flags, "erp"));
      runs.push(...runsFor(restorable.filter((i) => !i.erp), "FROM_INTEGRATION_TABLE", flags, "dataverse"));
      break;
    }
    case "delete": {
      // Delete Records (§2j): delete the surviving record, then the coupling.
      for (const i of items) {
        if (Boolean(i.erp) === Boolean(i.dataverse)) {
          outcomes.push(outcomeOf(i, "skipped", i.erp ? serverMessage("outcomes.deleteBothExist", { record: nameOf(i) }) : serverMessage("outcomes.deleteNeither")));
          continue;
        }
        try {
          if (i.erp) {
            await erpDelegate(db, i.coupling.erpTable).delete({ where: { id: i.erp.id } });
          } else {
            await deps.client.delete(entityDefOf(i.coupling.dataverseEntity).entitySet, i.coupling.dataverseId);
          }
          await removeCouplings(db, actor, [i], "coupling.deleteRecords");
          const text = i.erp
            ? serverMessage("outcomes.deletedErp", { record: nameOf(i) })
            : serverMessage("outcomes.deletedDataverse", { entity: i.coupling.dataverseEntity });
          outcomes.push(outcomeOf(i, "deleted", text));
        } catch (error) {
          const text = deleteFailure(i, error);
          if (!text) throw error;
          outcomes.push(outcomeOf(i, "failed", text));
        }
      }
      break;
    }
    case "removeCoupling": {
      await removeCouplings(db, actor, items, "coupling.delete");
      for (const i of items) outcomes.push(outcomeOf(i, "uncoupled", serverMessage("outcomes.noLongerCoupled", { record: nameOf(i) })));
      break;
    }
    case "findForDeleted": {
      // Find for Deleted (§2j, BC `MarkLocalDeletedAsSkipped`): couplings with a missing side go to the errors page.
      const now = new Date();
      for (const i of items) {
        if (i.erp && i.dataverse) continue;
        // Stored on the coupling in English, an engine message the errors page recognises and shows translated.
        const text = !i.erp && !i.dataverse
          ? serverMessage("engine.findBothDeleted")
          : i.erp
            ? serverMessage("engine.findDataverseDeleted", { entity: i.coupling.dataverseEntity, record: nameOf(i), table: { key: `tableNouns.${i.coupling.erpTable}` } })
            : serverMessage("engine.findErpDeleted", { entity: i.coupling.dataverseEntity, name: dataverseName(i.coupling.dataverseEntity, i.dataverse, i.coupling.dataverseId) });
        const found = outcomeOf(i, "found", text);
        await db.coupling.update({
          where: { id: i.coupling.id },
          data: { errorClass: "DELETION_CONFLICT", errorMessage: found.message, isSkipped: true, failedAt: now },
        });
        outcomes.push(found);
      }
      break;
    }
  }
  if ((input.action === "synchronize" || input.action === "retry" || input.action === "retryAll") && outcomes.some((o) => o.outcome !== "skipped")) {
    // Choosing a version resolves a conflict: who did it, and which side won, belongs in the audit log.
    await writeAuditEntry(db, actor, {
      action: `syncError.${input.action}`,
      entityType: "Coupling",
      entityId: input.ids?.length === 1 ? input.ids[0] : null,
      after: { couplings: outcomes.filter((o) => o.outcome !== "skipped").map((o) => o.couplingId).slice(0, 500), version: input.version ?? null },
    });
  }
  const text = summaryOf(outcomes);
  return { action: input.action, outcomes, runs, message: renderText("en", text), text };
}

function deleteFailure(item: Loaded, error: unknown): ServerMessage | null {
  if (isForeignKeyViolation(error)) return serverMessage("outcomes.deleteReferenced", { record: nameOf(item) });
  if (error instanceof DataverseError) {
    if (error.retryClass === "auth") return serverMessage("outcomes.deleteNoPermission");
    if (error.retryClass === "notFound") return serverMessage("outcomes.deleteAlreadyGone");
    return serverMessage("outcomes.deleteRefused", { detail: error.message });
  }
  return null;
}

async function removeCouplings(db: Db, actor: AuditActor, items: Loaded[], action: string): Promise<void> {
  if (items.length === 0) return;
  await db.$transaction(async (tx) => {
    await tx.coupling.deleteMany({ where: { id: { in: items.map((i) => i.coupling.id) } } });
    for (const i of items) {
      await writeAuditEntry(tx, actor, {
        action,
        entityType: "Coupling",
        entityId: i.coupling.id,
        before: { mapping: i.coupling.mapping.name, erp: noOf(i), erpId: i.coupling.erpId, dataverseEntity: i.coupling.dataverseEntity, dataverseId: i.coupling.dataverseId },
      });
    }
  });
}
