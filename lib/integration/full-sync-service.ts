import type { AuditActor } from "../auth/audit-entry.ts";
import { writeAuditEntry } from "../auth/audit-entry.ts";
import type { Db } from "../db/db-client.ts";
import { createJob, listJobs, type JobSummary } from "./job-queries.ts";
import { runMatchBasedCoupling, resolveCriteria } from "./match-based-coupling.ts";
import { entityDefOf, erpDelegate, erpWhereOf, integrationODataFilter, loadMappingById, type LoadedMapping, type OperationDeps } from "./operation-context.ts";
import { runSync, type RunDirection, type RunJobResult } from "./sync-run.ts";
import { normalizeGuid } from "../dataverse/odata-query.ts";

// Full synchronization with review (BC §1.7, §2e): one line per enabled mapping in dependency order, each with BC's
// recommendation — Couple Records (both sides have rows: match-based coupling with the saved criteria first), Full
// Synchronization (one side is empty, or SALESPEOPLE always, or CURRENCY with at most one Dataverse currency), No
// Records Found (both empty). Running it walks the lines in that order: a line starts only after the mappings it
// depends on finished. Each mapping's synchronization is a forced run over every record of both sides (within the
// filters, creating what is not coupled); its SyncJob rows carry counts and progress, from which the ETA comes.

export type FullSyncRecommendation = "FULL_SYNCHRONIZATION" | "COUPLE_RECORDS" | "NO_RECORDS_FOUND";

export type FullSyncLine = {
  mapping: string;
  mappingId: string;
  direction: string;
  dependencies: string[];
  erpCount: number;
  dataverseCount: number;
  recommendation: FullSyncRecommendation;
  isRunning: boolean;
  /** The latest jobs of a full synchronization of this mapping (counts, progress, ETA). */
  jobs: JobSummary[];
};

type MappingNode = { id: string; name: string; dependencies: string[] };

/** Dependencies first (SALESPEOPLE and CURRENCY before CUSTOMER before CONTACT); ties keep their name order. */
export function dependencyOrder<T extends MappingNode>(mappings: readonly T[]): T[] {
  const byName = new Map(mappings.map((m) => [m.name, m]));
  const out: T[] = [];
  const state = new Map<string, "visiting" | "done">();
  const visit = (m: T) => {
    if (state.get(m.name) === "done" || state.get(m.name) === "visiting") return;
    state.set(m.name, "visiting");
    for (const dep of [...m.dependencies].sort()) {
      const d = byName.get(dep);
      if (d) visit(d);
    }
    state.set(m.name, "done");
    out.push(m);
  };
  for (const m of [...mappings].sort((a, b) => a.name.localeCompare(b.name))) visit(m);
  return out;
}

async function dataverseCount(deps: OperationDeps, mapping: LoadedMapping): Promise<{ count: number; single: Record<string, unknown> | null }> {
  const def = entityDefOf(mapping.row.dataverseEntity);
  for await (const page of deps.client.queryPages(def.entitySet, { filter: integrationODataFilter(mapping), count: true }, { pageSize: 2 })) {
    const count = page.count ?? page.value.length;
    return { count, single: count === 1 ? (page.value[0] ?? null) : null };
  }
  return { count: 0, single: null };
}

export function recommendationFor(name: string, erpCount: number, dvCount: number, dvSingle: Record<string, unknown> | null): FullSyncRecommendation {
  if (name === "SALESPEOPLE") return "FULL_SYNCHRONIZATION";
  if (name === "CURRENCY") {
    // BC: Full Synchronization only when Dataverse holds just its base currency (exchange rate 1).
    if (dvCount === 0 || (dvCount === 1 && Number(dvSingle?.exchangerate ?? 1) === 1)) return erpCount === 0 && dvCount === 0 ? "NO_RECORDS_FOUND" : "FULL_SYNCHRONIZATION";
    return "COUPLE_RECORDS";
  }
  if (erpCount === 0 && dvCount === 0) return "NO_RECORDS_FOUND";
  if (erpCount > 0 && dvCount > 0) return "COUPLE_RECORDS";
  return "FULL_SYNCHRONIZATION";
}

async function enabledMappings(db: Db, ids?: string[]): Promise<LoadedMapping[]> {
  const rows = await db.integrationTableMapping.findMany({ where: { isEnabled: true, ...(ids ? { id: { in: ids } } : {}) }, select: { id: true } });
  return Promise.all(rows.map((r) => loadMappingById(db, r.id)));
}

export async function reviewFullSync(deps: OperationDeps, mappingIds?: string[]): Promise<FullSyncLine[]> {
  const mappings = dependencyOrder((await enabledMappings(deps.db, mappingIds)).map((m) => ({ ...m, id: m.row.id, name: m.row.name, dependencies: m.row.dependencies })));
  const lines: FullSyncLine[] = [];
  for (const m of mappings) {
    const erpCount = await erpDelegate(deps.db, m.row.erpTable).count({ where: erpWhereOf(m) });
    const dv = await dataverseCount(deps, m);
    const jobs = await listJobs(deps.db, { mapping: m.row.name, page: 1, pageSize: 4 });
    lines.push({
      mapping: m.row.name,
      mappingId: m.row.id,
      direction: m.row.direction,
      dependencies: m.row.dependencies,
      erpCount,
      dataverseCount: dv.count,
      recommendation: recommendationFor(m.row.name, erpCount, dv.count, dv.single),
      isRunning: m.row.fullSyncRunning,
      jobs: jobs.items.filter((j) => j.trigger === "FULL_SYNC"),
    });
  }
  return lines;
}

export type FullSyncResult = { lines: { mapping: string; recommendation: FullSyncRecommendation; jobs: RunJobResult[]; matchJobId: string | null; message: string }[] };

async function allDataverseIds(deps: OperationDeps, mapping: LoadedMapping): Promise<string[]> {
  const def = entityDefOf(mapping.row.dataverseEntity);
  const ids: string[] = [];
  for await (const row of deps.client.queryRows(def.entitySet, { filter: integrationODataFilter(mapping), select: [def.primaryId] })) ids.push(normalizeGuid(String(row[def.primaryId])));
  return ids;
}

/** Runs the review's lines in dependency order (the full-sync job). */
export async function runFullSync(deps: OperationDeps, actor: AuditActor, input: { mappingIds?: string[]; requestedById?: string }): Promise<FullSyncResult> {
  const lines = await reviewFullSync(deps, input.mappingIds);
  await writeAuditEntry(deps.db, actor, { action: "fullSync.start", entityType: "IntegrationTableMapping", after: { mappings: lines.map((l) => `${l.mapping}:${l.recommendation}`) } });
  const out: FullSyncResult["lines"] = [];
  for (const line of lines) {
    if (line.recommendation === "NO_RECORDS_FOUND") {
      out.push({ mapping: line.mapping, recommendation: line.recommendation, jobs: [], matchJobId: null, message: "No records found on either side." });
      continue;
    }
    await deps.db.integrationTableMapping.update({ where: { id: line.mappingId }, data: { fullSyncRunning: true } });
    try {
      const mapping = await loadMappingById(deps.db, line.mappingId);
      let matchJobId: string | null = null;
      if (line.recommendation === "COUPLE_RECORDS" && resolveCriteria(mapping, undefined).length > 0) {
        const report = await runMatchBasedCoupling(deps, actor, { mappingId: mapping.row.id, trigger: "FULL_SYNC", requestedById: input.requestedById, synchronizeAfterCoupling: false });
        matchJobId = report.jobId;
      }
      const erpIds = mapping.row.direction === "FROM_INTEGRATION_TABLE" ? [] : (await erpDelegate(deps.db, mapping.row.erpTable).findMany({ where: erpWhereOf(mapping), select: { id: true } })).map((r) => r.id);
      const dataverseIds = mapping.row.direction === "TO_INTEGRATION_TABLE" ? [] : await allDataverseIds(deps, mapping);
      // One run per pass, each with its job claimed beforehand with the number of records it covers, so the job
      // log shows progress and an ETA from the start (To before From, as in a Bidirectional run).
      const passes: RunDirection[] = mapping.row.direction === "BIDIRECTIONAL" ? ["TO_INTEGRATION_TABLE", "FROM_INTEGRATION_TABLE"] : [mapping.row.direction];
      const result = { jobs: [] as RunJobResult[] };
      for (const direction of passes) {
        const total = direction === "TO_INTEGRATION_TABLE" ? erpIds.length : dataverseIds.length;
        const jobId = await createJob(deps.db, { type: "SYNCHRONIZATION", mappingId: mapping.row.id, trigger: "FULL_SYNC", direction, requestedById: input.requestedById, progressTotal: total });
        const run = await runSync(deps, {
          mappingId: mapping.row.id,
          direction,
          trigger: "FULL_SYNC",
          scope: { erpIds, dataverseIds },
          force: true,
          overrideSyncOnlyCoupled: true,
          requestedById: input.requestedById,
          jobId,
        });
        result.jobs.push(...run.jobs);
      }
      const failed = result.jobs.reduce((n, j) => n + j.counters.failed, 0);
      out.push({
        mapping: line.mapping,
        recommendation: line.recommendation,
        jobs: result.jobs,
        matchJobId,
        message: `${line.mapping}: ${result.jobs.map((j) => `${j.direction === "TO_INTEGRATION_TABLE" ? "to Dataverse" : "from Dataverse"} ${j.status.toLowerCase()}`).join(", ")}${failed ? ` (${failed} failed)` : ""}.`,
      });
    } finally {
      await deps.db.integrationTableMapping.update({ where: { id: line.mappingId }, data: { fullSyncRunning: false } });
    }
  }
  return { lines: out };
}
