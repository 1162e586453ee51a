import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { DeletionConflictResolution, UpdateConflictResolution } from "../../lib/db/generated/enums.ts";
import { run, setPolicy, startEngineEnv, uniqueNo, type EngineEnv } from "./engine-fixtures.ts";

let env: EngineEnv;

beforeAll(async () => {
  env = await startEngineEnv();
});

afterAll(async () => {
  await env?.emulator.close();
});

beforeEach(async () => {
  await setPolicy(env.db, "CUSTOMER", { syncOnlyCoupledRecords: false, updateConflictResolution: "NONE", deletionConflictResolution: "NONE" });
});

/** A customer created in the ERP and synchronized once (so it is coupled, with a snapshot). */
async function coupledCustomer(name: string) {
  const { db } = env;
  const customer = await db.customer.create({ data: { no: uniqueNo("EP"), name, city: "Paris", email: "a@example.com" } });
  await run(env, "CUSTOMER");
  const coupling = await db.coupling.findUniqueOrThrow({ where: { erpTable_erpId: { erpTable: "CUSTOMER", erpId: customer.id } } });
  return { customer, coupling };
}

describe("update conflicts (a Bidirectional field changed on both sides)", () => {
  const cases: { policy: UpdateConflictResolution; erpCity: string; dataverseCity: string }[] = [
    { policy: "SEND_UPDATE_TO_INTEGRATION", erpCity: "Lyon", dataverseCity: "Lyon" },
    { policy: "GET_UPDATE_FROM_INTEGRATION", erpCity: "Nice", dataverseCity: "Nice" },
  ];

  it("policy None: nothing is written, the pair fails as a conflict with base, ERP and Dataverse values", async () => {
    const { db, client } = env;
    const { customer, coupling } = await coupledCustomer("Conflict None");
    await db.customer.update({ where: { id: customer.id }, data: { city: "Lyon", email: "erp@example.com" } });
    await client.update("accounts", coupling.dataverseId, { address1_city: "Nice" });

    const result = await run(env, "CUSTOMER");
    expect(result.jobs[0].counters.failed).toBe(1);
    const after = await db.coupling.findUniqueOrThrow({ where: { id: coupling.id } });
    expect(after.errorClass).toBe("CONFLICT");
    expect(after.conflict).toEqual([expect.objectContaining({ key: "city:address1_city", base: { e: "Paris", d: "Paris" }, erp: "Lyon", dataverse: "Nice" })]);
    expect((await db.customer.findUniqueOrThrow({ where: { id: customer.id } })).city).toBe("Lyon");
    expect((await client.retrieve("accounts", coupling.dataverseId)).address1_city).toBe("Nice");
    const errors = await db.syncJobError.findMany({ where: { jobId: result.jobs[0].id } });
    expect(errors).toEqual([expect.objectContaining({ errorClass: "CONFLICT", couplingId: coupling.id })]);
    expect(errors[0].message).toMatch(/both changed/);
  });

  for (const c of cases) {
    it(`policy ${c.policy}: the winner's value ends up on both sides, one-sided changes merge`, async () => {
      const { db, client } = env;
      await setPolicy(db, "CUSTOMER", { updateConflictResolution: c.policy });
      const { customer, coupling } = await coupledCustomer(`Conflict ${c.policy}`);
      // city conflicts; email changed only in the ERP, phone only in Dataverse: both merge.
      await db.customer.update({ where: { id: customer.id }, data: { city: "Lyon", email: "erp@example.com" } });
      await client.update("accounts", coupling.dataverseId, { address1_city: "Nice", telephone1: "555" });

      const result = await run(env, "CUSTOMER");
      expect(result.jobs.every((j) => j.counters.failed === 0)).toBe(true);
      const erp = await db.customer.findUniqueOrThrow({ where: { id: customer.id } });
      const account = await client.retrieve("accounts", coupling.dataverseId);
      expect(erp.city).toBe(c.erpCity);
      expect(account.address1_city).toBe(c.dataverseCity);
      expect(erp.email).toBe("erp@example.com");
      expect(account.emailaddress1).toBe("erp@example.com");
      expect(erp.phoneNo).toBe("555");
      const again = await run(env, "CUSTOMER");
      for (const job of again.jobs) expect(job.counters).toMatchObject({ modified: 0, failed: 0, inserted: 0 });
    });
  }
});

describe("deletion conflicts", () => {
  const policies: DeletionConflictResolution[] = ["NONE", "RESTORE_RECORDS", "REMOVE_COUPLING"];
  for (const policy of policies) {
    it(`a Dataverse deletion arriving through the delta link, policy ${policy}`, async () => {
      const { db, client } = env;
      await setPolicy(db, "CUSTOMER", { deletionConflictResolution: policy });
      const { customer, coupling } = await coupledCustomer(`Deleted ${policy}`);
      await client.delete("accounts", coupling.dataverseId);

      const result = await run(env, "CUSTOMER");
      const from = result.jobs.find((j) => j.direction === "FROM_INTEGRATION_TABLE")!;
      const after = await db.coupling.findUnique({ where: { id: coupling.id } });
      expect(await db.customer.findUnique({ where: { id: customer.id } })).not.toBeNull();
      if (policy === "NONE") {
        expect(from.counters.failed).toBe(1);
        expect(after?.errorClass).toBe("DELETION_CONFLICT");
      } else if (policy === "REMOVE_COUPLING") {
        expect(from.counters.uncoupled).toBe(1);
        expect(after).toBeNull();
      } else {
        expect(from.counters.inserted).toBe(1);
        expect(after?.state).toBe("COUPLED");
        expect(after?.dataverseId).not.toBe(coupling.dataverseId);
        expect((await client.retrieve("accounts", after!.dataverseId)).name).toBe(`Deleted ${policy}`);
        const again = await run(env, "CUSTOMER");
        for (const job of again.jobs) expect(job.counters).toMatchObject({ inserted: 0, modified: 0, failed: 0 });
      }
    });
  }

  it("an ERP deletion with Restore Records re-creates the customer from the account, under its old id", async () => {
    const { db, client } = env;
    await setPolicy(db, "CUSTOMER", { deletionConflictResolution: "RESTORE_RECORDS" });
    const { customer, coupling } = await coupledCustomer("Erp Deleted");
    // Dataverse gave the account its base currency, which is not coupled here; restoring would wait for it.
    await client.update("accounts", coupling.dataverseId, { "transactioncurrencyid@odata.bind": null });
    await run(env, "CUSTOMER");
    await db.customer.delete({ where: { id: customer.id } });
    const result = await run(env, "CUSTOMER");
    expect(result.jobs[0].counters.inserted).toBe(1);
    const restored = await db.customer.findUniqueOrThrow({ where: { id: customer.id } });
    expect(restored.name).toBe("Erp Deleted");
    expect((await client.retrieve("accounts", coupling.dataverseId)).name).toBe("Erp Deleted");
  });
});
