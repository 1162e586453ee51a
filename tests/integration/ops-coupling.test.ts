import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { coupleRecord, createNewAndCouple } from "../../lib/integration/coupling-service.ts";
import { mappingForTable } from "../../lib/integration/operation-context.ts";
import { claimUncouplingJob, deleteCoupling, runUncouplingJob } from "../../lib/integration/uncoupling-service.ts";
import { createAccount, createCustomer, getAccount, resetCustomerMapping, startOpsEnv, uniqueWord, type OpsEnv } from "./ops-fixtures.ts";

let env: OpsEnv;

beforeAll(async () => {
  env = await startOpsEnv();
  await resetCustomerMapping(env.db);
});

afterAll(async () => {
  await env.close();
});

describe("Set Up Coupling", () => {
  it("couples without synchronizing: both records keep their values, the agreed fields get a base", async () => {
    const word = uniqueWord("Cpl");
    const customer = await createCustomer(env.db, { name: `${word} ERP`, city: "Oslo" });
    const accountId = await createAccount(env.client, { name: `${word} DV`, address1_city: "Oslo" });
    const result = await coupleRecord(env.deps, env.actor, { table: "CUSTOMER", erpId: customer.id, dataverseId: accountId, syncAfterCoupling: "none" });
    expect(result.coupling).toMatchObject({ erpId: customer.id, dataverseId: accountId, table: "CUSTOMER", no: customer.no });
    expect(result.jobs).toEqual([]);
    const row = await env.db.coupling.findUniqueOrThrow({ where: { erpTable_erpId: { erpTable: "CUSTOMER", erpId: customer.id } } });
    const snapshot = row.snapshot as Record<string, unknown>;
    expect(snapshot["city:address1_city"]).toEqual({ e: "Oslo", d: "Oslo" });
    expect(snapshot["name:name"]).toBeUndefined();
    expect((await getAccount(env.client, accountId))?.name).toBe(`${word} DV`);
    const audit = await env.db.auditEntry.findFirst({ where: { action: "coupling.create", entityId: row.id } });
    expect(audit?.after).toMatchObject({ erp: customer.no, dataverseId: accountId });
  });

  it("synchronizes after coupling with the ERP data (To, forced)", async () => {
    const word = uniqueWord("Cpe");
    const customer = await createCustomer(env.db, { name: `${word} ERP`, city: "Bergen" });
    const accountId = await createAccount(env.client, { name: `${word} DV`, address1_city: "Trondheim" });
    const result = await coupleRecord(env.deps, env.actor, { table: "CUSTOMER", erpId: customer.id, dataverseId: accountId, syncAfterCoupling: "erp" });
    expect(result.jobs.map((j) => j.direction)).toEqual(["TO_INTEGRATION_TABLE"]);
    const account = await getAccount(env.client, accountId);
    expect(account).toMatchObject({ name: `${word} ERP`, address1_city: "Bergen" });
  });

  it("synchronizes after coupling with the Dataverse data (From, forced)", async () => {
    const word = uniqueWord("Cpd");
    const customer = await createCustomer(env.db, { name: `${word} ERP`, city: "Bergen" });
    const accountId = await createAccount(env.client, { name: `${word} DV`, address1_city: "Stavanger" });
    const result = await coupleRecord(env.deps, env.actor, { table: "CUSTOMER", erpId: customer.id, dataverseId: accountId, syncAfterCoupling: "dataverse" });
    expect(result.jobs.map((j) => j.direction)).toEqual(["FROM_INTEGRATION_TABLE"]);
    const after = await env.db.customer.findUniqueOrThrow({ where: { id: customer.id } });
    expect(after).toMatchObject({ name: `${word} DV`, city: "Stavanger" });
  });

  it("refuses when the ERP record is already coupled, naming the Dataverse record", async () => {
    const word = uniqueWord("Ref");
    const customer = await createCustomer(env.db, { name: `${word} one` });
    const first = await createAccount(env.client, { name: `${word} First` });
    const second = await createAccount(env.client, { name: `${word} Second` });
    await coupleRecord(env.deps, env.actor, { table: "CUSTOMER", erpId: customer.id, dataverseId: first, syncAfterCoupling: "none" });
    await expect(coupleRecord(env.deps, env.actor, { table: "CUSTOMER", erpId: customer.id, dataverseId: second, syncAfterCoupling: "none" })).rejects.toMatchObject({
      code: "conflict",
      message: expect.stringContaining(`already coupled to the Dataverse account '${word} First'`),
    });
    expect(await env.db.coupling.count({ where: { dataverseId: second } })).toBe(0);
  });

  it("refuses when the Dataverse record is already coupled, naming the ERP record", async () => {
    const word = uniqueWord("Rfd");
    const a = await createCustomer(env.db, { name: `${word} A` });
    const b = await createCustomer(env.db, { name: `${word} B` });
    const accountId = await createAccount(env.client, { name: `${word} Shared` });
    await coupleRecord(env.deps, env.actor, { table: "CUSTOMER", erpId: a.id, dataverseId: accountId, syncAfterCoupling: "none" });
    await expect(coupleRecord(env.deps, env.actor, { table: "CUSTOMER", erpId: b.id, dataverseId: accountId, syncAfterCoupling: "none" })).rejects.toMatchObject({
      code: "conflict",
      message: expect.stringContaining(`is already coupled to the customer ${a.no}`),
    });
    expect(await env.db.coupling.count({ where: { erpId: b.id } })).toBe(0);
  });

  it("refuses a Dataverse record outside the mapping's integration table filter, with BC's message", async () => {
    const word = uniqueWord("Flt");
    const customer = await createCustomer(env.db, { name: `${word} ERP` });
    const inactive = await createAccount(env.client, { name: `${word} Inactive`, statecode: 1 });
    await expect(coupleRecord(env.deps, env.actor, { table: "CUSTOMER", erpId: customer.id, dataverseId: inactive, syncAfterCoupling: "none" })).rejects.toMatchObject({
      name: "UnprocessableError",
      message: expect.stringMatching(/^The filters applied to table mapping CUSTOMER are preventing the Dataverse account '.+ Inactive' from being displayed/),
    });
    expect(await env.db.coupling.count({ where: { erpId: customer.id } })).toBe(0);
  });

  it("Create New creates the account from the customer and couples them", async () => {
    const word = uniqueWord("New");
    const customer = await createCustomer(env.db, { name: `${word} Created`, city: "Malmö" });
    const result = await createNewAndCouple(env.deps, env.actor, { table: "CUSTOMER", erpId: customer.id });
    expect(result.coupling).not.toBeNull();
    const account = await getAccount(env.client, result.coupling!.dataverseId);
    expect(account).toMatchObject({ name: `${word} Created`, address1_city: "Malmö" });
    await expect(createNewAndCouple(env.deps, env.actor, { table: "CUSTOMER", erpId: customer.id })).rejects.toMatchObject({ code: "conflict", message: expect.stringContaining("already coupled") });
  });
});

describe("Delete Coupling", () => {
  it("uncouples one record; both records stay", async () => {
    const word = uniqueWord("Unc");
    const customer = await createCustomer(env.db, { name: `${word} ERP` });
    const accountId = await createAccount(env.client, { name: `${word} DV` });
    await coupleRecord(env.deps, env.actor, { table: "CUSTOMER", erpId: customer.id, dataverseId: accountId, syncAfterCoupling: "none" });
    const outcome = await deleteCoupling(env.db, env.actor, { table: "CUSTOMER", erpId: customer.id });
    expect(outcome).toMatchObject({ outcome: "UNCOUPLED", no: customer.no, dataverseId: accountId });
    expect(await env.db.coupling.count({ where: { erpId: customer.id } })).toBe(0);
    expect(await env.db.customer.count({ where: { id: customer.id } })).toBe(1);
    expect(await getAccount(env.client, accountId)).not.toBeNull();
    await expect(deleteCoupling(env.db, env.actor, { table: "CUSTOMER", erpId: customer.id })).rejects.toMatchObject({ code: "not_found" });
  });

  it("removes all couplings of a mapping in the background with counters and progress", async () => {
    const mapping = await mappingForTable(env.db, "CUSTOMER");
    const word = uniqueWord("All");
    for (let i = 0; i < 3; i++) {
      const customer = await createCustomer(env.db, { name: `${word} ${i}` });
      const accountId = await createAccount(env.client, { name: `${word} DV ${i}` });
      await coupleRecord(env.deps, env.actor, { table: "CUSTOMER", erpId: customer.id, dataverseId: accountId, syncAfterCoupling: "none" });
    }
    const total = await env.db.coupling.count({ where: { mappingId: mapping.row.id } });
    const jobId = await claimUncouplingJob(env.db, { mappingId: mapping.row.id, all: true });
    const queued = await env.db.syncJob.findUniqueOrThrow({ where: { id: jobId } });
    expect(queued).toMatchObject({ type: "UNCOUPLING", status: "QUEUED", progressTotal: total });
    const result = await runUncouplingJob(env.db, env.actor, { mappingId: mapping.row.id, all: true, jobId });
    expect(result.counters.uncoupled).toBe(total);
    const job = await env.db.syncJob.findUniqueOrThrow({ where: { id: jobId } });
    expect(job).toMatchObject({ status: "SUCCEEDED", uncoupled: total, progressDone: total, progressTotal: total });
    expect(await env.db.coupling.count({ where: { mappingId: mapping.row.id } })).toBe(0);
    expect(await env.db.syncRecordLog.count({ where: { jobId, outcome: "UNCOUPLED" } })).toBe(total);
  });
});
