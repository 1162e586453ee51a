import type { Db, Tx } from "../db/db-client.ts";
import { dataverseNoun, ERP_TABLE_NOUNS } from "./field-catalog.ts";
import { lookupResolver, type LookupAnswer, type LookupQuery, type ResolveLookup } from "./field-transfer.ts";
import { loadErpRecords, loadErpRecordsByField } from "./erp-records.ts";
import type { MappingBrief } from "./mapping-loader.ts";

// Lookups (parent customer, owner, currency) are translated through the couplings of the lookup's own mapping, in
// bulk: one query per (mapping, side) for the related records and one for their couplings, whatever the number of
// pairs. Only COUPLED couplings count — a Dataverse record still being created is not a parent yet.

export async function resolveLookups(db: Db | Tx, queries: readonly LookupQuery[], mappings: readonly MappingBrief[]): Promise<ResolveLookup> {
  const answers: [LookupQuery, LookupAnswer][] = [];
  const groups = new Map<string, LookupQuery[]>();
  for (const q of queries) {
    const key = `${q.mapping}|${q.from}|${q.erpKey}`;
    const list = groups.get(key) ?? [];
    list.push(q);
    groups.set(key, list);
  }
  for (const list of groups.values()) {
    const { mapping: name, from, erpKey } = list[0];
    const mapping = mappings.find((m) => m.name === name);
    if (!mapping) continue;
    const erpNoun = ERP_TABLE_NOUNS[mapping.erpTable];
    if (from === "erp") {
      const values = list.map((q) => q.value);
      const records = erpKey === "id" ? [...(await loadErpRecords(db, mapping.erpTable, values.map((v) => v.toLowerCase()))).values()] : await loadErpRecordsByField(db, mapping.erpTable, erpKey, values);
      const couplings = await db.coupling.findMany({
        where: { erpTable: mapping.erpTable, erpId: { in: records.map((r) => r.id) }, state: "COUPLED" },
        select: { erpId: true, dataverseId: true },
      });
      const dvByErp = new Map(couplings.map((c) => [c.erpId, c.dataverseId]));
      for (const q of list) {
        const record = records.find((r) => String(r[erpKey]).toLowerCase() === q.value.toLowerCase());
        const ref = record && erpKey === "id" ? String(record.no ?? record.code ?? q.value) : q.value;
        if (!record) answers.push([q, { status: "notFound", parent: { noun: erpNoun, ref } }]);
        else if (!dvByErp.has(record.id)) answers.push([q, { status: "notCoupled", parent: { noun: erpNoun, ref } }]);
        else answers.push([q, { status: "coupled", value: dvByErp.get(record.id)! }]);
      }
      continue;
    }
    const ids = list.map((q) => q.value.toLowerCase());
    const couplings = await db.coupling.findMany({
      where: { dataverseEntity: mapping.dataverseEntity, dataverseId: { in: ids }, state: "COUPLED" },
      select: { erpId: true, dataverseId: true },
    });
    const records = await loadErpRecords(db, mapping.erpTable, couplings.map((c) => c.erpId));
    const erpByDv = new Map(couplings.map((c) => [c.dataverseId.toLowerCase(), c.erpId]));
    for (const q of list) {
      const erpId = erpByDv.get(q.value.toLowerCase());
      const record = erpId ? records.get(erpId) : undefined;
      const parent = { noun: `Dataverse ${dataverseNoun(mapping.dataverseEntity)}`, ref: q.value };
      if (!erpId) answers.push([q, { status: "notCoupled", parent }]);
      else if (!record) answers.push([q, { status: "notFound", parent: { noun: erpNoun, ref: q.value } }]);
      else answers.push([q, { status: "coupled", value: String(record[erpKey]) }]);
    }
  }
  return lookupResolver(answers);
}
