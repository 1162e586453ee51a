import type { DataverseClient } from "../dataverse/dataverse-client.ts";
import type { Db, Tx } from "../db/db-client.ts";
import { Prisma } from "../db/generated/client.ts";
import type { ErpTable } from "../db/generated/enums.ts";
import { naturalMatchRule, type NaturalMatchRule } from "./default-mappings.ts";
import { fetchByAttribute, fetchByIds, passesIntegrationFilter, type DataverseRow } from "./dataverse-records.ts";
import { dataverseNoun, ERP_FIELDS, ERP_TABLE_NOUNS, findDataverseAttribute } from "./field-catalog.ts";
import { agreedSnapshot, compareFields, lookupResolver, type LookupAnswer, type LookupParent, type LookupQuery, type ResolveLookup } from "./field-transfer.ts";
import { erpKeyOf, loadErpRecords, loadErpRecordsByField, type ErpRow } from "./erp-records.ts";
import { loadMapping, type LoadedMapping, type MappingBrief } from "./mapping-loader.ts";
import { matchesFilter } from "./table-filter.ts";

// Lookups (parent customer, owner, currency) are translated through the couplings of the lookup's own mapping, in
// bulk: one query per (mapping, side) for the related records and one for their couplings, whatever the number of
// pairs. Only COUPLED couplings count — a Dataverse record still being created is not a parent yet.
//
// With a Dataverse client (the engine's passes, for the side the pass writes), a parent that is not coupled is looked
// at more closely: when its mapping has a natural-match rule (currency by ISO code) and exactly one uncoupled record
// of the other side has the same key, the two are coupled on the spot — a real coupling of the parent's mapping, with
// the snapshot of the fields they already agree on, as Set Up Coupling without synchronization writes it — and the
// lookup uses it. A Dataverse parent is also named by its natural key or primary name instead of its GUID.
//
// Previews and comparisons people read (Set Up Coupling, Synchronize Now) resolve the same way with `preview`: a
// parent a run would couple by natural match is shown with its translation, but the coupling is not written.

/** A parent coupling made by natural match while translating a lookup; the pass counts and logs it. */
export type OnTheFlyCoupling = { mapping: string; erpTable: ErpTable; erpId: string; dataverseId: string; message: string };

export type LookupResolutionOptions = {
  client: DataverseClient;
  signal?: AbortSignal;
  /**
   * The side whose lookups a pass writes ("erp" for the To pass): only those are matched and named, so a pass spends
   * no Dataverse request on parents whose translation it does not write. A preview shows both.
   */
  side: "erp" | "dataverse" | "both";
  /** Receives the couplings made on the fly. */
  coupled: OnTheFlyCoupling[];
  /** Match without writing: a natural-match parent resolves, no coupling is made (nothing is added to `coupled`). */
  preview?: boolean;
};

type MatchResult = { dataverseId: string } | { erp: ErpRow } | { advice?: string; ref?: string };

export async function resolveLookups(
  db: Db | Tx,
  queries: readonly LookupQuery[],
  mappings: readonly MappingBrief[],
  options?: LookupResolutionOptions,
): Promise<ResolveLookup> {
  const answers: [LookupQuery, LookupAnswer][] = [];
  const groups = new Map<string, LookupQuery[]>();
  for (const q of queries) {
    const key = `${q.mapping}|${q.from}|${q.erpKey}`;
    const list = groups.get(key) ?? [];
    list.push(q);
    groups.set(key, list);
  }
  for (const list of groups.values()) {
    const brief = mappings.find((m) => m.name === list[0].mapping);
    if (!brief) continue;
    const closer = options && (options.side === "both" || options.side === list[0].from) ? options : undefined;
    if (list[0].from === "erp") answers.push(...(await fromErp(db, brief, list, closer)));
    else answers.push(...(await fromDataverse(db, brief, list, closer)));
  }
  return lookupResolver(answers);
}

async function fromErp(db: Db | Tx, brief: MappingBrief, list: LookupQuery[], options: LookupResolutionOptions | undefined): Promise<[LookupQuery, LookupAnswer][]> {
  const { erpKey } = list[0];
  const erpNoun = ERP_TABLE_NOUNS[brief.erpTable];
  const values = list.map((q) => q.value);
  const records =
    erpKey === "id" ? [...(await loadErpRecords(db, brief.erpTable, values.map((v) => v.toLowerCase()))).values()] : await loadErpRecordsByField(db, brief.erpTable, erpKey, values);
  const couplings = await db.coupling.findMany({
    where: { erpTable: brief.erpTable, erpId: { in: records.map((r) => r.id) } },
    select: { erpId: true, dataverseId: true, state: true },
  });
  const dvByErp = new Map(couplings.filter((c) => c.state === "COUPLED").map((c) => [c.erpId, c.dataverseId]));
  // A record with a pending create is being coupled by its own mapping: never match it to something else.
  const withCoupling = new Set(couplings.map((c) => c.erpId));
  const open = records.filter((r) => !withCoupling.has(r.id));
  const matched = options && open.length > 0 ? await matchErpParents(db, brief, open, options) : new Map<string, MatchResult>();
  const out: [LookupQuery, LookupAnswer][] = [];
  for (const q of list) {
    const record = records.find((r) => String(r[erpKey]).toLowerCase() === q.value.toLowerCase());
    if (!record) {
      out.push([q, { status: "notFound", parent: { noun: erpNoun, ref: q.value } }]);
      continue;
    }
    const ref = erpKeyOf(brief.erpTable, record) || q.value;
    const match = matched.get(record.id);
    const dataverseId = dvByErp.get(record.id) ?? (match && "dataverseId" in match ? match.dataverseId : undefined);
    if (dataverseId) out.push([q, { status: "coupled", value: dataverseId }]);
    else out.push([q, { status: "notCoupled", parent: withAdvice({ noun: erpNoun, ref }, match) }]);
  }
  return out;
}

async function fromDataverse(db: Db | Tx, brief: MappingBrief, list: LookupQuery[], options: LookupResolutionOptions | undefined): Promise<[LookupQuery, LookupAnswer][]> {
  const { erpKey } = list[0];
  const ids = [...new Set(list.map((q) => q.value.toLowerCase()))];
  const couplings = await db.coupling.findMany({
    where: { dataverseEntity: brief.dataverseEntity, dataverseId: { in: ids } },
    select: { erpId: true, dataverseId: true, state: true },
  });
  const coupled = couplings.filter((c) => c.state === "COUPLED");
  const records = await loadErpRecords(db, brief.erpTable, coupled.map((c) => c.erpId));
  const erpByDv = new Map(coupled.map((c) => [c.dataverseId.toLowerCase(), c.erpId]));
  const withCoupling = new Set(couplings.map((c) => c.dataverseId.toLowerCase()));
  const notCoupled = ids.filter((id) => !erpByDv.has(id));
  const matched = options && notCoupled.length > 0 ? await matchDataverseParents(db, brief, notCoupled, withCoupling, options) : new Map<string, MatchResult>();
  const out: [LookupQuery, LookupAnswer][] = [];
  for (const q of list) {
    const id = q.value.toLowerCase();
    const erpId = erpByDv.get(id);
    const match = matched.get(id);
    const record = erpId ? records.get(erpId) : match && "erp" in match ? match.erp : undefined;
    const parent: LookupParent = withAdvice({ noun: `Dataverse ${dataverseNoun(brief.dataverseEntity)}`, ref: q.value }, match);
    if (record) out.push([q, { status: "coupled", value: String(record[erpKey]) }]);
    else if (erpId) out.push([q, { status: "notFound", parent: { noun: ERP_TABLE_NOUNS[brief.erpTable], ref: q.value } }]);
    else out.push([q, { status: "notCoupled", parent }]);
  }
  return out;
}

function withAdvice(parent: LookupParent, match: MatchResult | undefined): LookupParent {
  if (!match || "dataverseId" in match || "erp" in match) return parent;
  return { ...parent, ref: match.ref ?? parent.ref, ...(match.advice ? { advice: match.advice } : {}) };
}

// ───────────── natural match on the fly ─────────────

const text = (value: unknown): string => (value === null || value === undefined ? "" : String(value).trim());
const normalize = (rule: NaturalMatchRule, value: unknown): string => (rule.isCaseSensitive ? text(value) : text(value).toLowerCase());

function erpFieldLabel(table: ErpTable, field: string): string {
  return (ERP_FIELDS[table].find((f) => f.name === field)?.label ?? field).toLowerCase();
}

function dataverseAttributeLabel(loaded: LoadedMapping, attribute: string): string {
  return (findDataverseAttribute(loaded.entity.attributes, attribute)?.label ?? attribute).toLowerCase();
}

/** ERP parents without a coupling: couple each to the one uncoupled Dataverse record with its natural key. */
async function matchErpParents(db: Db | Tx, brief: MappingBrief, records: ErpRow[], options: LookupResolutionOptions): Promise<Map<string, MatchResult>> {
  const out = new Map<string, MatchResult>();
  const rule = naturalMatchRule(brief.name);
  if (!rule) return out;
  const parent = await loadMapping(db, brief.id);
  if (!parent) return out;
  const keyed = records.filter((r) => text(r[rule.erpField]) !== "" && matchesFilter(parent.erpFilter, parent.erpFilterFields, r));
  if (keyed.length === 0) return out;
  const rows = await fetchByAttribute(options.client, parent, rule.dataverseAttribute, [...new Set(keyed.map((r) => text(r[rule.erpField])))], options.signal);
  const free = await uncoupledRows(db, parent, rows.filter((r) => passesIntegrationFilter(parent, r)));
  const erpNoun = ERP_TABLE_NOUNS[brief.erpTable];
  const dvNoun = dataverseNoun(brief.dataverseEntity);
  const label = dataverseAttributeLabel(parent, rule.dataverseAttribute);
  for (const record of keyed) {
    const key = text(record[rule.erpField]);
    const ref = erpKeyOf(brief.erpTable, record);
    const matches = free.filter((row) => normalize(rule, row[rule.dataverseAttribute]) === normalize(rule, key));
    if (matches.length === 1 && (await coupleOnTheFly(db, parent, record, matches[0], rule, options))) {
      free.splice(free.indexOf(matches[0]), 1);
      out.set(record.id, { dataverseId: matches[0].__id });
      continue;
    }
    out.set(record.id, {
      advice:
        matches.length > 1
          ? `couple the ${erpNoun} ${ref} to the right one of the ${matches.length} Dataverse ${dvNoun} records with the ${label} ${key} (Set Up Coupling)`
          : `couple the ${erpNoun} ${ref} first (Dataverse has no uncoupled ${dvNoun} with the ${label} ${key} to couple it to automatically)`,
    });
  }
  return out;
}

/** Dataverse parents that are not coupled: named by their natural key or primary name; matched when they have no coupling. */
async function matchDataverseParents(
  db: Db | Tx,
  brief: MappingBrief,
  ids: string[],
  withCoupling: ReadonlySet<string>,
  options: LookupResolutionOptions,
): Promise<Map<string, MatchResult>> {
  const out = new Map<string, MatchResult>();
  const parent = await loadMapping(db, brief.id);
  if (!parent) return out;
  const rows = await fetchByIds(options.client, parent, ids, options.signal);
  const rule = naturalMatchRule(brief.name);
  const refOf = (row: DataverseRow): string | undefined => {
    const key = rule ? text(row[rule.dataverseAttribute]) : "";
    if (key) return key;
    const name = text(row[parent.entity.primaryName]);
    return name ? `'${name}'` : undefined;
  };
  const open = rule ? [...rows.values()].filter((r) => !withCoupling.has(r.__id) && text(r[rule.dataverseAttribute]) !== "" && passesIntegrationFilter(parent, r)) : [];
  const candidates = rule && open.length > 0 ? await uncoupledErpByKey(db, parent, rule, open.map((r) => text(r[rule.dataverseAttribute]))) : [];
  const erpNoun = ERP_TABLE_NOUNS[brief.erpTable];
  const dvNoun = `Dataverse ${dataverseNoun(brief.dataverseEntity)}`;
  for (const [id, row] of rows) {
    const ref = refOf(row);
    if (!rule || !open.includes(row)) {
      out.set(id, { ref });
      continue;
    }
    const key = text(row[rule.dataverseAttribute]);
    const label = erpFieldLabel(brief.erpTable, rule.erpField);
    const matches = candidates.filter((r) => normalize(rule, r[rule.erpField]) === normalize(rule, key));
    if (matches.length === 1 && (await coupleOnTheFly(db, parent, matches[0], row, rule, options))) {
      candidates.splice(candidates.indexOf(matches[0]), 1);
      out.set(id, { erp: matches[0] });
      continue;
    }
    out.set(id, {
      ref,
      advice:
        matches.length > 1
          ? `couple the ${dvNoun} ${ref} to the right one of the ${matches.length} ERP ${erpNoun} records with the ${label} ${key} (Set Up Coupling)`
          : `create the ${erpNoun} ${key} in the ERP (the ${brief.name} mapping couples it by its ${label}) or couple the ${dvNoun} ${ref} with Set Up Coupling`,
    });
  }
  return out;
}

/** The rows that no coupling (in any state) holds yet. */
async function uncoupledRows(db: Db | Tx, parent: LoadedMapping, rows: DataverseRow[]): Promise<DataverseRow[]> {
  if (rows.length === 0) return [];
  const taken = await db.coupling.findMany({
    where: { dataverseEntity: parent.row.dataverseEntity, dataverseId: { in: rows.map((r) => r.__id) } },
    select: { dataverseId: true },
  });
  const ids = new Set(taken.map((c) => c.dataverseId.toLowerCase()));
  return rows.filter((r) => !ids.has(r.__id));
}

/** ERP records with one of the keys, inside the parent mapping's table filter and without any coupling. */
async function uncoupledErpByKey(db: Db | Tx, parent: LoadedMapping, rule: NaturalMatchRule, keys: string[]): Promise<ErpRow[]> {
  // ERP codes are stored upper-case; the variants find them whatever the case of the Dataverse value.
  const variants = rule.isCaseSensitive ? keys : keys.flatMap((k) => [k, k.toUpperCase(), k.toLowerCase()]);
  const records = (await loadErpRecordsByField(db, parent.row.erpTable, rule.erpField, [...new Set(variants)])).filter((r) =>
    matchesFilter(parent.erpFilter, parent.erpFilterFields, r),
  );
  if (records.length === 0) return [];
  const taken = await db.coupling.findMany({ where: { erpTable: parent.row.erpTable, erpId: { in: records.map((r) => r.id) } }, select: { erpId: true } });
  const ids = new Set(taken.map((c) => c.erpId));
  return records.filter((r) => !ids.has(r.id));
}

/**
 * Writes the coupling of the parent mapping (a preview only answers that a run would). Another run may couple one of
 * the two meanwhile: if it coupled exactly this pair the lookup uses it (not counted here), otherwise the parent stays
 * uncoupled for this lookup.
 */
async function coupleOnTheFly(db: Db | Tx, parent: LoadedMapping, erp: ErpRow, dataverse: DataverseRow, rule: NaturalMatchRule, options: LookupResolutionOptions): Promise<boolean> {
  if (options.preview) return true;
  const { erpTable, dataverseEntity } = parent.row;
  const states = compareFields({
    context: { erpTable, dataverseEntity },
    fieldMappings: parent.fieldMappings,
    erp,
    dataverse,
    resolveLookup: (q) => ({ status: "notCoupled", parent: { noun: q.mapping, ref: q.value } }),
  });
  try {
    await db.coupling.create({
      data: {
        mappingId: parent.row.id,
        erpTable,
        erpId: erp.id,
        dataverseEntity,
        dataverseId: dataverse.__id,
        state: "COUPLED",
        snapshot: agreedSnapshot(states) as unknown as Prisma.InputJsonValue,
      },
    });
  } catch (error) {
    if (!(error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002")) throw error;
    const now = await db.coupling.findUnique({ where: { erpTable_erpId: { erpTable, erpId: erp.id } } });
    return now?.state === "COUPLED" && now.dataverseId.toLowerCase() === dataverse.__id;
  }
  const erpRef = erpKeyOf(erpTable, erp);
  const key = text(dataverse[rule.dataverseAttribute]);
  options.coupled.push({
    mapping: parent.row.name,
    erpTable,
    erpId: erp.id,
    dataverseId: dataverse.__id,
    message: `Coupled the ${ERP_TABLE_NOUNS[erpTable]} ${erpRef} to the Dataverse ${dataverseNoun(dataverseEntity)} ${key} by natural match (${erpFieldLabel(erpTable, rule.erpField)} = ${dataverseAttributeLabel(parent, rule.dataverseAttribute)}), because a lookup needed it.`,
  });
  return true;
}
