import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { coupleRecord } from "../../lib/integration/coupling-service.ts";
import { planSynchronizeNow, recommendForRecord, synchronizeNow } from "../../lib/integration/synchronize-now.ts";
import { createAccount, createCustomer, getAccount, resetCustomerMapping, startOpsEnv, uniqueWord, type OpsEnv } from "./ops-fixtures.ts";

let env: OpsEnv;

beforeAll(async () => {
  env = await startOpsEnv();
  await resetCustomerMapping(env.db);
});

afterAll(async () => {
  await env.close();
});

/** A customer and an account coupled and synchronized (both agree on every mapped field). */
async function syncedPair(word: string, city: string) {
  const customer = await createCustomer(env.db, { name: `${word} ERP`, city });
  const accountId = await createAccount(env.client, { name: `${word} DV` });
  await coupleRecord(env.deps, env.actor, { table: "CUSTOMER", erpId: customer.id, dataverseId: accountId, syncAfterCoupling: "erp" });
  return { customer, accountId };
}

async function recommended(erpId: string) {
  const r = await recommendForRecord(env.deps, { table: "CUSTOMER", erpId });
  if (!r.isCoupled) throw new Error("not coupled");
  return r.recommendation.recommended;
}

describe("Synchronize Now", () => {
  it("recommends Send when only the ERP record changed, Get when only Dataverse did, Merge when both did", async () => {
    const { customer, accountId } = await syncedPair(uniqueWord("Rec"), "Aarhus");
    await env.db.customer.update({ where: { id: customer.id }, data: { city: "Odense" } });
    expect(await recommended(customer.id)).toBe("send");
    await env.db.customer.update({ where: { id: customer.id }, data: { city: "Aarhus" } });
    await env.client.update("accounts", accountId, { address1_city: "Aalborg" });
    expect(await recommended(customer.id)).toBe("get");
    await env.db.customer.update({ where: { id: customer.id }, data: { phoneNo: "+45 1234" } });
    expect(await recommended(customer.id)).toBe("merge");

    // One record without a direction runs the recommendation: Merge = To then From, both forced (ERP wins Bi fields).
    const { result, choice } = await synchronizeNow(env.deps, { table: "CUSTOMER", erpIds: [customer.id] });
    expect(choice).toBe("merge");
    expect(result.jobs.map((j) => j.direction)).toEqual(["TO_INTEGRATION_TABLE", "FROM_INTEGRATION_TABLE"]);
    expect(await getAccount(env.client, accountId)).toMatchObject({ telephone1: "+45 1234", address1_city: "Aarhus" });
  });

  it("an uncoupled record is refused for one record, and says to set up a coupling", async () => {
    const customer = await createCustomer(env.db, { name: `${uniqueWord("Unc")} ERP` });
    expect(await recommendForRecord(env.deps, { table: "CUSTOMER", erpId: customer.id })).toMatchObject({ isCoupled: false, message: expect.stringContaining("Do you want to create a coupling?") });
    await expect(planSynchronizeNow(env.deps, { table: "CUSTOMER", erpIds: [customer.id], direction: "toDataverse" })).rejects.toMatchObject({
      name: "UnprocessableError",
      message: expect.stringContaining("is not coupled to Dataverse"),
    });
  });

  it("in bulk, skips and counts records whose target changed since the last sync, never overwriting them", async () => {
    const word = uniqueWord("Blk");
    const a = await syncedPair(`${word}A`, "Lyon");
    const b = await syncedPair(`${word}B`, "Nice");
    const uncoupled = await createCustomer(env.db, { name: `${word} loose` });
    await env.db.customer.update({ where: { id: a.customer.id }, data: { city: "Paris" } });
    await env.db.customer.update({ where: { id: b.customer.id }, data: { city: "Lille" } });
    await env.client.update("accounts", a.accountId, { address1_city: "Marseille" });

    const { result } = await synchronizeNow(env.deps, { table: "CUSTOMER", erpIds: [a.customer.id, b.customer.id, uncoupled.id], direction: "toDataverse" });
    expect(result.jobs).toHaveLength(1);
    expect(result.jobs[0].counters).toMatchObject({ modified: 1, skipped: 2 });
    expect((await getAccount(env.client, a.accountId))?.address1_city).toBe("Marseille");
    expect((await getAccount(env.client, b.accountId))?.address1_city).toBe("Lille");
  });

  it("asks for the direction when several records of a Bidirectional mapping are synchronized", async () => {
    const word = uniqueWord("Dir");
    const a = await createCustomer(env.db, { name: `${word} A` });
    const b = await createCustomer(env.db, { name: `${word} B` });
    await expect(planSynchronizeNow(env.deps, { table: "CUSTOMER", erpIds: [a.id, b.id] })).rejects.toMatchObject({ code: "invalid", fieldErrors: { direction: [expect.any(String)] } });
    await expect(planSynchronizeNow(env.deps, { table: "CUSTOMER", erpIds: [a.id, b.id], direction: "bidirectional" })).rejects.toMatchObject({ code: "invalid" });
  });
});
