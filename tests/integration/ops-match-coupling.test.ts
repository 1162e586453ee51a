import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runMatchBasedCoupling } from "../../lib/integration/match-based-coupling.ts";
import { ActionError } from "../../lib/actions/action-result.ts";
import { insertCouplings } from "../../lib/integration/coupling-service.ts";
import { fromWebApiRow } from "../../lib/integration/field-transfer.ts";
import { loadMappingById, mappingForTable } from "../../lib/integration/operation-context.ts";
import { createAccount, createCustomer, getAccount, resetCustomerMapping, startOpsEnv, uniqueWord, type OpsEnv } from "./ops-fixtures.ts";

let env: OpsEnv;
let mappingId: string;

beforeAll(async () => {
  env = await startOpsEnv();
  await resetCustomerMapping(env.db);
  mappingId = (await mappingForTable(env.db, "CUSTOMER")).row.id;
});

afterAll(async () => {
  await env.close();
});

async function fingerprint() {
  const [couplings, jobs, audit, logs, fields] = await Promise.all([
    env.db.coupling.count(),
    env.db.syncJob.count(),
    env.db.auditEntry.count(),
    env.db.syncRecordLog.count(),
    env.db.integrationFieldMapping.findMany({ where: { mappingId }, orderBy: { id: "asc" } }),
  ]);
  const accounts = (await env.client.queryAll("accounts", {})).length;
  return { couplings, jobs, audit, logs, fields, accounts };
}

type LogEntry = { method: string; path: string };

async function emulatorLogSeq(): Promise<number> {
  const response = await fetch(`${env.emulator.url}/_emulator/log?since=999999999999`);
  return ((await response.json()) as { lastSeq: number }).lastSeq;
}

/** Queries of accounts the emulator answered since `seq` (the queries of a match-based coupling). */
async function accountQueriesSince(seq: number): Promise<number> {
  const response = await fetch(`${env.emulator.url}/_emulator/log?since=${seq}`);
  const { entries } = (await response.json()) as { entries: LogEntry[] };
  return entries.filter((e) => e.method === "GET" && /\/accounts(\?|$)/.test(e.path)).length;
}

const byName = [{ erpField: "name", caseSensitive: false, priority: 0 }];

describe("match-based coupling", () => {
  it("a dry run reports exact, ambiguous and unmatched records and writes nothing", async () => {
    const word = uniqueWord("Dry");
    const exact = await createCustomer(env.db, { name: `${word} Exact` });
    const twice = await createCustomer(env.db, { name: `${word} Twice` });
    const none = await createCustomer(env.db, { name: `${word} Nothing` });
    const exactId = await createAccount(env.client, { name: `${word} exact` });
    const twinA = await createAccount(env.client, { name: `${word} Twice` });
    const twinB = await createAccount(env.client, { name: `${word} Twice` });
    const before = await fingerprint();
    const report = await runMatchBasedCoupling(env.deps, env.actor, {
      mappingId,
      erpRecordIds: [exact.id, twice.id, none.id],
      criteria: byName,
      createNewIfNoMatch: true,
      dryRun: true,
    });
    expect(report.matched).toEqual([expect.objectContaining({ erpId: exact.id, no: exact.no, dataverseId: exactId, priority: 0 })]);
    expect(report.ambiguous).toEqual([expect.objectContaining({ erpId: twice.id, candidates: expect.arrayContaining([expect.objectContaining({ dataverseId: twinA }), expect.objectContaining({ dataverseId: twinB })]) })]);
    expect(report.unmatched).toEqual([expect.objectContaining({ erpId: none.id, action: "create" })]);
    expect(report.jobId).toBeNull();
    expect(await fingerprint()).toEqual(before);
  });

  it("couples the exact match, never couples the ambiguous one, fails the unmatched one without Create New", async () => {
    const word = uniqueWord("Run");
    const exact = await createCustomer(env.db, { name: `${word} Exact` });
    const twice = await createCustomer(env.db, { name: `${word} Twice` });
    const none = await createCustomer(env.db, { name: `${word} Nothing` });
    const exactId = await createAccount(env.client, { name: `${word} Exact` });
    await createAccount(env.client, { name: `${word} Twice` });
    await createAccount(env.client, { name: `${word} Twice` });
    const fieldsBefore = (await fingerprint()).fields;
    const report = await runMatchBasedCoupling(env.deps, env.actor, { mappingId, erpRecordIds: [exact.id, twice.id, none.id], criteria: byName, createNewIfNoMatch: false });
    expect(report.counters).toEqual({ coupled: 1, inserted: 0, failed: 2 });
    expect((await env.db.coupling.findUnique({ where: { erpTable_erpId: { erpTable: "CUSTOMER", erpId: exact.id } } }))?.dataverseId).toBe(exactId);
    expect(await env.db.coupling.count({ where: { erpId: { in: [twice.id, none.id] } } })).toBe(0);
    const job = await env.db.syncJob.findUniqueOrThrow({ where: { id: report.jobId! } });
    expect(job).toMatchObject({ type: "COUPLING", status: "SUCCEEDED", coupled: 1, failed: 2, progressDone: 3, progressTotal: 3 });
    const errors = await env.db.syncJobError.findMany({ where: { jobId: report.jobId! } });
    expect(errors.map((e) => e.message)).toEqual(
      expect.arrayContaining([expect.stringContaining(`${twice.no} matches 2 uncoupled`), expect.stringMatching(/^Failed to couple 1 record\(s\), because no unique uncoupled matching entity was found/)]),
    );
    // A run's criteria are its own: the mapping's default criteria stay as they were (saving them is explicit).
    expect((await fingerprint()).fields).toEqual(fieldsBefore);
  });

  it("creates an account for a record without a match when Create New is on, and synchronizes after coupling", async () => {
    const word = uniqueWord("Crt");
    const exact = await createCustomer(env.db, { name: `${word} Exact`, city: "Lund" });
    const none = await createCustomer(env.db, { name: `${word} Fresh`, city: "Umeå" });
    const exactId = await createAccount(env.client, { name: `${word} exact`, address1_city: "Kiruna" });
    const report = await runMatchBasedCoupling(env.deps, env.actor, {
      mappingId,
      erpRecordIds: [exact.id, none.id],
      criteria: byName,
      createNewIfNoMatch: true,
      synchronizeAfterCoupling: true,
    });
    expect(report.counters).toEqual({ coupled: 2, inserted: 1, failed: 0 });
    const created = await env.db.coupling.findUniqueOrThrow({ where: { erpTable_erpId: { erpTable: "CUSTOMER", erpId: none.id } } });
    expect(await getAccount(env.client, created.dataverseId)).toMatchObject({ name: `${word} Fresh`, address1_city: "Umeå" });
    // Bidirectional mapping, conflict resolution None → Merge: ERP wins the Bidirectional fields.
    expect(await getAccount(env.client, exactId)).toMatchObject({ name: `${word} Exact`, address1_city: "Lund" });
  });

  it("tries priority groups in order as fresh attempts, honours case sensitivity and never matches empty values", async () => {
    const word = uniqueWord("Grp");
    // Group 0 (name, case-sensitive) finds nothing for "CASE"; group 1 (city) finds exactly one.
    const byCity = await createCustomer(env.db, { name: `${word} CASE`, city: `${word}City` });
    const blankCity = await createCustomer(env.db, { name: `${word} Blank`, city: "" });
    const target = await createAccount(env.client, { name: `${word} case`, address1_city: `${word}City` });
    await createAccount(env.client, { name: `${word} Other`, address1_city: "" });
    const report = await runMatchBasedCoupling(env.deps, env.actor, {
      mappingId,
      erpRecordIds: [byCity.id, blankCity.id],
      criteria: [
        { erpField: "name", caseSensitive: true, priority: 0 },
        { erpField: "city", caseSensitive: false, priority: 1 },
      ],
      dryRun: true,
      createNewIfNoMatch: false,
    });
    expect(report.matched).toEqual([expect.objectContaining({ erpId: byCity.id, dataverseId: target, priority: 1 })]);
    expect(report.unmatched).toEqual([expect.objectContaining({ erpId: blankCity.id, action: "none" })]);
  });

  it("asks Dataverse for many records' candidates in shared queries, with the outcome of asking for each alone", async () => {
    const word = uniqueWord("Shr");
    const names = Array.from({ length: 130 }, (_, i) => `${word} N${i}`);
    const customers = await Promise.all(names.map((name) => createCustomer(env.db, { name })));
    // Every third record has no account, every 13th two (ambiguous); a few differ in case only (a match by name).
    const expected = new Map<string, { account: string } | "ambiguous" | "none">();
    for (const [i, customer] of customers.entries()) {
      if (i % 13 === 0) {
        await createAccount(env.client, { name: names[i] });
        await createAccount(env.client, { name: names[i] });
        expected.set(customer.id, "ambiguous");
      } else if (i % 3 === 0) {
        expected.set(customer.id, "none");
      } else {
        expected.set(customer.id, { account: await createAccount(env.client, { name: i % 10 === 1 ? names[i].toUpperCase() : names[i] }) });
      }
    }
    // One account two records would match by city: the first of them in key order gets it, as when asked one by one.
    const both = await Promise.all(["A", "B"].map((suffix) => createCustomer(env.db, { no: `${word}Z${suffix}`, name: `${word} Z${suffix}`, city: `${word}Town` })));
    const shared = await createAccount(env.client, { name: `${word} other`, address1_city: `${word}Town` });
    const ids = [...customers, ...both].map((c) => c.id);
    const since = await emulatorLogSeq();
    const report = await runMatchBasedCoupling(env.deps, env.actor, {
      mappingId,
      erpRecordIds: ids,
      criteria: [
        { erpField: "name", caseSensitive: false, priority: 0 },
        { erpField: "city", caseSensitive: false, priority: 1 },
      ],
      createNewIfNoMatch: false,
      dryRun: true,
    });
    const outcome = new Map<string, unknown>([
      ...report.matched.map((m) => [m.erpId, { account: m.dataverseId }] as const),
      ...report.ambiguous.map((a) => [a.erpId, "ambiguous"] as const),
      ...report.unmatched.map((u) => [u.erpId, "none"] as const),
    ]);
    expect(Object.fromEntries([...outcome].filter(([id]) => expected.has(id)))).toEqual(Object.fromEntries(expected));
    expect(outcome.get(both[0].id)).toEqual({ account: shared });
    expect(outcome.get(both[1].id)).toBe("none");
    // 132 records, two criteria groups: 3 shared queries for the names and 3 for the cities, not 264 queries.
    const queries = await accountQueriesSince(since);
    expect(queries).toBeGreaterThanOrEqual(3);
    expect(queries).toBeLessThanOrEqual(6);
  });

  it("asks for each record alone when a shared query would return more rows than its records could use", async () => {
    const word = uniqueWord("Uns");
    const city = `${word}Ville`;
    const [first, second] = await Promise.all(["A", "B"].map((suffix) => createCustomer(env.db, { name: `${word} ${suffix}`, city })));
    // 60 accounts in the city: more than two records' 26 candidates each.
    for (let i = 0; i < 60; i++) await createAccount(env.client, { name: `${word} account ${i}`, address1_city: city });
    const since = await emulatorLogSeq();
    const report = await runMatchBasedCoupling(env.deps, env.actor, {
      mappingId,
      erpRecordIds: [first.id, second.id],
      criteria: [{ erpField: "city", caseSensitive: false, priority: 0 }],
      createNewIfNoMatch: false,
      dryRun: true,
    });
    expect(report.ambiguous.map((a) => a.erpId).sort()).toEqual([first.id, second.id].sort());
    expect(report.ambiguous.every((a) => a.candidates.length === 25)).toBe(true);
    // The shared query (stopped after its first page), then one query per record.
    expect(await accountQueriesSince(since)).toBe(3);
  });

  it("couples many pairs in one transaction, and when one was coupled meanwhile, still couples the others", async () => {
    const word = uniqueWord("Blk");
    const customers = await Promise.all(["A", "B", "C"].map((suffix) => createCustomer(env.db, { name: `${word} ${suffix}` })));
    const accounts = await Promise.all(["A", "B", "C"].map((suffix) => createAccount(env.client, { name: `${word} ${suffix}` })));
    const mapping = await loadMappingById(env.db, mappingId);
    const checks = await Promise.all(
      customers.map(async (erp, i) => ({ mapping, erp, dataverse: fromWebApiRow((await getAccount(env.client, accounts[i]))!), dataverseId: accounts[i], alreadyCoupledToIt: false })),
    );
    // Another request couples B first.
    await env.db.coupling.create({ data: { mappingId, erpTable: "CUSTOMER", erpId: customers[1].id, dataverseEntity: "account", dataverseId: accounts[1] } });
    const auditBefore = await env.db.auditEntry.count({ where: { action: "coupling.create" } });
    const results = await insertCouplings(env.db, env.actor, checks, "matchBasedCoupling");
    expect(results[0]).toMatchObject({ erpId: customers[0].id, dataverseId: accounts[0] });
    expect(results[1]).toBeInstanceOf(ActionError);
    expect((results[1] as ActionError).code).toBe("conflict");
    expect(results[2]).toMatchObject({ erpId: customers[2].id, dataverseId: accounts[2] });
    expect(await env.db.auditEntry.count({ where: { action: "coupling.create" } })).toBe(auditBefore + 2);
    // Without a clash: one transaction for all, each pair audited.
    const more = await Promise.all(["D", "E"].map((suffix) => createCustomer(env.db, { name: `${word} ${suffix}` })));
    const moreAccounts = await Promise.all(["D", "E"].map((suffix) => createAccount(env.client, { name: `${word} ${suffix}` })));
    const moreChecks = await Promise.all(
      more.map(async (erp, i) => ({ mapping, erp, dataverse: fromWebApiRow((await getAccount(env.client, moreAccounts[i]))!), dataverseId: moreAccounts[i], alreadyCoupledToIt: false })),
    );
    const coupled = await insertCouplings(env.db, env.actor, moreChecks, "matchBasedCoupling");
    expect(coupled.map((c) => (c as { erpId: string }).erpId)).toEqual(more.map((c) => c.id));
    const audit = await env.db.auditEntry.findMany({ where: { action: "coupling.create", entityId: { in: coupled.map((c) => (c as { id: string }).id) } } });
    expect(audit).toHaveLength(2);
  });

  it("refuses without criteria and with unknown criteria fields", async () => {
    await expect(runMatchBasedCoupling(env.deps, env.actor, { mappingId, criteria: [{ erpField: "nope", caseSensitive: false, priority: 0 }], dryRun: true })).rejects.toMatchObject({
      code: "invalid",
      fieldErrors: { "criteria.0.erpField": [expect.stringContaining('"nope"')] },
    });
  });
});
