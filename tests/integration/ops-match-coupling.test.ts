import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runMatchBasedCoupling } from "../../lib/integration/match-based-coupling.ts";
import { mappingForTable } from "../../lib/integration/operation-context.ts";
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

  it("refuses without criteria and with unknown criteria fields", async () => {
    await expect(runMatchBasedCoupling(env.deps, env.actor, { mappingId, criteria: [{ erpField: "nope", caseSensitive: false, priority: 0 }], dryRun: true })).rejects.toMatchObject({
      code: "invalid",
      fieldErrors: { "criteria.0.erpField": [expect.stringContaining('"nope"')] },
    });
  });
});
