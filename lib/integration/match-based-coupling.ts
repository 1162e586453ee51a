import { writeAuditEntry, type AuditActor } from "../auth/audit-entry.ts";
import { environmentUrl } from "../dataverse/dataverse-config.ts";
import { and, eq, guid, normalizeGuid, or, type Filter, type LiteralValue } from "../dataverse/odata-query.ts";
import type { Db } from "../db/db-client.ts";
import type { IntegrationFieldMapping } from "../db/generated/client.ts";
import type { SyncJobTrigger } from "../db/generated/enums.ts";
import { ActionError, actionError, readerRenderer } from "../actions/action-result.ts";
import { renderText, serverMessage, type ServerMessage } from "../actions/server-message.ts";
import { insertCouplings } from "./coupling-service.ts";
import { dataverseAttributesOf } from "./field-catalog.ts";
import { fromWebApiRow, type Comparable, type DataverseRecord } from "./field-transfer.ts";
import { addJobError, addRecordLogs, advanceJob, finishJob, keepJobAlive, startJob, type RecordLogInput } from "./job-queries.ts";
import {
  chunk,
  compareRecords,
  dataverseIdOf,
  dataverseName,
  dataverseNounText,
  entityDefOf,
  erpDelegate,
  erpKeyOf,
  erpNameText,
  erpWhereOf,
  integrationODataFilter,
  loadMappingById,
  UnprocessableError,
  type ErpRow,
  type LoadedMapping,
  type OperationDeps,
} from "./operation-context.ts";
import { runSync, type RunDirection, type RunJobResult } from "./sync-run.ts";
import { dataverseFilterFields } from "./table-filter.ts";

// Match-based coupling (BC §2g, SYNC-SEMANTICS "Match-based coupling"). For each uncoupled ERP record in scope:
// priority groups are tried in ascending order; inside a group every criterion must match (AND); a later group is a
// fresh attempt — ours: BC carries the earlier groups' filters over, which makes later groups stricter instead of
// alternatives. A criterion whose ERP value is empty is left out of its group; a group left without criteria cannot
// match (empty values never match). Candidates are the Dataverse rows within the mapping's integration table filter
// that are not coupled (and not claimed by an earlier record of the same run). Exactly one → couple; none → the next
// group; more than one → remembered as ambiguous and the next group is tried. A record no group couples is ambiguous
// if any group found several candidates (never coupled, never created — creating would add a duplicate), else
// unmatched: created in Dataverse when Create New is on, else failed "no match". A dry run answers the three lists
// and writes nothing.
// A run's criteria (and Create New, Synchronize After Coupling) are its own: a run never changes the mapping. Making
// them the mapping's defaults is a separate, explicit step (saveMatchCriteria) that callers allow only to a role that
// may change mappings.

export type MatchCriterion = { erpField: string; caseSensitive: boolean; priority: number };

export type MatchCouplingInput = {
  mappingId: string;
  erpRecordIds?: string[];
  /** Absent: the mapping's default criteria (its field mappings' match settings). Given: for this run only. */
  criteria?: MatchCriterion[];
  createNewIfNoMatch?: boolean;
  synchronizeAfterCoupling?: boolean;
  dryRun?: boolean;
  trigger?: SyncJobTrigger;
  requestedById?: string;
  jobId?: string;
  workerId?: string;
};

export type CandidateView = { dataverseId: string; name: string };
export type MatchedRecord = { erpId: string; no: string; dataverseId: string; name: string; priority: number };
export type AmbiguousRecord = { erpId: string; no: string; priority: number; candidates: CandidateView[] };
/** `message` is in English (the job's log, the API); `text` describes it, for the reader's language. */
export type UnmatchedRecord = { erpId: string; no: string; action: "create" | "none"; message: string; text: ServerMessage };

export type MatchReport = {
  dryRun: boolean;
  mapping: string;
  criteria: MatchCriterion[];
  matched: MatchedRecord[];
  ambiguous: AmbiguousRecord[];
  unmatched: UnmatchedRecord[];
  /** Records in scope that were already coupled (left alone). */
  alreadyCoupled: number;
  jobId: string | null;
  /** Create New and Synchronize After Coupling runs. */
  jobs: RunJobResult[];
  counters: { coupled: number; inserted: number; failed: number };
};

const MAX_CANDIDATES = 25;

/** A message of the job's log: stored in English, and shown in the reader's language by recognising its wording. */
const english = (...args: Parameters<typeof serverMessage>) => renderText("en", serverMessage(...args));

/** The criteria to use: given ones validated against the mapping, or the saved ones. */
export function resolveCriteria(mapping: LoadedMapping, given: MatchCriterion[] | undefined): MatchCriterion[] {
  if (!given) {
    return mapping.fieldRows
      .filter((fm) => fm.isEnabled && fm.useForMatchBasedCoupling && fm.erpField && fm.dataverseAttribute)
      .map((fm) => ({ erpField: fm.erpField!, caseSensitive: fm.caseSensitiveMatching, priority: fm.matchPriority }));
  }
  const errors: Record<string, ServerMessage[]> = {};
  given.forEach((c, index) => {
    const fm = fieldRowFor(mapping, c.erpField);
    if (!fm) errors[`criteria.${index}.erpField`] = [serverMessage("fields.noFieldMapping", { name: mapping.row.name, field: c.erpField })];
  });
  const seen = new Set<string>();
  given.forEach((c, index) => {
    if (seen.has(c.erpField)) errors[`criteria.${index}.erpField`] = [serverMessage("fields.listedTwice", { field: c.erpField })];
    seen.add(c.erpField);
  });
  if (Object.keys(errors).length > 0) throw actionError("invalid", serverMessage("errors.matchCriteriaInvalid"), errors);
  return given;
}

function fieldRowFor(mapping: LoadedMapping, erpField: string): IntegrationFieldMapping | undefined {
  return mapping.fieldRows.find((fm) => fm.isEnabled && fm.erpField === erpField && fm.dataverseAttribute && !fm.constantValue);
}

function groupsOf(criteria: MatchCriterion[]): { priority: number; criteria: MatchCriterion[] }[] {
  const priorities = [...new Set(criteria.map((c) => c.priority))].sort((a, b) => a - b);
  return priorities.map((priority) => ({ priority, criteria: criteria.filter((c) => c.priority === priority) }));
}

/** `text`: a text attribute compared as text here too, which lets several records share one Dataverse query. */
type Condition = { attribute: string; value: Comparable; caseSensitive: boolean; text: boolean; filter: Filter };

/** A record's conditions for each criteria group (in the groups' order); a group's list is empty when it cannot match. */
async function conditionsFor(deps: OperationDeps, mapping: LoadedMapping, erp: ErpRow, groups: { criteria: MatchCriterion[] }[]): Promise<Condition[][]> {
  const { states } = await compareRecords(deps.db, mapping, erp, null);
  const fields = dataverseFilterFields(dataverseAttributesOf(mapping.row.dataverseEntity));
  return groups.map((group) => {
    const out: Condition[] = [];
    for (const criterion of group.criteria) {
      const state = states.find((s) => s.mapping.erpField === criterion.erpField && s.mapping.dataverseAttribute);
      if (!state || !state.erpAsDataverse.ok) continue;
      const value = state.erpAsDataverse.value;
      if (value === null || value === "") continue;
      const attribute = state.mapping.dataverseAttribute!;
      const field = fields.find((f) => f.name === attribute);
      const path = field?.path ?? attribute;
      const literal: LiteralValue = field?.kind === "guid" ? guid(String(value)) : value;
      out.push({ attribute, value, caseSensitive: criterion.caseSensitive, text: field?.kind === "text" && typeof value === "string", filter: eq(path, literal) });
    }
    return out;
  });
}

function matchesExactly(record: DataverseRecord, conditions: Condition[]): boolean {
  // Dataverse compares text case-insensitively and ignores trailing blanks; a case-sensitive criterion is checked
  // again here, and every text condition is, because a shared query also returns the other records' candidates.
  // Other kinds are compared by Dataverse in the record's own query.
  return conditions.every((c) => {
    if (!c.text) return true;
    const actual = record[c.attribute];
    if (typeof actual !== "string") return false;
    const [a, v] = [actual.trimEnd(), String(c.value).trimEnd()];
    return c.caseSensitive ? a === v : a.toLowerCase() === v.toLowerCase();
  });
}

/** Records whose candidates one Dataverse query fetches, and the longest $filter it may have (URLs stay < 32 KB). */
const SHARED_QUERY_RECORDS = 50;
const SHARED_QUERY_FILTER_CHARS = 8_000;
/** Records planned together: their candidates fetched, and their candidates' couplings read, at once. */
const PLAN_SLICE = 500;
/** Matched records coupled together: one transaction, one counter update and one log insert. */
const COUPLE_SLICE = 500;

/**
 * Each record's candidates for one criteria group (the Dataverse rows within the integration table filter meeting
 * all its conditions). Records with text conditions only share `or`-ed queries, 50 at a time, instead of one request
 * each: 10,000 records with 300 ms per request would otherwise take 50 minutes.
 */
async function candidatesFor(deps: OperationDeps, mapping: LoadedMapping, conditionLists: Condition[][]): Promise<DataverseRecord[][]> {
  const entitySet = entityDefOf(mapping.row.dataverseEntity).entitySet;
  const integrationFilter = integrationODataFilter(mapping);
  const out: DataverseRecord[][] = conditionLists.map(() => []);
  const alone: number[] = [];
  const shared: number[][] = [[]];
  let filterChars = 0;
  conditionLists.forEach((conditions, index) => {
    if (conditions.length === 0) return;
    if (!conditions.every((c) => c.text)) return void alone.push(index);
    const chars = conditions.reduce((n, c) => n + c.filter.odata.length + 9, 0);
    let current = shared[shared.length - 1];
    if (current.length === SHARED_QUERY_RECORDS || (current.length > 0 && filterChars + chars > SHARED_QUERY_FILTER_CHARS)) {
      current = [];
      shared.push(current);
      filterChars = 0;
    }
    current.push(index);
    filterChars += chars;
  });
  for (const indexes of shared.filter((batch) => batch.length > 0)) {
    // More rows than each record could use: criteria too unselective to share a query; its records ask alone.
    const maxRows = indexes.length * (MAX_CANDIDATES + 1);
    const rows: DataverseRecord[] = [];
    const filter = and(or(...indexes.map((i) => and(...conditionLists[i].map((c) => c.filter)))), integrationFilter);
    for await (const page of deps.client.queryPages(entitySet, { filter })) {
      rows.push(...page.value.map(fromWebApiRow));
      if (rows.length > maxRows) break;
    }
    if (rows.length > maxRows) {
      alone.push(...indexes);
      continue;
    }
    for (const i of indexes) out[i] = rows.filter((r) => matchesExactly(r, conditionLists[i])).slice(0, MAX_CANDIDATES + 1);
  }
  for (const i of alone.sort((a, b) => a - b)) {
    const rows = await deps.client.queryAll(entitySet, { filter: and(...conditionLists[i].map((c) => c.filter), integrationFilter), top: MAX_CANDIDATES + 1 });
    out[i] = rows.map(fromWebApiRow).filter((r) => matchesExactly(r, conditionLists[i]));
  }
  return out;
}

type Plan = {
  mapping: LoadedMapping;
  criteria: MatchCriterion[];
  matched: (MatchedRecord & { erp: ErpRow; dataverse: DataverseRecord })[];
  ambiguous: AmbiguousRecord[];
  unmatched: UnmatchedRecord[];
  alreadyCoupled: number;
};

/** The checks that need no Dataverse: mapping, criteria, Create New allowed. Throws the user-facing refusal. */
export async function validateMatchRequest(db: Db, input: Pick<MatchCouplingInput, "mappingId" | "criteria" | "createNewIfNoMatch">) {
  const mapping = await loadMappingById(db, input.mappingId);
  const criteria = resolveCriteria(mapping, input.criteria);
  if (criteria.length === 0) {
    throw new UnprocessableError(serverMessage("errors.noMatchFields", { name: mapping.row.name }), { criteria: [serverMessage("fields.chooseMatchField")] });
  }
  const createNew = input.createNewIfNoMatch ?? mapping.row.createNewIfNoMatch;
  if (createNew && mapping.row.direction === "FROM_INTEGRATION_TABLE") {
    throw new UnprocessableError(serverMessage("errors.createNewNoMatchNotAllowed", { name: mapping.row.name }), {
      createNewIfNoMatch: [serverMessage("fields.createNewNotAvailable")],
    });
  }
  return { mapping, criteria, createNew };
}

/** Finds the matches without writing anything (the dry run, and the first half of a real run). */
export async function planMatchBasedCoupling(deps: OperationDeps, input: MatchCouplingInput): Promise<Plan> {
  const { db } = deps;
  const { mapping, criteria, createNew } = await validateMatchRequest(db, input);
  const table = mapping.row.erpTable;
  const entity = mapping.row.dataverseEntity;
  const where = input.erpRecordIds ? { AND: [erpWhereOf(mapping), { id: { in: input.erpRecordIds } }] } : erpWhereOf(mapping);
  const records = await erpDelegate(db, table).findMany({ where, orderBy: { [erpKeyField(table)]: "asc" } });
  const coupledErp = new Set<string>();
  for (const ids of chunk(records.map((r) => r.id), 1_000)) {
    for (const c of await db.coupling.findMany({ where: { erpTable: table, erpId: { in: ids } }, select: { erpId: true } })) coupledErp.add(c.erpId);
  }
  const groups = groupsOf(criteria);
  const claimed = new Set<string>();
  const plan: Plan = { mapping, criteria, matched: [], ambiguous: [], unmatched: [], alreadyCoupled: 0 };
  const uncoupled = records.filter((erp) => !coupledErp.has(erp.id));
  plan.alreadyCoupled = records.length - uncoupled.length;

  for (const slice of chunk(uncoupled, PLAN_SLICE)) {
    // Candidates are fetched for the whole slice and every group up front; the decisions below still go record by
    // record in key order, so which record gets a candidate two of them match is the same as asking one at a time.
    const conditions: Condition[][][] = [];
    for (const erp of slice) conditions.push(await conditionsFor(deps, mapping, erp, groups));
    const candidates: DataverseRecord[][][] = [];
    for (let g = 0; g < groups.length; g++) candidates.push(await candidatesFor(deps, mapping, conditions.map((byGroup) => byGroup[g])));
    const ids = [...new Set(candidates.flat(2).map((r) => dataverseIdOf(entity, r)))];
    const coupledDataverse = new Set<string>();
    for (const part of chunk(ids, 1_000)) {
      for (const c of await db.coupling.findMany({ where: { dataverseEntity: entity, dataverseId: { in: part } }, select: { dataverseId: true } })) coupledDataverse.add(c.dataverseId);
    }

    slice.forEach((erp, index) => {
      const no = erpKeyOf(table, erp);
      let match: { record: DataverseRecord; priority: number } | null = null;
      let ambiguous: AmbiguousRecord | null = null;
      for (let g = 0; g < groups.length && !match; g++) {
        if (conditions[index][g].length === 0) continue;
        const free = candidates[g][index].filter((r) => {
          const id = dataverseIdOf(entity, r);
          return !coupledDataverse.has(id) && !claimed.has(id);
        });
        if (free.length === 1) match = { record: free[0], priority: groups[g].priority };
        else if (free.length > 1 && !ambiguous) {
          ambiguous = {
            erpId: erp.id,
            no,
            priority: groups[g].priority,
            candidates: free.slice(0, MAX_CANDIDATES).map((r) => ({ dataverseId: dataverseIdOf(entity, r), name: dataverseName(entity, r).replace(/^'|'$/g, "") })),
          };
        }
      }
      if (match) {
        const dataverseId = dataverseIdOf(entity, match.record);
        claimed.add(dataverseId);
        plan.matched.push({ erpId: erp.id, no, dataverseId, name: dataverseName(entity, match.record).replace(/^'|'$/g, ""), priority: match.priority, erp, dataverse: match.record });
      } else if (ambiguous) {
        plan.ambiguous.push(ambiguous);
      } else {
        const text = serverMessage(createNew ? "engine.matchWillCreate" : "engine.matchNone", { noun: dataverseNounText(entity), record: erpNameText(table, erp) });
        plan.unmatched.push({ erpId: erp.id, no, action: createNew ? "create" : "none", message: renderText("en", text), text });
      }
    });
  }
  return plan;
}

/** A report's messages in the reader's language (the console's dry runs). */
export async function localizeMatchReport(report: MatchReport): Promise<MatchReport> {
  const render = await readerRenderer();
  return { ...report, unmatched: report.unmatched.map((u) => ({ ...u, message: render(u.text) })) };
}

function erpKeyField(table: string): string {
  return table === "SALESPERSON" || table === "CURRENCY" ? "code" : "no";
}

function publicMatched(plan: Plan): MatchedRecord[] {
  return plan.matched.map(({ erp: _erp, dataverse: _dataverse, ...rest }) => rest);
}

/** BC §2g.6: sync-after-coupling direction from the mapping (Bidirectional: by its update-conflict resolution). */
function syncAfterDirection(mapping: LoadedMapping): RunDirection | undefined {
  if (mapping.row.direction !== "BIDIRECTIONAL") return mapping.row.direction;
  if (mapping.row.updateConflictResolution === "GET_UPDATE_FROM_INTEGRATION") return "FROM_INTEGRATION_TABLE";
  if (mapping.row.updateConflictResolution === "SEND_UPDATE_TO_INTEGRATION") return "TO_INTEGRATION_TABLE";
  return undefined;
}

/**
 * Makes the given criteria, Create New and Synchronize After Coupling the mapping's defaults (absent ones keep the
 * mapping's value), with an audit entry. The caller checks that the user may change mappings.
 */
export async function saveMatchCriteria(
  db: Db,
  actor: AuditActor,
  input: Pick<MatchCouplingInput, "mappingId" | "criteria" | "createNewIfNoMatch" | "synchronizeAfterCoupling">,
): Promise<void> {
  const mapping = await loadMappingById(db, input.mappingId);
  const before = resolveCriteria(mapping, undefined);
  const criteria = resolveCriteria(mapping, input.criteria);
  const createNewIfNoMatch = input.createNewIfNoMatch ?? mapping.row.createNewIfNoMatch;
  const syncAfterMatchBasedCoupling = input.synchronizeAfterCoupling ?? mapping.row.syncAfterMatchBasedCoupling;
  await db.$transaction(async (tx) => {
    for (const fm of mapping.fieldRows) {
      const criterion = criteria.find((c) => c.erpField === fm.erpField && fieldRowFor(mapping, c.erpField)?.id === fm.id);
      await tx.integrationFieldMapping.update({
        where: { id: fm.id },
        data: { useForMatchBasedCoupling: Boolean(criterion), caseSensitiveMatching: criterion?.caseSensitive ?? false, matchPriority: criterion?.priority ?? 0 },
      });
    }
    await tx.integrationTableMapping.update({
      where: { id: mapping.row.id },
      data: { createNewIfNoMatch, syncAfterMatchBasedCoupling, rowVersion: { increment: 1 } },
    });
    await writeAuditEntry(tx, actor, {
      action: "mapping.matchCriteria",
      entityType: "IntegrationTableMapping",
      entityId: mapping.row.id,
      before: { criteria: before, createNewIfNoMatch: mapping.row.createNewIfNoMatch, syncAfterMatchBasedCoupling: mapping.row.syncAfterMatchBasedCoupling },
      after: { criteria, createNewIfNoMatch, syncAfterMatchBasedCoupling },
    });
  });
}

/** A dry run (writes nothing) or the COUPLING job: couple the exact matches, create or fail the rest, sync after. */
export async function runMatchBasedCoupling(deps: OperationDeps, actor: AuditActor, input: MatchCouplingInput): Promise<MatchReport> {
  const { db } = deps;
  if (input.dryRun) {
    const plan = await planMatchBasedCoupling(deps, input);
    return {
      dryRun: true,
      mapping: plan.mapping.row.name,
      criteria: plan.criteria,
      matched: publicMatched(plan),
      ambiguous: plan.ambiguous,
      unmatched: plan.unmatched,
      alreadyCoupled: plan.alreadyCoupled,
      jobId: null,
      jobs: [],
      counters: { coupled: 0, inserted: 0, failed: 0 },
    };
  }

  const mapping = await loadMappingById(db, input.mappingId);
  const jobId = await startJob(db, input.jobId, {
    type: "COUPLING",
    mappingId: mapping.row.id,
    trigger: input.trigger ?? "MANUAL",
    requestedById: input.requestedById,
    workerId: input.workerId,
    scope: { matchBased: true, ...(input.erpRecordIds ? { erpRecordIds: input.erpRecordIds } : {}) },
  });
  const stopKeepingAlive = keepJobAlive(db, jobId);
  try {
    const plan = await planMatchBasedCoupling(deps, input);
    const table = mapping.row.erpTable;
    const entity = mapping.row.dataverseEntity;
    const total = plan.matched.length + plan.ambiguous.length + plan.unmatched.length;
    await db.syncJob.update({ where: { id: jobId }, data: { progressTotal: total } });
    const counters = { coupled: 0, inserted: 0, failed: 0 };
    const coupledPairs: { erpId: string; dataverseId: string }[] = [];

    // A slice at a time: the couplings and their audit entries in one transaction, the job's counters and log once.
    for (const slice of chunk(plan.matched, COUPLE_SLICE)) {
      const results = await insertCouplings(db, actor, slice.map((m) => ({ mapping, erp: m.erp, dataverse: m.dataverse, dataverseId: m.dataverseId, alreadyCoupledToIt: false })), "matchBasedCoupling");
      const logs: RecordLogInput[] = [];
      let coupled = 0;
      for (const [i, m] of slice.entries()) {
        const result = results[i];
        if (result instanceof ActionError) {
          await addJobError(db, jobId, { sourceTable: table, sourceId: m.erpId, sourceRef: m.no, destinationTable: entity, destinationId: m.dataverseId, errorClass: "PERMANENT", message: result.message });
          logs.push({ erpTable: table, erpId: m.erpId, dataverseId: m.dataverseId, outcome: "FAILED", message: result.message });
          continue;
        }
        coupled++;
        coupledPairs.push({ erpId: m.erpId, dataverseId: m.dataverseId });
        logs.push({ erpTable: table, erpId: m.erpId, dataverseId: m.dataverseId, outcome: "COUPLED", message: english("engine.matchCoupled", { entity, name: `'${m.name}'`, priority: String(m.priority) }) });
      }
      counters.coupled += coupled;
      counters.failed += slice.length - coupled;
      await advanceJob(db, jobId, { coupled, failed: slice.length - coupled }, slice.length);
      await addRecordLogs(db, jobId, logs);
    }

    for (const a of plan.ambiguous) {
      const names = a.candidates.map((c) => `'${c.name}' (${c.dataverseId})`).join(", ");
      const message = english("engine.matchAmbiguous", { record: erpNameText(table, null, a.no), count: String(a.candidates.length), entity, names });
      counters.failed++;
      await advanceJob(db, jobId, { failed: 1 }, 1);
      await addJobError(db, jobId, { sourceTable: table, sourceId: a.erpId, sourceRef: a.no, destinationTable: entity, errorClass: "PERMANENT", message });
      await addRecordLogs(db, jobId, [{ erpTable: table, erpId: a.erpId, outcome: "FAILED", message }]);
    }

    const toCreate = plan.unmatched.filter((u) => u.action === "create");
    const noMatch = plan.unmatched.filter((u) => u.action === "none");
    if (noMatch.length > 0) {
      const message = english("engine.matchNoneJob", { count: String(noMatch.length), environment: environmentUrl(deps.client.config) });
      counters.failed += noMatch.length;
      await advanceJob(db, jobId, { failed: noMatch.length }, noMatch.length);
      await addJobError(db, jobId, { sourceTable: table, sourceRef: noMatch.slice(0, 20).map((u) => u.no).join(", "), destinationTable: entity, errorClass: "PERMANENT", message });
      await addRecordLogs(db, jobId, noMatch.map((u) => ({ erpTable: table, erpId: u.erpId, outcome: "FAILED" as const, message: u.message })));
    }

    const jobs: RunJobResult[] = [];
    if (toCreate.length > 0) {
      const created = await runSync(deps, {
        mappingId: mapping.row.id,
        direction: "TO_INTEGRATION_TABLE",
        trigger: input.trigger ?? "MANUAL",
        scope: { erpIds: toCreate.map((u) => u.erpId) },
        force: true,
        overrideSyncOnlyCoupled: true,
        requestedById: input.requestedById,
      });
      jobs.push(...created.jobs);
      const nowCoupled = await db.coupling.findMany({ where: { erpTable: table, erpId: { in: toCreate.map((u) => u.erpId) } } });
      const coupledIds = new Set(nowCoupled.map((c) => c.erpId));
      const inserted = toCreate.filter((u) => coupledIds.has(u.erpId));
      const failed = toCreate.filter((u) => !coupledIds.has(u.erpId));
      counters.inserted += inserted.length;
      counters.coupled += inserted.length;
      counters.failed += failed.length;
      await advanceJob(db, jobId, { inserted: inserted.length, coupled: inserted.length, failed: failed.length }, toCreate.length);
      await addRecordLogs(db, jobId, [
        ...inserted.map((u) => ({ erpTable: table, erpId: u.erpId, dataverseId: nowCoupled.find((c) => c.erpId === u.erpId)?.dataverseId ?? null, outcome: "INSERTED" as const, message: english("engine.matchCreated") })),
        ...failed.map((u) => ({ erpTable: table, erpId: u.erpId, outcome: "FAILED" as const, message: english("engine.matchCreateFailed") })),
      ]);
    }

    const syncAfter = input.synchronizeAfterCoupling ?? mapping.row.syncAfterMatchBasedCoupling;
    if (syncAfter && coupledPairs.length > 0) {
      const synced = await runSync(deps, {
        mappingId: mapping.row.id,
        direction: syncAfterDirection(mapping),
        trigger: input.trigger ?? "MANUAL",
        scope: { erpIds: coupledPairs.map((p) => p.erpId), dataverseIds: coupledPairs.map((p) => normalizeGuid(p.dataverseId)) },
        force: true,
        requestedById: input.requestedById,
      });
      jobs.push(...synced.jobs);
    }

    const message = english("engine.matchSummary", {
      mapping: mapping.row.name,
      coupled: String(counters.coupled),
      inserted: String(counters.inserted),
      ambiguous: String(plan.ambiguous.length),
      unmatched: String(noMatch.length),
    });
    await finishJob(db, jobId, "SUCCEEDED", message);
    return {
      dryRun: false,
      mapping: mapping.row.name,
      criteria: plan.criteria,
      matched: publicMatched(plan),
      ambiguous: plan.ambiguous,
      unmatched: plan.unmatched,
      alreadyCoupled: plan.alreadyCoupled,
      jobId,
      jobs,
      counters,
    };
  } catch (error) {
    await finishJob(db, jobId, "FAILED", error instanceof Error ? error.message : String(error));
    throw error;
  } finally {
    stopKeepingAlive();
  }
}
