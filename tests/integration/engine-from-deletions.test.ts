import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { DeletionConflictResolution } from "../../lib/db/generated/enums.ts";
import { patchMapping } from "../../lib/integration/mapping-edit-service.ts";
import { latestErpChange, latestErpDeletion } from "../../lib/integration/sync-triggers.ts";
import { emulatorRequests, resetEmulatorStats, resetEngineState, restoreCustomerMapping, run, setPolicy, startCustomerTriggers, startOneWayCustomerEnv, uniqueNo, waitForChangeCapture, waitForUncouplingJob, type EngineEnv } from "./engine-fixtures.ts";

// The mirror of engine-to-deletions: a From-only mapping (Dataverse → ERP) whose ERP record is deleted while the
// Dataverse record stays unchanged. The next scheduled run reads the deletion from ERP change capture and applies the
// mapping's deletion policy (§2d) at once, instead of waiting for the Dataverse record to change. CUSTOMER is made
// From-only for this file and restored afterwards.

let env: EngineEnv;

beforeAll(async () => {
  env = await startOneWayCustomerEnv("FROM_INTEGRATION_TABLE");
});

afterAll(() => restoreCustomerMapping(env));

beforeEach(async () => {
  // Each case on its own: a failure left by the previous case would be retried once the policy is edited.
  await waitForChangeCapture(env.db);
  await resetEngineState(env.db);
  // With the couplings gone, the first read of the delta link would bring the earlier cases' accounts in again.
  for (const a of await env.client.queryAll("accounts", { select: ["accountid"] })) await env.client.delete("accounts", String(a.accountid));
  await setPolicy(env.db, "CUSTOMER", { syncOnlyCoupledRecords: false, deletionConflictResolution: "NONE" });
});

/** An account created in Dataverse and brought into the ERP by a From run; a second run finds nothing more to do. */
async function coupledAccount(name: string) {
  const { db, client } = env;
  // No currency: the account's currency is not what this file is about.
  const account = await client.create("accounts", { name, address1_city: "Turin" }, { returnRepresentation: true });
  await client.update("accounts", account.id!, { "transactioncurrencyid@odata.bind": null });
  const first = await run(env, "CUSTOMER", { trigger: "SCHEDULE" });
  expect(first.jobs.map((j) => j.direction)).toEqual(["FROM_INTEGRATION_TABLE"]);
  expect(first.jobs[0].counters).toMatchObject({ inserted: 1, failed: 0 });
  const settled = await run(env, "CUSTOMER", { trigger: "SCHEDULE" });
  expect(settled.jobs[0].counters).toMatchObject({ inserted: 0, modified: 0, failed: 0 });
  const coupling = await db.coupling.findFirstOrThrow({ where: { dataverseEntity: "account", dataverseId: account.id!.toLowerCase() } });
  const customer = await db.customer.findUniqueOrThrow({ where: { id: coupling.erpId } });
  return { account: { id: account.id!.toLowerCase() }, customer, coupling };
}

async function accountVersion(id: string): Promise<unknown> {
  return (await env.client.retrieve("accounts", id)).versionnumber;
}

describe("From-only mapping: an ERP deletion is handled when it arrives", () => {
  const policies: DeletionConflictResolution[] = ["NONE", "RESTORE_RECORDS", "REMOVE_COUPLING"];
  for (const policy of policies) {
    it(`policy ${policy}, the Dataverse record unchanged`, async () => {
      const { db, client } = env;
      await setPolicy(db, "CUSTOMER", { deletionConflictResolution: policy });
      const { account, customer, coupling } = await coupledAccount(`From Deleted ${policy} ${uniqueNo("")}`);
      const versionBefore = await accountVersion(account.id);
      await db.customer.delete({ where: { id: customer.id } });

      const result = await run(env, "CUSTOMER", { trigger: "SCHEDULE" });
      expect(result.jobs).toHaveLength(1);
      const job = result.jobs[0];
      expect(job).toMatchObject({ direction: "FROM_INTEGRATION_TABLE", status: "SUCCEEDED" });
      const after = await db.coupling.findUnique({ where: { id: coupling.id } });
      // The Dataverse record is left as it was in every policy.
      expect(await accountVersion(account.id)).toBe(versionBefore);
      if (policy === "NONE") {
        expect(job.counters.failed).toBe(1);
        expect(after).toMatchObject({ errorClass: "DELETION_CONFLICT", lastFromResult: "FAILURE" });
        expect(await db.customer.findUnique({ where: { id: customer.id } })).toBeNull();
        // The errors page lists it, with the ways out.
        const errors = await db.syncJobError.findMany({ where: { jobId: job.id } });
        expect(errors).toEqual([expect.objectContaining({ errorClass: "DELETION_CONFLICT", couplingId: coupling.id })]);
        expect(errors[0].message).toMatch(/deleted/);
      } else if (policy === "REMOVE_COUPLING") {
        expect(job.counters.uncoupled).toBe(1);
        expect(after).toBeNull();
        expect(await db.customer.findUnique({ where: { id: customer.id } })).toBeNull();
      } else {
        // Recreated from the account under its old id, and coupled again.
        expect(job.counters.inserted).toBe(1);
        expect(after).toMatchObject({ state: "COUPLED", erpId: customer.id, dataverseId: account.id });
        expect(await db.customer.findUniqueOrThrow({ where: { id: customer.id } })).toMatchObject({ name: customer.name, city: "Turin" });
      }
      // Handled once: the next run finds nothing (the failure waits on the errors page, not retried every minute).
      await resetEmulatorStats(env.emulator);
      const again = await run(env, "CUSTOMER", { trigger: "SCHEDULE" });
      expect(again.jobs[0].counters).toMatchObject({ inserted: 0, modified: 0, failed: 0, uncoupled: 0 });
      expect(await emulatorRequests(env.emulator)).toBeLessThanOrEqual(1);
      expect(await db.customer.count({ where: { name: customer.name } })).toBe(policy === "RESTORE_RECORDS" ? 1 : 0);
      expect((await client.retrieve("accounts", account.id)).name).toBe(customer.name);
    });
  }

  it("an ERP deletion from before the mapping first read change capture is found by its first run", async () => {
    const { db } = env;
    await setPolicy(db, "CUSTOMER", { deletionConflictResolution: "REMOVE_COUPLING" });
    const { customer, coupling } = await coupledAccount(`From Deleted Early ${uniqueNo("")}`);
    const other = await coupledAccount(`From Kept Early ${uniqueNo("")}`);
    await db.customer.delete({ where: { id: customer.id } });
    // As if the mapping had never read ERP change capture (a From-only mapping's watermark before this change).
    await db.integrationTableMapping.update({ where: { name: "CUSTOMER" }, data: { erpWatermark: 0n } });

    const result = await run(env, "CUSTOMER", { trigger: "SCHEDULE" });
    expect(result.jobs[0].counters).toMatchObject({ uncoupled: 1, failed: 0, inserted: 0 });
    expect(await db.coupling.findUnique({ where: { id: coupling.id } })).toBeNull();
    expect(await db.coupling.findUnique({ where: { id: other.coupling.id } })).not.toBeNull();
    const mapping = await db.integrationTableMapping.findUniqueOrThrow({ where: { name: "CUSTOMER" } });
    expect(mapping.erpWatermark).toBeGreaterThan(0n);
  });

  it("an ERP record deleted together with its Dataverse record: the coupling is removed whatever the policy", async () => {
    const { db, client } = env;
    const { account, customer, coupling } = await coupledAccount(`From Both Deleted ${uniqueNo("")}`);
    await db.customer.delete({ where: { id: customer.id } });
    await client.delete("accounts", account.id);
    const result = await run(env, "CUSTOMER", { trigger: "SCHEDULE" });
    expect(result.jobs[0].counters).toMatchObject({ uncoupled: 1, failed: 0, inserted: 0 });
    expect(await db.coupling.findUnique({ where: { id: coupling.id } })).toBeNull();
  });

  it("through a worker: the ERP change poll notices the deletion and the run it starts removes the coupling", async () => {
    const { db } = env;
    await setPolicy(db, "CUSTOMER", { deletionConflictResolution: "REMOVE_COUPLING" });
    const { customer, coupling } = await coupledAccount(`From Deleted Polled ${uniqueNo("")}`);
    await db.customer.delete({ where: { id: customer.id } });
    // The poll triggers once per tombstone: the run it starts must be able to read it.
    await waitForChangeCapture(db);
    // The Dataverse poll is off: only the ERP change poll can start the run.
    const live = await startCustomerTriggers(env, { erpPollMs: 200, dataversePollMs: 0 });
    try {
      const job = await waitForUncouplingJob(db, coupling.mappingId, 60_000);
      expect(job).toMatchObject({ trigger: "ERP_CHANGE", direction: "FROM_INTEGRATION_TABLE", status: "SUCCEEDED" });
      expect(await db.coupling.findUnique({ where: { id: coupling.id } })).toBeNull();
    } finally {
      await live.stop();
    }
  });

  it("an ERP edit alone starts no run of a From-only mapping", async () => {
    const { db } = env;
    const { customer } = await coupledAccount(`From Edited ${uniqueNo("")}`);
    await db.customer.update({ where: { id: customer.id }, data: { city: "Milan" } });
    await waitForChangeCapture(db);
    const mapping = await db.integrationTableMapping.findUniqueOrThrow({ where: { name: "CUSTOMER" } });
    expect(await latestErpChange(db, "CUSTOMER", mapping.erpWatermark)).not.toBeNull();
    expect(await latestErpDeletion(db, "CUSTOMER", mapping.erpWatermark)).toBeNull();
  });

  it("a From-only mapping made Bidirectional reads every ERP change in its first To pass", async () => {
    const { db, client } = env;
    const { account, customer } = await coupledAccount(`From Then Both ${uniqueNo("")}`);
    // Only coupled records from now on: the first To pass reads every ERP customer of the database.
    await setPolicy(db, "CUSTOMER", { syncOnlyCoupledRecords: true });
    // Edited in the ERP while the mapping only got data: its runs move the ERP watermark past this change.
    await db.customer.update({ where: { id: customer.id }, data: { city: "Genoa" } });
    await run(env, "CUSTOMER", { trigger: "SCHEDULE" });
    const current = await db.integrationTableMapping.findUniqueOrThrow({ where: { name: "CUSTOMER" } });
    expect(current.erpWatermark).toBeGreaterThan(0n);
    try {
      await patchMapping(db, { id: null, label: "engine test" }, "CUSTOMER", { direction: "BIDIRECTIONAL", rowVersion: current.rowVersion });
      expect((await db.integrationTableMapping.findUniqueOrThrow({ where: { name: "CUSTOMER" } })).erpWatermark).toBe(0n);
      const result = await run(env, "CUSTOMER");
      expect(result.jobs.find((j) => j.direction === "TO_INTEGRATION_TABLE")?.counters.modified).toBe(1);
      expect((await client.retrieve("accounts", account.id)).address1_city).toBe("Genoa");
    } finally {
      await db.integrationTableMapping.update({ where: { name: "CUSTOMER" }, data: { direction: "FROM_INTEGRATION_TABLE" } });
    }
  });
});
