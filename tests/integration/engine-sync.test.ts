import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emulatorRequests, mappingId, resetEmulatorStats, run, setPolicy, startEngineEnv, uniqueNo, type EngineEnv } from "./engine-fixtures.ts";

let env: EngineEnv;

beforeAll(async () => {
  env = await startEngineEnv();
});

afterAll(async () => {
  await env?.emulator.close();
});

describe("sync runs: couple and synchronize both ways", () => {
  it("creates an account for a new customer, takes a Dataverse edit back, and a run right after writes nothing", async () => {
    const { db, client } = env;
    await setPolicy(db, "CUSTOMER", { syncOnlyCoupledRecords: false });
    const no = uniqueNo("EC");
    const customer = await db.customer.create({ data: { no, name: "Engine Test One", city: "Berlin", phoneNo: "123" } });

    const first = await run(env, "CUSTOMER");
    expect(first.jobs.map((j) => j.direction)).toEqual(["TO_INTEGRATION_TABLE", "FROM_INTEGRATION_TABLE"]);
    expect(first.jobs[0]).toMatchObject({ status: "SUCCEEDED", counters: { inserted: 1, failed: 0 } });
    const coupling = await db.coupling.findUniqueOrThrow({ where: { erpTable_erpId: { erpTable: "CUSTOMER", erpId: customer.id } } });
    expect(coupling.state).toBe("COUPLED");
    const account = await client.retrieve("accounts", coupling.dataverseId);
    expect(account).toMatchObject({ name: "Engine Test One", address1_city: "Berlin", telephone1: "123" });

    await client.update("accounts", coupling.dataverseId, { address1_city: "Hamburg" });
    const second = await run(env, "CUSTOMER");
    expect(second.jobs[1]).toMatchObject({ status: "SUCCEEDED", counters: { modified: 1, failed: 0 } });
    expect((await db.customer.findUniqueOrThrow({ where: { id: customer.id } })).city).toBe("Hamburg");

    // Echo suppression: the ERP write of the From pass is seen by the next To pass as unchanged, and vice versa.
    const third = await run(env, "CUSTOMER");
    for (const job of third.jobs) expect(job.counters).toMatchObject({ inserted: 0, modified: 0, failed: 0 });
    const fourth = await run(env, "CUSTOMER");
    for (const job of fourth.jobs) expect(job.counters).toMatchObject({ inserted: 0, modified: 0, failed: 0 });
  });

  it("a scheduled run that finds no changes costs at most 3 Dataverse requests", async () => {
    const { db } = env;
    for (let i = 0; i < 5; i += 1) await db.customer.create({ data: { no: uniqueNo("EN"), name: `No-op ${i}` } });
    await run(env, "CUSTOMER");
    await run(env, "CUSTOMER");
    await resetEmulatorStats(env.emulator);
    const result = await run(env, "CUSTOMER", { trigger: "SCHEDULE" });
    expect(result.jobs.every((j) => j.status === "SUCCEEDED")).toBe(true);
    expect(await emulatorRequests(env.emulator)).toBeLessThanOrEqual(3);
    const jobs = await db.syncJob.findMany({ where: { id: { in: result.jobs.map((j) => j.id) } } });
    expect(jobs.reduce((n, j) => n + j.dataverseRequests, 0)).toBeLessThanOrEqual(3);
    expect(await mappingId(db, "CUSTOMER")).toBeTruthy();
  });
});
