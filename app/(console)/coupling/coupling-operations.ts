import { z } from "zod";
import { ActionError, actionError, readerRenderer, type ActionResult } from "../../../lib/actions/action-result.ts";
import { fieldText, serverMessage } from "../../../lib/actions/server-message.ts";
import { requirePermission } from "../../../lib/auth/authorize.ts";
import { roleHasPermission } from "../../../lib/auth/permissions.ts";
import { and, contains, normalizeGuid } from "../../../lib/dataverse/odata-query.ts";
import { getDb } from "../../../lib/db/db-client.ts";
import type { ErpTable } from "../../../lib/db/generated/enums.ts";
import { parseInput } from "../../../lib/erp/parse-input.ts";
import { coupleRecord, createNewAndCouple, prepareCouple } from "../../../lib/integration/coupling-service.ts";
import { runAction as run } from "../../../lib/integration/console-action.ts";
import { fromWebApiRow } from "../../../lib/integration/field-transfer.ts";
import { createJob, jobSummaries } from "../../../lib/integration/job-queries.ts";
import { localizeMatchReport, runMatchBasedCoupling, saveMatchCriteria, validateMatchRequest, type MatchReport } from "../../../lib/integration/match-based-coupling.ts";
import {
  actorOf,
  compareRecords,
  dataverseIdOf,
  dataverseName,
  entityDefOf,
  findErpRecord,
  integrationODataFilter,
  mappingForTable,
} from "../../../lib/integration/operation-context.ts";
import { operationDeps } from "../../../lib/integration/operations-api.ts";
import { enqueueRuns, executeRuns } from "../../../lib/integration/run-dispatch.ts";
import { planSynchronizeNow, recommendForRecord, type RecordRecommendation } from "../../../lib/integration/synchronize-now.ts";
import { claimUncouplingJob, couplingIdsOf, deleteCoupling } from "../../../lib/integration/uncoupling-service.ts";
import { enqueue } from "../../../lib/queue/enqueue.ts";
import type {
  CouplingDialogState,
  DataverseCandidate,
  FieldComparisonRow,
  MatchCriteriaOptions,
  OperationOutcome,
} from "../../../components/coupling/coupling-types.ts";

// The coupling operations behind the coupling server actions of customers and contacts: the table travels in the
// input, like every other field, and is validated with it. Order in every one: permission, input, then
// lib/integration. Dataverse failures become messages the user can act on, never a crash.

export type CouplingTable = Extract<ErpTable, "CUSTOMER" | "CONTACT">;

const couplingTable = z.enum(["CUSTOMER", "CONTACT"], { message: fieldText("fields.chooseTable") });
const erpId = z.uuid({ message: fieldText("fields.mustBeRecordId") });
const erpIds = z
  .array(erpId)
  .min(1, { message: fieldText("fields.selectAtLeastOne") })
  .max(500, { message: fieldText("fields.selectAtMost", { max: "500" }) });
const dataverseId = z.guid({ message: fieldText("fields.chooseDataverseRecord") });

const tableSchema = z.object({ table: couplingTable }).strict();
const recordSchema = z.object({ table: couplingTable, erpId }).strict();
const searchSchema = z.object({ table: couplingTable, erpId, query: z.string().trim().max(100, { message: fieldText("fields.typeAtMost", { max: "100" }) }) }).strict();
const previewSchema = z.object({ table: couplingTable, erpId, dataverseId }).strict();
const setUpSchema = z
  .object({
    table: couplingTable,
    erpId,
    dataverseId: dataverseId.optional(),
    createNew: z.boolean().default(false),
    syncAfterCoupling: z.enum(["none", "erp", "dataverse"]).default("none"),
  })
  .strict()
  .refine((v) => v.createNew || v.dataverseId, { message: fieldText("fields.chooseDataverseOrCreateNew"), path: ["dataverseId"] });
const synchronizeSchema = z.object({ table: couplingTable, erpIds, direction: z.enum(["toDataverse", "fromDataverse", "bidirectional"]).optional() }).strict();
const deleteSchema = z.object({ table: couplingTable, erpIds }).strict();
const criterionSchema = z
  .object({ erpField: z.string().trim().min(1).max(60), caseSensitive: z.boolean().default(false), priority: z.number().int().min(0).max(1000).default(0) })
  .strict();
const matchSchema = z
  .object({
    table: couplingTable,
    erpIds,
    criteria: z.array(criterionSchema).min(1, { message: fieldText("fields.chooseMatchField") }).max(50).optional(),
    createNewIfNoMatch: z.boolean().default(false),
    syncAfterCoupling: z.boolean().default(false),
    /** Also make this run's choices the mapping's defaults: only for a role that may change mappings. */
    saveCriteria: z.boolean().default(false),
  })
  .strict();

async function requireRecord(table: CouplingTable, id: string) {
  const record = await findErpRecord(getDb(), table, id);
  if (!record) throw actionError("not_found", serverMessage("errors.recordGoneReload", { record: { key: `recordNouns.${table}` } }));
  return record;
}

/** What Set Up Coupling opens with (BC §1.6): the current coupling, the default Synchronize After Coupling, Create New. */
export function couplingDialogState(input: unknown): Promise<ActionResult<CouplingDialogState>> {
  return run(async () => {
    await requirePermission("coupling.manage");
    const data = parseInput(recordSchema, input);
    const table = data.table;
    const db = getDb();
    await requireRecord(table, data.erpId);
    const mapping = await mappingForTable(db, table);
    const coupling = await db.coupling.findUnique({ where: { erpTable_erpId: { erpTable: table, erpId: data.erpId } } });
    let coupledTo: DataverseCandidate | null = null;
    if (coupling) {
      const deps = await operationDeps(db);
      const row = await deps.client.tryRetrieve(entityDefOf(coupling.dataverseEntity).entitySet, coupling.dataverseId).catch(() => null);
      coupledTo = { id: coupling.dataverseId, name: row ? dataverseName(coupling.dataverseEntity, fromWebApiRow(row)).replace(/^'|'$/g, "") : coupling.dataverseId, isCoupled: true, detail: "" };
    }
    const direction = mapping.row.direction;
    return {
      mapping: mapping.row.name,
      direction,
      entity: mapping.row.dataverseEntity,
      coupledTo,
      defaultSyncAfter: coupling ? "none" : direction === "FROM_INTEGRATION_TABLE" ? "dataverse" : "erp",
      canCreateNew: !coupling && direction !== "FROM_INTEGRATION_TABLE",
      syncAfterOptions: direction === "BIDIRECTIONAL" ? ["none", "erp", "dataverse"] : direction === "TO_INTEGRATION_TABLE" ? ["none", "erp"] : ["none", "dataverse"],
    };
  });
}

const SEARCH_LIMIT = 20;

/** The typeahead of Set Up Coupling: Dataverse records whose name contains the text, within the integration table filter. */
export function searchDataverse(input: unknown): Promise<ActionResult<DataverseCandidate[]>> {
  return run(async () => {
    await requirePermission("coupling.manage");
    const data = parseInput(searchSchema, input);
    const table = data.table;
    const db = getDb();
    await requireRecord(table, data.erpId);
    const mapping = await mappingForTable(db, table);
    const entity = mapping.row.dataverseEntity;
    const def = entityDefOf(entity);
    const deps = await operationDeps(db);
    const detailField = entity === "contact" ? "emailaddress1" : "address1_city";
    const rows = await deps.client.queryAll(def.entitySet, {
      select: [def.primaryId, def.primaryName, detailField],
      filter: and(data.query ? contains(def.primaryName, data.query) : undefined, integrationODataFilter(mapping)),
      orderBy: [{ path: def.primaryName }],
      top: SEARCH_LIMIT,
    });
    const records = rows.map(fromWebApiRow);
    const ids = records.map((r) => dataverseIdOf(entity, r));
    const coupled = new Set(
      ids.length ? (await db.coupling.findMany({ where: { dataverseEntity: entity, dataverseId: { in: ids } }, select: { dataverseId: true } })).map((c) => c.dataverseId) : [],
    );
    return records.map((r) => {
      const id = dataverseIdOf(entity, r);
      return { id, name: String(r[def.primaryName] ?? id), detail: typeof r[detailField] === "string" ? (r[detailField] as string) : "", isCoupled: coupled.has(id) };
    });
  });
}

/**
 * The side-by-side comparison before OK, and the refusals coupling would give (already coupled, outside the filter),
 * without writing anything.
 */
export function previewCoupling(input: unknown): Promise<ActionResult<{ fields: FieldComparisonRow[]; name: string }>> {
  return run(async () => {
    await requirePermission("coupling.manage");
    const data = parseInput(previewSchema, input);
    const table = data.table;
    const db = getDb();
    const deps = await operationDeps(db);
    const { check } = await prepareCouple(deps, { table, erpId: data.erpId, dataverseId: data.dataverseId, syncAfterCoupling: "none" });
    const { states } = await compareRecords(db, check.mapping, check.erp, check.dataverse, deps.client);
    return {
      name: dataverseName(check.mapping.row.dataverseEntity, check.dataverse, check.dataverseId).replace(/^'|'$/g, ""),
      fields: states.map((s) => ({
        key: s.key,
        erpLabel: s.erpLabel,
        dataverseLabel: s.dataverseLabel,
        erp: s.erp === null ? "" : String(s.erp),
        dataverse: s.dataverse === null ? "" : String(s.dataverse),
        direction: s.mapping.direction,
        isSame: s.erpAsDataverse.ok ? String(s.erpAsDataverse.value ?? "") === String(s.dataverse ?? "") : false,
      })),
    };
  });
}

/** OK in Set Up Coupling: couple (and synchronize after coupling) or Create New, in this request. */
export function setUpCoupling(input: unknown): Promise<ActionResult<OperationOutcome>> {
  return run(async () => {
    const user = await requirePermission("coupling.manage");
    const data = parseInput(setUpSchema, input);
    const table = data.table;
    const db = getDb();
    const deps = await operationDeps(db);
    const actor = actorOf(user);
    const result = data.createNew
      ? await createNewAndCouple(deps, actor, { table, erpId: data.erpId, requestedById: user.id })
      : await coupleRecord(deps, actor, { table, erpId: data.erpId, dataverseId: normalizeGuid(data.dataverseId!), syncAfterCoupling: data.syncAfterCoupling, requestedById: user.id });
    if (!result.coupling) throw new ActionError("invalid", result.message, undefined, { message: result.text });
    const render = await readerRenderer();
    return { status: "completed", message: render(result.text), jobs: await jobSummaries(db, result.jobs.map((j) => j.id)) };
  });
}

/** What the Synchronize Now prompt offers for one record (§2i). */
export function recommendSynchronization(input: unknown): Promise<ActionResult<RecordRecommendation & { direction: string }>> {
  return run(async () => {
    await requirePermission("sync.run");
    const data = parseInput(recordSchema, input);
    const table = data.table;
    const db = getDb();
    const mapping = await mappingForTable(db, table);
    const recommendation = await recommendForRecord(await operationDeps(db), { table, erpId: data.erpId });
    const render = await readerRenderer();
    return { ...recommendation, message: render(recommendation.text), direction: mapping.row.direction };
  });
}

/**
 * Synchronize Now: one-direction runs go on the queue (their job ids come back for polling); Merge (both passes,
 * whose job rows only exist once a worker starts it) runs here, for the one record it is offered for.
 */
export function synchronizeRecords(input: unknown): Promise<ActionResult<OperationOutcome>> {
  return run(async () => {
    const user = await requirePermission("sync.run");
    const data = parseInput(synchronizeSchema, input);
    const table = data.table;
    const db = getDb();
    const deps = await operationDeps(db);
    const plan = await planSynchronizeNow(deps, { table, erpIds: data.erpIds, direction: data.direction, trigger: "MANUAL", requestedById: user.id });
    const render = await readerRenderer();
    if (plan.request.direction) {
      const queued = await enqueueRuns(db, [plan.request]);
      return { status: "queued", message: render(serverMessage("outcomes.syncScheduled")), jobIds: queued.flatMap((q) => (q.syncJobId ? [q.syncJobId] : [])), jobs: [] };
    }
    const jobs = await executeRuns(deps, [plan.request]);
    return { status: "completed", message: render(serverMessage("outcomes.syncFinished")), jobs: await jobSummaries(db, jobs.map((j) => j.id)) };
  });
}

/** Delete Coupling: one record at once; several as an uncoupling job (both records always stay). */
export function deleteCouplings(input: unknown): Promise<ActionResult<OperationOutcome>> {
  return run(async () => {
    const user = await requirePermission("coupling.manage");
    const data = parseInput(deleteSchema, input);
    const table = data.table;
    const db = getDb();
    const actor = actorOf(user);
    const render = await readerRenderer();
    if (data.erpIds.length === 1) {
      const outcome = await deleteCoupling(db, actor, { table, erpId: data.erpIds[0] });
      return { status: "completed", message: render(outcome.text), jobs: [] };
    }
    const { mappingId, couplingIds } = await couplingIdsOf(db, table, data.erpIds);
    if (couplingIds.length === 0) throw actionError("invalid", serverMessage("errors.noneCoupled"));
    const jobId = await claimUncouplingJob(db, { mappingId, couplingIds, requestedById: user.id });
    await enqueue("uncoupling", { mappingId, couplingIds, requestedById: user.id, jobId });
    return { status: "queued", message: render(serverMessage("outcomes.uncouplingScheduled")), jobIds: [jobId], jobs: [], skipped: data.erpIds.length - couplingIds.length };
  });
}

/** The fields Match-Based Coupling can match on, and the mapping's default criteria (the dialog's starting point). */
export function matchCriteriaOptions(input: unknown): Promise<ActionResult<MatchCriteriaOptions>> {
  return run(async () => {
    const user = await requirePermission("coupling.manage");
    const { table } = parseInput(tableSchema, input);
    const mapping = await mappingForTable(getDb(), table);
    const fields = mapping.fieldRows
      .filter((fm) => fm.isEnabled && fm.erpField && fm.dataverseAttribute && !fm.constantValue)
      .map((fm) => ({
        erpField: fm.erpField!,
        dataverseAttribute: fm.dataverseAttribute!,
        isSelected: fm.useForMatchBasedCoupling,
        caseSensitive: fm.caseSensitiveMatching,
        priority: fm.matchPriority,
      }));
    return {
      mapping: mapping.row.name,
      fields,
      createNewIfNoMatch: mapping.row.createNewIfNoMatch,
      syncAfterCoupling: mapping.row.syncAfterMatchBasedCoupling,
      canCreateNew: mapping.row.direction !== "FROM_INTEGRATION_TABLE",
      canSaveCriteria: roleHasPermission(user.role, "mapping.manage"),
    };
  });
}

/**
 * A run's criteria, Create New and Synchronize After Coupling are its own: anyone who may couple may choose them.
 * Saving them as the mapping's defaults changes the mapping, so it takes the permission to change mappings.
 */
async function matchInput(input: unknown) {
  const user = await requirePermission("coupling.manage");
  const data = parseInput(matchSchema, input);
  if (data.saveCriteria && !roleHasPermission(user.role, "mapping.manage")) {
    throw actionError("forbidden", serverMessage("errors.saveCriteriaForbidden"));
  }
  const db = getDb();
  const mapping = await mappingForTable(db, data.table);
  const request = {
    mappingId: mapping.row.id,
    erpRecordIds: data.erpIds,
    criteria: data.criteria,
    createNewIfNoMatch: data.createNewIfNoMatch,
    synchronizeAfterCoupling: data.syncAfterCoupling,
    requestedById: user.id,
    trigger: "MANUAL" as const,
  };
  await validateMatchRequest(db, request);
  return { user, db, mapping, request, saveCriteria: data.saveCriteria };
}

/** The dry run: matches, ambiguities and creations; nothing is written (not even criteria to be saved). */
export function previewMatchBasedCoupling(input: unknown): Promise<ActionResult<MatchReport>> {
  return run(async () => {
    const { user, db, request } = await matchInput(input);
    return localizeMatchReport(await runMatchBasedCoupling(await operationDeps(db), actorOf(user), { ...request, dryRun: true }));
  });
}

/** The real run, as a coupling job on the queue (its id comes back for polling); first the defaults, when asked. */
export function startMatchBasedCoupling(input: unknown): Promise<ActionResult<OperationOutcome>> {
  return run(async () => {
    const { user, db, mapping, request, saveCriteria } = await matchInput(input);
    if (saveCriteria) await saveMatchCriteria(db, actorOf(user), request);
    const jobId = await createJob(db, { type: "COUPLING", mappingId: mapping.row.id, trigger: "MANUAL", requestedById: user.id, scope: { matchBased: true } });
    await enqueue("match-coupling", {
      mappingId: request.mappingId,
      erpRecordIds: request.erpRecordIds,
      criteria: request.criteria,
      createNewIfNoMatch: request.createNewIfNoMatch,
      synchronizeAfterCoupling: request.synchronizeAfterCoupling,
      requestedById: user.id,
      jobId,
    });
    const render = await readerRenderer();
    return { status: "queued", message: render(serverMessage("outcomes.matchScheduled")), jobIds: [jobId], jobs: [] };
  });
}
