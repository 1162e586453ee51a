import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { patchMapping } from "../../lib/integration/mapping-edit-service.ts";
import type { DeletionConflictResolution } from "../../lib/db/generated/enums.ts";
import { emulatorRequests, mappingId, resetEmulatorStats, resetEngineState, restoreCustomerMapping, run, setPolicy, startCustomerTriggers, startOneWayCustomerEnv, uniqueNo, waitForChangeCapture, waitForUncouplingJob, type EngineEnv } from "./engine-fixtures.ts";

// A To-only mapping (ERP → Dataverse) whose Dataverse record is deleted while the ERP record stays unchanged: the
// next scheduled run reads the deletion from the delta link and applies the mapping's deletion policy (§2d) at once,
// instead of waiting for the ERP record to change. CUSTOMER is made To-only for this file and restored afterwards.

let env: EngineEnv;

beforeAll(async () => {
  env = await startOneWayCustomerEnv("TO_INTEGRATION_TABLE");
});

afterAll(() => restoreCustomerMapping(env));

beforeEach(async () => {
  // Each case on its own: a failure left by the previous case would be retried once the policy is edited. The
  // watermark moves past every earlier write only once change capture can see them all.
  await waitForChangeCapture(env.db);
  await resetEngineState(env.db);
  await setPolicy(env.db, "CUSTOMER", { syncOnlyCoupledRecords: false, deletionConflictResolution: "NONE" });
});

/** A customer created in the ERP and sent to Dataverse by a To run; a second run finds nothing more to do. */
async function coupledCustomer(name: string) {
  const { db } = env;
  const customer = await db.customer.create({ data: { no: uniqueNo("ED"), name, city: "Turin" } });
  await waitForChangeCapture(db);
  const first = await run(env, "CUSTOMER", { trigger: "SCHEDULE" });
  expect(first.jobs.map((j) => j.direction)).toEqual(["TO_INTEGRATION_TABLE"]);
  expect(first.jobs[0].counters.inserted).toBe(1);
  const settled = await run(env, "CUSTOMER", { trigger: "SCHEDULE" });
  expect(settled.jobs[0].counters).toMatchObject({ inserted: 0, modified: 0, failed: 0 });
  const coupling = await db.coupling.findUniqueOrThrow({ where: { erpTable_erpId: { erpTable: "CUSTOMER", erpId: customer.id } } });
  const mapping = await db.integrationTableMapping.findUniqueOrThrow({ where: { name: "CUSTOMER" } });
  expect(mapping.dataverseDeltaLink).not.toBeNull();
  return { customer, coupling };
}

describe("To-only mapping: a Dataverse deletion is handled when it arrives", () => {
  const policies: DeletionConflictResolution[] = ["NONE", "RESTORE_RECORDS", "REMOVE_COUPLING"];
  for (const policy of policies) {
    it(`policy ${policy}, the ERP record unchanged`, async () => {
      const { db, client } = env;
      await setPolicy(db, "CUSTOMER", { deletionConflictResolution: policy });
      const { customer, coupling } = await coupledCustomer(`To Deleted ${policy}`);
      const erpBefore = await db.customer.findUniqueOrThrow({ where: { id: customer.id } });
      await client.delete("accounts", coupling.dataverseId);

      const result = await run(env, "CUSTOMER", { trigger: "SCHEDULE" });
      expect(result.jobs).toHaveLength(1);
      const job = result.jobs[0];
      expect(job).toMatchObject({ direction: "TO_INTEGRATION_TABLE", status: "SUCCEEDED" });
      const after = await db.coupling.findUnique({ where: { id: coupling.id } });
      // The ERP record is left as it was in every policy.
      expect(await db.customer.findUniqueOrThrow({ where: { id: customer.id } })).toMatchObject({ name: erpBefore.name, rowVersion: erpBefore.rowVersion });
      if (policy === "NONE") {
        expect(job.counters.failed).toBe(1);
        expect(after).toMatchObject({ errorClass: "DELETION_CONFLICT", lastToResult: "FAILURE" });
        // The errors page lists it, with the ways out.
        const errors = await db.syncJobError.findMany({ where: { jobId: job.id } });
        expect(errors).toEqual([expect.objectContaining({ errorClass: "DELETION_CONFLICT", couplingId: coupling.id })]);
        expect(errors[0].message).toMatch(/deleted/);
      } else if (policy === "REMOVE_COUPLING") {
        expect(job.counters.uncoupled).toBe(1);
        expect(after).toBeNull();
      } else {
        expect(job.counters.inserted).toBe(1);
        expect(after?.state).toBe("COUPLED");
        expect(after?.dataverseId).not.toBe(coupling.dataverseId);
        expect((await client.retrieve("accounts", after!.dataverseId)).name).toBe(`To Deleted ${policy}`);
      }
      // Handled once: the next run finds nothing (the failure waits on the errors page, not retried every minute).
      await resetEmulatorStats(env.emulator);
      const again = await run(env, "CUSTOMER", { trigger: "SCHEDULE" });
      expect(again.jobs[0].counters).toMatchObject({ inserted: 0, modified: 0, failed: 0, uncoupled: 0 });
      expect(await emulatorRequests(env.emulator)).toBeLessThanOrEqual(1);
      const accounts = (await client.queryAll("accounts", { select: ["accountid", "name"] })).filter((a) => a.name === `To Deleted ${policy}`);
      expect(accounts).toHaveLength(policy === "RESTORE_RECORDS" ? 1 : 0);
    });
  }

  it("a deletion from before the mapping first read the delta link is found by the first full read", async () => {
    const { db, client } = env;
    await setPolicy(db, "CUSTOMER", { deletionConflictResolution: "REMOVE_COUPLING" });
    const { customer, coupling } = await coupledCustomer("To Deleted Early");
    const other = await coupledCustomer("To Kept Early");
    await client.delete("accounts", coupling.dataverseId);
    // As if the mapping had never read the delta link (e.g. coupled before it became To-only).
    await db.integrationTableMapping.update({ where: { name: "CUSTOMER" }, data: { dataverseDeltaLink: null } });

    const result = await run(env, "CUSTOMER", { trigger: "SCHEDULE" });
    expect(result.jobs[0].counters).toMatchObject({ uncoupled: 1, failed: 0, inserted: 0 });
    expect(await db.coupling.findUnique({ where: { id: coupling.id } })).toBeNull();
    expect(await db.coupling.findUnique({ where: { id: other.coupling.id } })).not.toBeNull();
    expect(await db.customer.findUnique({ where: { id: customer.id } })).not.toBeNull();
    const mapping = await db.integrationTableMapping.findUniqueOrThrow({ where: { id: await mappingId(db, "CUSTOMER") } });
    expect(mapping.dataverseDeltaLink).not.toBeNull();
  });

  it("through a worker: the Dataverse delta poll notices the deletion and the run it starts removes the coupling", async () => {
    const { db, client } = env;
    await setPolicy(db, "CUSTOMER", { deletionConflictResolution: "REMOVE_COUPLING" });
    const { coupling } = await coupledCustomer("To Deleted Polled");
    const live = await startCustomerTriggers(env, { erpPollMs: 0, dataversePollMs: 200 });
    try {
      await client.delete("accounts", coupling.dataverseId);
      const job = await waitForUncouplingJob(db, coupling.mappingId, 30_000);
      expect(job).toMatchObject({ trigger: "DATAVERSE_CHANGE", direction: "TO_INTEGRATION_TABLE", status: "SUCCEEDED" });
      expect(await db.coupling.findUnique({ where: { id: coupling.id } })).toBeNull();
    } finally {
      await live.stop();
    }
  });

  it("a To-only mapping made Bidirectional drops the link it read for deletions: its first From pass reads everything", async () => {
    const { db, client } = env;
    const { customer, coupling } = await coupledCustomer("To Then Both");
    // Edited in Dataverse while the mapping only sent data: the link moves past this change.
    await client.update("accounts", coupling.dataverseId, { address1_city: "Genoa" });
    await run(env, "CUSTOMER", { trigger: "SCHEDULE" });
    const current = await db.integrationTableMapping.findUniqueOrThrow({ where: { name: "CUSTOMER" } });
    expect(current.dataverseDeltaLink).not.toBeNull();
    try {
      await patchMapping(db, { id: null, label: "engine test" }, "CUSTOMER", { direction: "BIDIRECTIONAL", rowVersion: current.rowVersion });
      expect((await db.integrationTableMapping.findUniqueOrThrow({ where: { name: "CUSTOMER" } })).dataverseDeltaLink).toBeNull();
      const result = await run(env, "CUSTOMER");
      expect(result.jobs.find((j) => j.direction === "FROM_INTEGRATION_TABLE")?.counters.modified).toBe(1);
      expect((await db.customer.findUniqueOrThrow({ where: { id: customer.id } })).city).toBe("Genoa");
    } finally {
      await db.integrationTableMapping.update({ where: { name: "CUSTOMER" }, data: { direction: "TO_INTEGRATION_TABLE" } });
    }
  });
});
