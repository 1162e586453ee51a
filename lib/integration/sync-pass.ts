import { randomUUID } from "node:crypto";
import type { DataverseClient } from "../dataverse/dataverse-client.ts";
import { DataverseError } from "../dataverse/dataverse-error.ts";
import { upsertOperation, updateOperation } from "../dataverse/entity-operations.ts";
import type { BatchOperation } from "../dataverse/batch-builder.ts";
import type { Db } from "../db/db-client.ts";
import { Prisma, type Coupling } from "../db/generated/client.ts";
import type { SyncErrorClass, SyncRecordOutcome } from "../db/generated/enums.ts";
import type { Logger } from "../log/logger.ts";
import { updateCouplingsInBulk, type CouplingUpdate } from "./coupling-bulk-update.ts";
import { errorSignature } from "./error-signature.ts";
import { ErpWriteError, erpKeyOf, insertErpRecord, loadErpRecordsByField, updateErpRecord, type ErpRow } from "./erp-records.ts";
import { fetchByAttribute, fetchByIds, selectColumns, toDataverseRow, type DataverseRow } from "./dataverse-records.ts";
import { ERP_TABLE_NOUNS, dataverseNoun } from "./field-catalog.ts";
import {
  allowsPass,
  clearedMarks,
  compareFields,
  dataverseValues,
  erpWritePayload,
  fieldKey,
  lookupQueries,
  parseSnapshot,
  sameValue,
  toWebApiPayload,
  withClearedMarks,
  type Comparable,
  type LookupQuery,
  type PassDirection,
  type ResolveLookup,
} from "./field-transfer.ts";
import type { Counters, JobErrorInput, RecordLogInput } from "./job-recorder.ts";
import { resolveLookups, type OnTheFlyCoupling } from "./lookup-resolution.ts";
import type { NaturalMatchRule } from "./default-mappings.ts";
import type { LoadedMapping, MappingBrief } from "./mapping-loader.ts";
import { decide, type Decision, type NaturalMatch } from "./sync-decision.ts";
import { matchesFilter } from "./table-filter.ts";

// One chunk of one pass: given candidate pairs (records already loaded), decide each with `decide` (the decision
// table of SYNC-SEMANTICS) and carry the decisions out in bulk — Dataverse writes as one $batch (continue-on-error),
// ERP writes in transactions together with their coupling rows — then report counters, errors and log lines.
//
// Crash safety of Dataverse creates: the engine picks the new record's id and stores it in a PENDING_DATAVERSE_CREATE
// coupling BEFORE the request; the request is an upsert by that id, so re-running after a crash at any point updates
// the record created the first time instead of creating a second one.

export type Candidate = {
  erpId: string | null;
  dataverseId: string | null;
  erp: ErpRow | null;
  dataverse: DataverseRow | null;
  coupling: Coupling | null;
};

export type ChunkFlags = { force: boolean; overrideSyncOnlyCoupled: boolean; bulk: boolean };

export type ChunkDeps = {
  db: Db;
  client: DataverseClient;
  log?: Logger;
  loaded: LoadedMapping;
  briefs: MappingBrief[];
  pass: PassDirection;
  jobId: string;
  flags: ChunkFlags;
  signal?: AbortSignal;
};

export type ChunkResult = {
  counters: Counters;
  errors: JobErrorInput[];
  logs: RecordLogInput[];
  /** A pair hit a transient failure and stays pending: the caller must not move the watermark past it. */
  hasPending: boolean;
  /** Dataverse ids whose changes the opposite (From) pass must look at in this run. */
  oppositeDataverseIds: string[];
};

const RETURN_SELECT_EXTRA = ["versionnumber", "modifiedon"];

type Planned = {
  candidate: Candidate;
  decision: Decision;
  /** The coupling as it stands after the pre-writes (pending create / natural-match coupling). */
  coupling: Coupling | null;
  /** The id of the Dataverse record a create goes to. */
  newDataverseId?: string;
  dvResult?: { ok: true; version: bigint | null; row: DataverseRow | null } | { ok: false; error: DataverseError };
  erpResult?: { ok: true; row: ErpRow } | { ok: false; message: string; missing?: boolean };
};

export async function processChunk(deps: ChunkDeps, candidates: Candidate[]): Promise<ChunkResult> {
  const result: ChunkResult = { counters: emptyChunkCounters(), errors: [], logs: [], hasPending: false, oppositeDataverseIds: [] };
  if (candidates.length === 0) return result;
  const naturalMatches = await findNaturalMatches(deps, candidates);
  const resolveLookup = await resolveLookupsOnTheFly(deps, candidates, result);
  const planned: Planned[] = [];
  for (const candidate of candidates) {
    const decision = decideCandidate(deps, candidate, resolveLookup, naturalMatches.get(naturalMatchKey(deps.pass, candidate)));
    if (decision) planned.push({ candidate, decision, coupling: candidate.coupling });
  }
  await execute(deps, planned, result, resolveLookup);
  return result;
}

function emptyChunkCounters(): Counters {
  return { inserted: 0, modified: 0, deleted: 0, unchanged: 0, skipped: 0, failed: 0, coupled: 0, uncoupled: 0 };
}

// ───────────── shortcut ─────────────

/**
 * Whether an ERP candidate is certainly unchanged for the To pass without reading its Dataverse record: coupled,
 * not failed, not forced, and every To field has a base equal to E's value (row 7). Keeps echo runs and runs after
 * unmapped-field edits free of Dataverse reads.
 */
export function isErpSideUnchanged(loaded: LoadedMapping, erp: ErpRow, coupling: Coupling, flags: ChunkFlags): boolean {
  if (flags.force || flags.bulk || coupling.state !== "COUPLED" || coupling.isSkipped || coupling.lastToResult === "FAILURE") return false;
  // A lookup this pass cleared is decided in full, so its mark is renewed or dropped.
  if (Object.values(clearedMarks(coupling.snapshot)).includes("TO_INTEGRATION_TABLE")) return false;
  const snapshot = parseSnapshot(coupling.snapshot);
  const fields = compareFields({
    context: { erpTable: loaded.row.erpTable, dataverseEntity: loaded.row.dataverseEntity },
    fieldMappings: loaded.fieldMappings.filter((fm) => fm.isEnabled && allowsPass(fm.direction, "TO_INTEGRATION_TABLE")),
    erp,
    dataverse: null,
    resolveLookup: () => ({ status: "notFound", parent: { noun: "", ref: "" } }),
  });
  return fields.every((f) => snapshot[f.key] !== undefined && sameValue(f.erp, snapshot[f.key].e));
}

// ───────────── decide ─────────────

function collectLookupQueries(deps: ChunkDeps, candidates: Candidate[]): LookupQuery[] {
  const context = { erpTable: deps.loaded.row.erpTable, dataverseEntity: deps.loaded.row.dataverseEntity };
  return candidates.flatMap((c) => lookupQueries(deps.loaded.fieldMappings, context, c.erp, c.dataverse));
}

/**
 * Lookups of the chunk, with parents that are not coupled matched on the fly by their mapping's natural-match rule
 * (lookup-resolution.ts); each coupling made that way is counted as coupled and logged under the parent's record.
 */
async function resolveLookupsOnTheFly(deps: ChunkDeps, candidates: Candidate[], result: ChunkResult): Promise<ResolveLookup> {
  const coupled: OnTheFlyCoupling[] = [];
  const resolveLookup = await resolveLookups(deps.db, collectLookupQueries(deps, candidates), deps.briefs, {
    client: deps.client,
    signal: deps.signal,
    side: deps.pass === "TO_INTEGRATION_TABLE" ? "erp" : "dataverse",
    coupled,
  });
  for (const c of coupled) {
    result.counters.coupled += 1;
    result.logs.push({ erpTable: c.erpTable, erpId: c.erpId, dataverseId: c.dataverseId, outcome: "COUPLED", message: c.message });
  }
  return resolveLookup;
}

/** Natural matches are keyed by the candidate's source id: the ERP id in the To pass, the Dataverse id in the From pass. */
function naturalMatchKey(pass: PassDirection, c: Candidate): string {
  return (pass === "TO_INTEGRATION_TABLE" ? c.erpId : c.dataverseId) ?? "";
}

async function findNaturalMatches(deps: ChunkDeps, candidates: Candidate[]): Promise<Map<string, NaturalMatch>> {
  const out = new Map<string, NaturalMatch>();
  const rule = deps.loaded.naturalMatch;
  if (!rule) return out;
  if (deps.pass === "FROM_INTEGRATION_TABLE") return findErpNaturalMatches(deps, candidates, rule);
  const uncoupled = candidates.filter((c) => !c.coupling && c.erp && String(c.erp[rule.erpField] ?? "").trim() !== "");
  if (uncoupled.length === 0) return out;
  const values = uncoupled.map((c) => String(c.erp![rule.erpField]).trim());
  const rows = await fetchByAttribute(deps.client, deps.loaded, rule.dataverseAttribute, [...new Set(values)], deps.signal);
  const coupled = await deps.db.coupling.findMany({
    where: { dataverseEntity: deps.loaded.row.dataverseEntity, dataverseId: { in: rows.map((r) => r.__id) } },
    select: { dataverseId: true },
  });
  const taken = new Set(coupled.map((c) => c.dataverseId.toLowerCase()));
  const free = rows.filter((r) => !taken.has(r.__id));
  const norm = (v: unknown) => (rule.isCaseSensitive ? String(v ?? "").trim() : String(v ?? "").trim().toLowerCase());
  for (const c of uncoupled) {
    const matches = free.filter((r) => norm(r[rule.dataverseAttribute]) === norm(c.erp![rule.erpField]));
    if (matches.length === 1) out.set(c.erpId!, { status: "one", id: matches[0].__id, record: matches[0] });
    else if (matches.length > 1) out.set(c.erpId!, { status: "many", count: matches.length, criterion: rule.dataverseAttribute });
  }
  return out;
}

/**
 * The From pass's natural match (row 2 seen from Dataverse): an uncoupled Dataverse record couples to the one
 * uncoupled ERP record with the same key, inside the table filter, instead of creating a duplicate.
 */
async function findErpNaturalMatches(deps: ChunkDeps, candidates: Candidate[], rule: NaturalMatchRule): Promise<Map<string, NaturalMatch>> {
  const out = new Map<string, NaturalMatch>();
  const { db, loaded } = deps;
  const key = (v: unknown) => (v === null || v === undefined ? "" : String(v).trim());
  const norm = (v: unknown) => (rule.isCaseSensitive ? key(v) : key(v).toLowerCase());
  const uncoupled = candidates.filter((c) => !c.coupling && c.dataverse && c.dataverseId && key(c.dataverse[rule.dataverseAttribute]) !== "");
  if (uncoupled.length === 0) return out;
  // ERP codes are stored upper-case; the variants find them whatever the case of the Dataverse value.
  const values = uncoupled.map((c) => key(c.dataverse![rule.dataverseAttribute]));
  const variants = rule.isCaseSensitive ? values : values.flatMap((v) => [v, v.toUpperCase(), v.toLowerCase()]);
  const records = (await loadErpRecordsByField(db, loaded.row.erpTable, rule.erpField, [...new Set(variants)])).filter((r) => matchesFilter(loaded.erpFilter, loaded.erpFilterFields, r));
  const taken = records.length
    ? new Set((await db.coupling.findMany({ where: { erpTable: loaded.row.erpTable, erpId: { in: records.map((r) => r.id) } }, select: { erpId: true } })).map((c) => c.erpId))
    : new Set<string>();
  const free = records.filter((r) => !taken.has(r.id));
  for (const c of uncoupled) {
    const matches = free.filter((r) => norm(r[rule.erpField]) === norm(c.dataverse![rule.dataverseAttribute]));
    if (matches.length > 1) out.set(c.dataverseId!, { status: "many", count: matches.length, criterion: rule.erpField });
    if (matches.length !== 1) continue;
    out.set(c.dataverseId!, { status: "one", id: matches[0].id, record: matches[0] });
    // Two Dataverse records with the same key in one chunk: the first one couples, the other is decided as unmatched.
    free.splice(free.indexOf(matches[0]), 1);
  }
  return out;
}

function decideCandidate(deps: ChunkDeps, c: Candidate, resolveLookup: ResolveLookup, naturalMatch: NaturalMatch | undefined): Decision | null {
  const { loaded, pass, flags } = deps;
  const pending = c.coupling?.state === "PENDING_DATAVERSE_CREATE";
  // A pending create is finished by the To pass (upsert by its id); the From pass leaves it alone.
  if (pending && pass === "FROM_INTEGRATION_TABLE") return null;
  const coupling = c.coupling && !pending
    ? {
        isSkipped: c.coupling.isSkipped,
        snapshot: c.coupling.snapshot,
        lastResult: pass === "TO_INTEGRATION_TABLE" ? c.coupling.lastToResult : c.coupling.lastFromResult,
        errorSignature: c.coupling.errorSignature,
      }
    : null;
  return decide({
    pass,
    mapping: loaded.policy,
    fieldMappings: loaded.fieldMappings,
    erp: c.erp,
    dataverse: pending ? null : c.dataverse,
    coupling,
    force: flags.force,
    // The create of a pending coupling was already decided; finishing it must not depend on the only-coupled rule.
    overrideSyncOnlyCoupled: flags.overrideSyncOnlyCoupled || pending,
    bulk: flags.bulk,
    naturalMatch,
    resolveLookup,
    refs: {
      erp: c.erp ? erpKeyOf(loaded.row.erpTable, c.erp) : undefined,
      dataverse: c.dataverse?.[loaded.entity.primaryName] ? `'${String(c.dataverse[loaded.entity.primaryName])}'` : undefined,
    },
  });
}

// ───────────── execute ─────────────

function templateValues(loaded: LoadedMapping, side: "ERP" | "DATAVERSE", record: Record<string, unknown>): Record<string, unknown> {
  const fields = side === "ERP" ? loaded.erpFilterFields : loaded.dataverseFilterFields;
  for (const t of loaded.templates) {
    if (t.side !== side) continue;
    try {
      if (matchesFilter(t.filter, fields, record)) return t.values;
    } catch {
      continue;
    }
  }
  return {};
}

function dataverseBody(loaded: LoadedMapping, writes: Record<string, Comparable>, isCreate: boolean): Record<string, unknown> {
  const body = toWebApiPayload(loaded.row.dataverseEntity, writes, loaded.lookupTargets);
  if (!isCreate) return body;
  const template = templateValues(loaded, "DATAVERSE", writes);
  for (const [key, value] of Object.entries(template)) if (!(key in writes)) body[key] = value;
  return body;
}

function erpBody(loaded: LoadedMapping, writes: Record<string, Comparable>, isCreate: boolean): Record<string, unknown> {
  const context = { erpTable: loaded.row.erpTable, dataverseEntity: loaded.row.dataverseEntity };
  const body: Record<string, unknown> = erpWritePayload(writes, context);
  if (!isCreate) return body;
  const template = templateValues(loaded, "ERP", writes);
  for (const [key, value] of Object.entries(template)) if (!(key in writes)) body[key] = value;
  return body;
}

function isDataverseCreate(p: Planned): boolean {
  return p.decision.writeSide === "dataverse" && (p.decision.outcome === "insert" || p.decision.outcome === "restore");
}

async function execute(deps: ChunkDeps, planned: Planned[], result: ChunkResult, resolveLookup: ResolveLookup, round = 0): Promise<void> {
  const { db, loaded } = deps;
  // 1. Pre-writes: pending creates get their id recorded, natural matches their coupling.
  await recordPendingCreates(deps, planned, result);
  for (const p of planned) {
    const { decision, candidate } = p;
    if (isDataverseCreate(p)) {
      const reuse = candidate.coupling?.state === "PENDING_DATAVERSE_CREATE" ? candidate.coupling.dataverseId : null;
      const id = p.newDataverseId ?? reuse ?? randomUUID();
      p.newDataverseId = id;
      if (reuse || p.coupling?.state === "PENDING_DATAVERSE_CREATE" || p.decision.outcome === "ignore") continue;
      try {
        if (decision.outcome === "restore" && candidate.coupling) {
          p.coupling = await db.coupling.update({
            where: { id: candidate.coupling.id },
            data: { state: "PENDING_DATAVERSE_CREATE", dataverseId: id, snapshot: {}, lastSyncedDataverseVersion: null },
          });
        } else {
          p.coupling = await db.coupling.create({
            data: {
              mappingId: loaded.row.id,
              erpTable: loaded.row.erpTable,
              erpId: candidate.erpId!,
              dataverseEntity: loaded.row.dataverseEntity,
              dataverseId: id,
              state: "PENDING_DATAVERSE_CREATE",
            },
          });
        }
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        // Coupled meanwhile by another run or a user: leave it to the next run.
        p.decision = { ...decision, outcome: "ignore", counter: null };
        result.hasPending = true;
      }
      continue;
    }
    if (decision.matchedId && !candidate.coupling && (decision.outcome === "couple" || decision.outcome === "fail")) {
      const erpId = deps.pass === "TO_INTEGRATION_TABLE" ? candidate.erpId! : decision.matchedId;
      const dataverseId = deps.pass === "TO_INTEGRATION_TABLE" ? decision.matchedId : candidate.dataverseId!;
      try {
        p.coupling = await db.coupling.create({
          data: { mappingId: loaded.row.id, erpTable: loaded.row.erpTable, erpId, dataverseEntity: loaded.row.dataverseEntity, dataverseId, state: "COUPLED" },
        });
        result.counters.coupled += 1;
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        p.decision = { ...decision, outcome: "ignore", counter: null };
        result.hasPending = true;
      }
    }
  }

  // 2. Dataverse writes, one $batch.
  const dvPlanned = planned.filter(
    (p) => p.decision.writeSide === "dataverse" && ["insert", "restore", "update", "couple"].includes(p.decision.outcome) && (isDataverseCreate(p) || Object.keys(p.decision.writes).length > 0),
  );
  if (dvPlanned.length > 0) await writeDataverse(deps, dvPlanned);

  // 3. ERP writes, each in a transaction with its coupling.
  for (const p of planned) {
    if (p.decision.writeSide !== "erp" || !["insert", "restore", "update", "couple"].includes(p.decision.outcome)) continue;
    if (Object.keys(p.decision.writes).length === 0 && p.decision.outcome !== "insert" && p.decision.outcome !== "restore") continue;
    await writeErp(deps, p);
  }

  // 4. Records whose target vanished while we wrote: decide again as missing (deletion policy), once.
  const vanished = planned.filter(
    (p) =>
      (p.dvResult && !p.dvResult.ok && !isDataverseCreate(p) && (p.dvResult.error.retryClass === "notFound" || p.dvResult.error.status === 412)) ||
      (p.erpResult && !p.erpResult.ok && p.erpResult.missing),
  );
  const again: Planned[] = [];
  for (const p of vanished) {
    const candidate = { ...p.candidate, ...(p.decision.writeSide === "dataverse" ? { dataverse: null } : { erp: null }) };
    const decision = round === 0 ? decideCandidate(deps, candidate, resolveLookup, undefined) : null;
    p.dvResult = undefined;
    p.erpResult = undefined;
    if (!decision) {
      result.hasPending = true;
      p.decision = { ...p.decision, outcome: "ignore", counter: null };
      continue;
    }
    if (decision.writeSide !== null) {
      // Restore Records: carried out in a second round, as a fresh plan.
      again.push({ candidate, decision, coupling: p.coupling });
      p.decision = { ...p.decision, outcome: "ignore", counter: null };
      continue;
    }
    p.decision = decision;
  }

  // 5. Couplings, counters, errors and log lines; the success bookkeeping of the whole chunk in a few statements.
  const updates: CouplingUpdate[] = [];
  for (const p of planned) await record(deps, p, result, updates);
  await updateCouplingsInBulk(db, updates);
  if (again.length > 0) await execute(deps, again, result, resolveLookup, round + 1);
}

/**
 * The pending couplings of a chunk's plain creates in one INSERT (one per record cost a round trip and a commit each).
 * A pair coupled meanwhile by another run or a user (unique violation, skipped by the insert) is left to the next run.
 */
async function recordPendingCreates(deps: ChunkDeps, planned: Planned[], result: ChunkResult): Promise<void> {
  const { db, loaded } = deps;
  const fresh = planned.filter((p) => isDataverseCreate(p) && p.decision.outcome === "insert" && !p.candidate.coupling && p.candidate.erpId);
  if (fresh.length === 0) return;
  for (const p of fresh) p.newDataverseId = randomUUID();
  const rows = fresh.map((p) => ({ id: randomUUID(), erpId: p.candidate.erpId!, dataverseId: p.newDataverseId! }));
  // Raw: Prisma's createManyAndReturn spends about a millisecond per row here; this is one statement for the chunk.
  const created = await db.$queryRawUnsafe<Coupling[]>(
    `INSERT INTO "Coupling" ("id", "mappingId", "erpTable", "erpId", "dataverseEntity", "dataverseId", "state", "updatedAt")
     SELECT r.id, $2::uuid, $3::"ErpTable", r."erpId", $4, r."dataverseId", 'PENDING_DATAVERSE_CREATE', (now() AT TIME ZONE 'UTC')
     FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, "erpId" uuid, "dataverseId" uuid)
     ON CONFLICT DO NOTHING
     RETURNING *`,
    JSON.stringify(rows),
    loaded.row.id,
    loaded.row.erpTable,
    loaded.row.dataverseEntity,
  );
  const byErpId = new Map(created.map((c) => [c.erpId.toLowerCase(), c]));
  for (const p of fresh) {
    const coupling = byErpId.get(p.candidate.erpId!.toLowerCase());
    if (coupling) {
      p.coupling = coupling;
      continue;
    }
    p.decision = { ...p.decision, outcome: "ignore", counter: null };
    result.hasPending = true;
  }
}

async function writeDataverse(deps: ChunkDeps, planned: Planned[]): Promise<void> {
  const { loaded, client } = deps;
  const entitySet = loaded.entity.entitySet;
  const select = [loaded.entity.primaryId, ...RETURN_SELECT_EXTRA];
  // Creates read back every mapped column: Dataverse fills some on its own (the base currency, the owner).
  const createSelect = selectColumns(loaded);
  const ops: BatchOperation[] = planned.map((p) => {
    if (isDataverseCreate(p)) {
      // Upsert by the recorded id: a retry after a crash updates what the first attempt created.
      return upsertOperation(entitySet, p.newDataverseId!, dataverseBody(loaded, p.decision.writes, true), { returnRepresentation: true, select: createSelect });
    }
    const id = p.coupling?.dataverseId ?? p.decision.matchedId ?? p.candidate.dataverseId!;
    return updateOperation(entitySet, id, dataverseBody(loaded, p.decision.writes, false), { returnRepresentation: true, select });
  });
  const results = await client.executeBatch(ops, { continueOnError: true, signal: deps.signal });
  const needVersion: Planned[] = [];
  results.forEach((r, i) => {
    const p = planned[i];
    if (r.error) {
      p.dvResult = { ok: false, error: r.error };
      return;
    }
    const body = r.body && typeof r.body === "object" ? (r.body as Record<string, unknown>) : null;
    const raw = body?.versionnumber;
    const version = raw === undefined || raw === null ? null : BigInt(String(raw));
    p.dvResult = { ok: true, version, row: body ? toDataverseRow(loaded, body) : null };
    if (version === null) needVersion.push(p);
  });
  if (needVersion.length > 0) {
    // No representation came back: read the versions so the next run sees these records as unchanged.
    const rows = await fetchByIds(client, loaded, needVersion.map((p) => p.newDataverseId ?? p.coupling?.dataverseId ?? p.candidate.dataverseId!), deps.signal);
    for (const p of needVersion) {
      const row = rows.get((p.newDataverseId ?? p.coupling?.dataverseId ?? p.candidate.dataverseId!).toLowerCase());
      p.dvResult = { ok: true, version: row?.__version ?? null, row: row ?? null };
    }
  }
}

async function writeErp(deps: ChunkDeps, p: Planned): Promise<void> {
  const { db, loaded } = deps;
  const { decision, candidate } = p;
  const isCreate = decision.outcome === "insert" || decision.outcome === "restore";
  const body = erpBody(loaded, decision.writes, isCreate);
  try {
    await db.$transaction(async (tx) => {
      if (isCreate) {
        // Restore re-creates the record under its old id, so its tombstone no longer counts (change-capture.ts).
        const row = await insertErpRecord(tx, loaded.row.erpTable, body, decision.outcome === "restore" ? candidate.coupling?.erpId : undefined);
        if (decision.outcome === "restore" && candidate.coupling) {
          p.coupling = await tx.coupling.update({ where: { id: candidate.coupling.id }, data: { erpId: row.id, state: "COUPLED" } });
        } else {
          p.coupling = await tx.coupling.create({
            data: {
              mappingId: loaded.row.id,
              erpTable: loaded.row.erpTable,
              erpId: row.id,
              dataverseEntity: loaded.row.dataverseEntity,
              dataverseId: candidate.dataverseId!,
              state: "COUPLED",
            },
          });
        }
        p.erpResult = { ok: true, row };
        return;
      }
      const erpId = p.coupling?.erpId ?? candidate.erpId!;
      const row = await updateErpRecord(tx, loaded.row.erpTable, erpId, body);
      p.erpResult = row ? { ok: true, row } : { ok: false, message: "The ERP record was deleted meanwhile.", missing: true };
    });
  } catch (error) {
    if (error instanceof ErpWriteError) {
      p.erpResult = { ok: false, message: error.message };
      return;
    }
    if (error instanceof Prisma.PrismaClientKnownRequestError) {
      p.erpResult = { ok: false, message: erpErrorMessage(loaded, error) };
      return;
    }
    throw error;
  }
}

function erpErrorMessage(loaded: LoadedMapping, error: Prisma.PrismaClientKnownRequestError): string {
  const noun = ERP_TABLE_NOUNS[loaded.row.erpTable];
  if (error.code === "P2002") return `The ${noun} cannot be saved in the ERP because its number or code is already used by another ${noun}. Change it in Dataverse or couple the existing ${noun}, then use Retry.`;
  if (error.code === "P2003") return `The ${noun} refers to a record that does not exist in the ERP. Correct the reference in Dataverse, then use Retry.`;
  return `The ERP refused to save the ${noun} (${error.code}). Correct the values in Dataverse, then use Retry.`;
}

function dataverseErrorMessage(loaded: LoadedMapping, p: Planned, error: DataverseError): string {
  const noun = dataverseNoun(loaded.row.dataverseEntity);
  const verb = isDataverseCreate(p) ? "create" : "update";
  if (error.retryClass === "auth") return `Dataverse refused to ${verb} the ${noun}: the integration user lacks a privilege (${error.message}). Grant it in Dataverse, then use Retry.`;
  return `Dataverse refused to ${verb} the ${noun}: ${error.message.replace(/\.$/, "")}. Correct the value in the ERP or the field mapping, then use Retry.`;
}

const OUTCOME_BY_COUNTER: Record<string, SyncRecordOutcome> = {
  inserted: "INSERTED",
  modified: "MODIFIED",
  unchanged: "UNCHANGED",
  skipped: "SKIPPED",
  failed: "FAILED",
  uncoupled: "UNCOUPLED",
  deleted: "DELETED",
};

async function record(deps: ChunkDeps, p: Planned, result: ChunkResult, updates: CouplingUpdate[]): Promise<void> {
  const { db, loaded, pass, jobId } = deps;
  const toPass = pass === "TO_INTEGRATION_TABLE";
  let { decision } = p;
  const coupling = p.coupling;
  const now = new Date();
  const erpId = coupling?.erpId ?? p.candidate.erpId ?? null;
  const dataverseId = coupling?.dataverseId ?? p.candidate.dataverseId ?? null;

  // Transient write failure: the pair stays pending (no counter, no error), the watermark stays behind it.
  const failure = p.dvResult && !p.dvResult.ok ? p.dvResult.error : null;
  if (failure?.isRetryable) {
    result.hasPending = true;
    return;
  }
  let message = decision.message;
  let errorInfo: { class: SyncErrorClass; message: string; signature: string; detail: string | null; markSkipped: boolean } | null = decision.error
    ? { class: decision.error.class, message: decision.error.message, signature: decision.error.signature, detail: decision.error.detail, markSkipped: decision.error.markSkipped }
    : null;
  if (failure || (p.erpResult && !p.erpResult.ok)) {
    const text = failure ? dataverseErrorMessage(loaded, p, failure) : (p.erpResult as { message: string }).message;
    const signature = errorSignature(text, "PERMANENT");
    const lastResult = toPass ? coupling?.lastToResult : coupling?.lastFromResult;
    const repeated = !!coupling && coupling.state === "COUPLED" && lastResult === "FAILURE" && coupling.errorSignature === signature;
    const full = repeated ? `${text} It failed the same way twice, so it is skipped until you use Retry or Synchronize on the errors page.` : text;
    errorInfo = { class: repeated ? "SKIPPED" : "PERMANENT", message: full, signature, detail: failure ? `${failure.status} ${failure.code}` : null, markSkipped: repeated };
    decision = { ...decision, outcome: "fail", counter: repeated ? "skipped" : "failed", conflicts: [] };
    message = full;
    // A create that Dataverse refused created nothing: drop the pending coupling so nothing points at a ghost.
    if (isDataverseCreate(p) && coupling?.state === "PENDING_DATAVERSE_CREATE" && p.decision.outcome === "insert") {
      await db.coupling.delete({ where: { id: coupling.id } }).catch(() => undefined);
      await finishUncoupledFailure(deps, p, errorInfo, result);
      return;
    }
  }

  const counter = decision.counter;
  if (counter) result.counters[counter] += 1;
  if (decision.needsOppositePass && toPass && dataverseId) result.oppositeDataverseIds.push(dataverseId);
  if (counter && counter !== "unchanged") {
    result.logs.push({ erpTable: loaded.row.erpTable, erpId, dataverseId, outcome: OUTCOME_BY_COUNTER[counter], message });
  }

  if (decision.outcome === "uncouple") {
    if (coupling) await db.coupling.deleteMany({ where: { id: coupling.id } });
    return;
  }
  if (decision.outcome === "ignore" || decision.outcome === "skip") return;

  if (errorInfo) {
    if (!coupling) {
      await finishUncoupledFailure(deps, p, errorInfo, result);
      return;
    }
    await db.coupling.update({
      where: { id: coupling.id },
      data: {
        ...(toPass ? { lastToResult: "FAILURE", lastToJobId: jobId, lastToAt: now } : { lastFromResult: "FAILURE", lastFromJobId: jobId, lastFromAt: now }),
        isSkipped: errorInfo.markSkipped || coupling.isSkipped,
        errorClass: errorInfo.class,
        errorMessage: errorInfo.message.slice(0, 4000),
        errorSignature: errorInfo.signature,
        conflict: decision.conflicts.length > 0 ? (decision.conflicts as unknown as Prisma.InputJsonValue) : Prisma.DbNull,
        failedAt: now,
      },
    });
    result.errors.push(jobError(deps, p, coupling.id, errorInfo));
    return;
  }

  // Success (insert, restore, update, couple, unchanged).
  if (!coupling) return;
  const wroteDataverse = p.dvResult?.ok === true;
  const wroteErp = p.erpResult?.ok === true;
  const dvVersion = wroteDataverse ? (p.dvResult as { version: bigint | null }).version : (p.candidate.dataverse?.__version ?? null);
  const erpVersion = wroteErp ? (p.erpResult as { row: ErpRow }).row.rowVersion : (p.candidate.erp?.rowVersion ?? null);
  const data: Prisma.CouplingUpdateInput = {};
  const snapshot = wroteDataverse && isDataverseCreate(p) ? withServerDefaults(deps, p, decision) : decision.snapshot;
  // Lookups written empty (Clear Value on Failed Sync) stay marked until sent, so the run retries the pair once a parent
  // couples; a mark whose source was emptied meanwhile is dropped even when nothing else is written.
  const isCreate = decision.outcome === "insert" || decision.outcome === "restore";
  const previousMarks = isCreate ? {} : clearedMarks(coupling.snapshot);
  const hasMarks = Object.keys(previousMarks).length > 0;
  const stored = snapshot ?? (hasMarks ? parseSnapshot(coupling.snapshot) : null);
  if (stored) {
    const marked = withClearedMarks(stored, previousMarks, decision.clearedLookups.map((c) => c.key), pass, (key, markPass) => sourceHoldsLookup(deps, p, key, markPass));
    if (snapshot || JSON.stringify(clearedMarks(marked)) !== JSON.stringify(previousMarks)) data.snapshot = marked as unknown as Prisma.InputJsonValue;
  }
  if ((decision.refresh.dataverseVersion || wroteDataverse) && dvVersion !== null && dvVersion !== coupling.lastSyncedDataverseVersion) data.lastSyncedDataverseVersion = dvVersion;
  if ((decision.refresh.erpVersion || wroteErp) && erpVersion !== null && erpVersion !== coupling.lastSyncedErpVersion) data.lastSyncedErpVersion = erpVersion;
  if (p.candidate.dataverse?.__modifiedOn && decision.refresh.dataverseVersion) data.lastSyncedDataverseModifiedOn = new Date(p.candidate.dataverse.__modifiedOn);
  if (coupling.state !== "COUPLED") data.state = "COUPLED";
  const lastResult = toPass ? coupling.lastToResult : coupling.lastFromResult;
  const isWrite = decision.outcome !== "unchanged";
  if (isWrite || lastResult !== "SUCCESS" || Object.keys(data).length > 0) {
    Object.assign(data, toPass ? { lastToResult: "SUCCESS", lastToJobId: jobId, lastToAt: now } : { lastFromResult: "SUCCESS", lastFromJobId: jobId, lastFromAt: now });
    const otherFailed = (toPass ? coupling.lastFromResult : coupling.lastToResult) === "FAILURE";
    if (!otherFailed && coupling.errorClass) Object.assign(data, { errorClass: null, errorMessage: null, errorSignature: null, conflict: Prisma.DbNull, failedAt: null });
  }
  if (Object.keys(data).length > 0) updates.push({ id: coupling.id, data });
}

/** Whether the source side of a cleared lookup (by the pass that cleared it) still holds a value to send; unknown counts as yes. */
function sourceHoldsLookup(deps: ChunkDeps, p: Planned, key: string, pass: PassDirection): boolean {
  const fm = deps.loaded.fieldMappings.find((f) => fieldKey(f) === key);
  if (!fm) return false;
  const record = pass === "TO_INTEGRATION_TABLE" ? p.candidate.erp : p.candidate.dataverse;
  const name = pass === "TO_INTEGRATION_TABLE" ? fm.erpField : fm.dataverseAttribute;
  if (!record || !name) return true;
  const value = record[name];
  return value !== null && value !== undefined && String(value).trim() !== "";
}

/**
 * After a create, the base of a field Dataverse filled on its own (not written by us) is what Dataverse holds: a
 * server default is not a user's change, so it must not flow back to the ERP as one.
 */
function withServerDefaults(deps: ChunkDeps, p: Planned, decision: Decision): Decision["snapshot"] {
  const row = p.dvResult?.ok ? p.dvResult.row : null;
  if (!decision.snapshot || !row) return decision.snapshot;
  const snapshot = { ...decision.snapshot };
  // Only Dataverse's values are needed here: no translation of the ERP side per created record.
  const fields = dataverseValues({ erpTable: deps.loaded.row.erpTable, dataverseEntity: deps.loaded.row.dataverseEntity }, deps.loaded.fieldMappings, row);
  for (const f of fields) {
    const attribute = f.mapping.dataverseAttribute;
    if (!attribute || attribute in decision.writes || !snapshot[f.key]) continue;
    snapshot[f.key] = { ...snapshot[f.key], d: f.dataverse };
  }
  return snapshot;
}

/** A record that is not coupled failed: only the job error remembers it (retried when its cause changes). */
async function finishUncoupledFailure(
  deps: ChunkDeps,
  p: Planned,
  errorInfo: { class: SyncErrorClass; message: string; signature: string; detail: string | null },
  result: ChunkResult,
): Promise<void> {
  result.errors.push(jobError(deps, p, null, errorInfo));
}

function jobError(
  deps: ChunkDeps,
  p: Planned,
  couplingId: string | null,
  errorInfo: { class: SyncErrorClass; message: string; signature: string; detail: string | null },
): JobErrorInput {
  const { loaded, pass } = deps;
  const erpRef = p.candidate.erp ? erpKeyOf(loaded.row.erpTable, p.candidate.erp) : null;
  const dvName = p.candidate.dataverse?.[loaded.entity.primaryName];
  const dvRef = dvName ? String(dvName) : null;
  const erp = { table: loaded.row.erpTable as string, id: p.coupling?.erpId ?? p.candidate.erpId, ref: erpRef };
  const dv = { table: loaded.row.dataverseEntity, id: p.coupling?.dataverseId ?? p.candidate.dataverseId, ref: dvRef };
  const [source, destination] = pass === "TO_INTEGRATION_TABLE" ? [erp, dv] : [dv, erp];
  const detail = p.decision.conflicts.length > 0 ? JSON.stringify(p.decision.conflicts) : errorInfo.detail;
  return {
    couplingId,
    sourceTable: source.table,
    sourceId: source.id ?? null,
    sourceRef: source.ref,
    destinationTable: destination.table,
    destinationId: destination.id ?? null,
    destinationRef: destination.ref,
    errorClass: errorInfo.class,
    message: errorInfo.message,
    detail,
    signature: errorInfo.signature,
  };
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";
}
