import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "../../lib/dataverse/odata-query.ts";
import { CLEARED_LOOKUPS_KEY } from "../../lib/integration/field-transfer.ts";
import { openFromDataverse } from "../../lib/integration/open-from-dataverse.ts";
import { run, setPolicy, startEngineEnv, uniqueNo, type EngineEnv } from "./engine-fixtures.ts";
import { createRoleUsers, type RoleUsers } from "./ops-fixtures.ts";

// Lookups whose parent is not coupled (issue 4): a parent mapping with a natural-match rule (CURRENCY by ISO code) is
// coupled on the fly in both passes and in Open in ERP; a waiting record names its parent by its human key and says
// what to do; a lookup written empty under Clear Value on Failed Sync is sent once its parent couples.

let env: EngineEnv;
let users: RoleUsers;

beforeAll(async () => {
  env = await startEngineEnv();
  users = await createRoleUsers(env.db);
});

afterAll(async () => {
  await env?.emulator.close();
});

/** A currency code no other test uses (Dataverse allows five characters). */
function isoCode(): string {
  return `Z${randomBytes(2).toString("hex").toUpperCase()}`;
}

async function currencyCoupling(erpId: string) {
  return env.db.coupling.findUnique({ where: { erpTable_erpId: { erpTable: "CURRENCY", erpId } } });
}

async function createDvCurrency(code: string, name = `Currency ${code}`): Promise<string> {
  const created = await env.client.create("transactioncurrencies", { isocurrencycode: code, currencyname: name, currencysymbol: "¤", exchangerate: 1 }, { returnRepresentation: true });
  return created.id!;
}

describe("a lookup whose parent is not coupled is coupled on the fly by the parent mapping's natural match", () => {
  it("From pass: an account's currency couples to the ERP currency with its ISO code, and the customer is created with it", async () => {
    const { db, client } = env;
    await setPolicy(db, "CUSTOMER", { syncOnlyCoupledRecords: false });
    const code = isoCode();
    const currency = await db.currency.create({ data: { code, description: "On The Fly" } });
    // Lower case in Dataverse: the rule is not case-sensitive.
    const dvCurrencyId = await createDvCurrency(code.toLowerCase(), "On The Fly");
    const account = await client.create("accounts", { name: `Fly From ${code}`, "transactioncurrencyid@odata.bind": `/transactioncurrencies(${dvCurrencyId})` }, { returnRepresentation: true });

    const result = await run(env, "CUSTOMER", { direction: "FROM_INTEGRATION_TABLE" });
    expect(result.jobs[0].counters).toMatchObject({ inserted: 1, coupled: 1, failed: 0 });
    const coupling = await currencyCoupling(currency.id);
    expect(coupling).toMatchObject({ dataverseId: dvCurrencyId, state: "COUPLED" });
    const customerCoupling = await db.coupling.findFirstOrThrow({ where: { dataverseId: account.id! } });
    expect(await db.customer.findUniqueOrThrow({ where: { id: customerCoupling.erpId } })).toMatchObject({ name: `Fly From ${code}`, currencyCode: code });
    const log = await db.syncRecordLog.findFirstOrThrow({ where: { jobId: result.jobs[0].id, erpTable: "CURRENCY", erpId: currency.id } });
    expect(log.outcome).toBe("COUPLED");
    expect(log.message).toContain(code);
  });

  it("To pass: a customer's currency couples to the Dataverse currency with its code, and the account points at it", async () => {
    const { db, client } = env;
    const code = isoCode();
    const currency = await db.currency.create({ data: { code, description: "To Fly" } });
    const dvCurrencyId = await createDvCurrency(code);
    const customer = await db.customer.create({ data: { no: uniqueNo("FLY"), name: `Fly To ${code}`, currencyCode: code } });

    const result = await run(env, "CUSTOMER", { direction: "TO_INTEGRATION_TABLE", scope: { erpIds: [customer.id] }, overrideSyncOnlyCoupled: true });
    expect(result.jobs[0].counters).toMatchObject({ inserted: 1, coupled: 1, failed: 0 });
    expect((await currencyCoupling(currency.id))?.dataverseId).toBe(dvCurrencyId);
    const accountId = (await db.coupling.findUniqueOrThrow({ where: { erpTable_erpId: { erpTable: "CUSTOMER", erpId: customer.id } } })).dataverseId;
    expect((await client.retrieve("accounts", accountId))._transactioncurrencyid_value).toBe(dvCurrencyId);
    // The CURRENCY mapping's own run finds the pair coupled: no duplicate currency in Dataverse.
    await run(env, "CURRENCY", { scope: { erpIds: [currency.id] }, overrideSyncOnlyCoupled: true });
    expect(await client.queryAll("transactioncurrencies", { filter: eq("isocurrencycode", code) })).toHaveLength(1);
  });

  it("two Dataverse currencies with the same ISO code are ambiguous: the customer waits, told to couple the right one", async () => {
    const { db } = env;
    const code = isoCode();
    const currency = await db.currency.create({ data: { code, description: "Twice" } });
    await createDvCurrency(code, "Twice A");
    await createDvCurrency(code, "Twice B");
    const customer = await db.customer.create({ data: { no: uniqueNo("AMB"), name: `Ambiguous ${code}`, currencyCode: code } });

    const result = await run(env, "CUSTOMER", { direction: "TO_INTEGRATION_TABLE", scope: { erpIds: [customer.id] }, overrideSyncOnlyCoupled: true });
    expect(result.jobs[0].counters).toMatchObject({ inserted: 0, coupled: 0, failed: 1 });
    expect(await currencyCoupling(currency.id)).toBeNull();
    const [error] = await db.syncJobError.findMany({ where: { jobId: result.jobs[0].id } });
    expect(error.errorClass).toBe("WAITING_FOR_PARENT");
    expect(error.message).toContain(`its currency ${code} is not coupled`);
    expect(error.message).toContain(`2 Dataverse currency records with the currency code ${code}`);
  });

  it("a From pass of a mapping with a natural match couples the existing ERP record instead of creating a duplicate", async () => {
    const { db } = env;
    await db.integrationTableMapping.update({ where: { name: "CURRENCY" }, data: { direction: "BIDIRECTIONAL", syncOnlyCoupledRecords: false } });
    try {
      const code = isoCode();
      const currency = await db.currency.create({ data: { code, description: "Both Ways" } });
      const dvCurrencyId = await createDvCurrency(code, "Both Ways");
      const result = await run(env, "CURRENCY", { direction: "FROM_INTEGRATION_TABLE", scope: { dataverseIds: [dvCurrencyId] } });
      expect(result.jobs[0].counters).toMatchObject({ inserted: 0, coupled: 1, failed: 0 });
      expect((await currencyCoupling(currency.id))?.dataverseId).toBe(dvCurrencyId);
      expect(await db.currency.count({ where: { code: { equals: code, mode: "insensitive" } } })).toBe(1);
    } finally {
      await db.integrationTableMapping.update({ where: { name: "CURRENCY" }, data: { direction: "TO_INTEGRATION_TABLE", syncOnlyCoupledRecords: true } });
    }
  });

  it("Open in ERP works without coupling the currencies first: the account's base currency couples to the ERP USD", async () => {
    const { db, client } = env;
    await setPolicy(db, "CUSTOMER", { syncOnlyCoupledRecords: false });
    const usd = await db.currency.upsert({ where: { code: "USD" }, create: { code: "USD", description: "US Dollar", symbol: "$" }, update: {} });
    const [base] = await client.queryAll("transactioncurrencies", { filter: eq("isocurrencycode", "USD") });
    const baseId = String(base.transactioncurrencyid).toLowerCase();
    await db.coupling.deleteMany({ where: { OR: [{ erpTable: "CURRENCY", erpId: usd.id }, { dataverseEntity: "transactioncurrency", dataverseId: baseId }] } });
    // Dataverse gives the new account the org's base currency.
    const account = await client.create("accounts", { name: `Open Uncoupled ${isoCode()}`, address1_city: "Lyon" }, { returnRepresentation: true });
    expect((await client.retrieve("accounts", account.id!))._transactioncurrencyid_value).toBe(baseId);

    const opened = await openFromDataverse({ db, client }, users.user, { entity: "account", id: account.id! });
    expect(opened).toMatchObject({ kind: "redirect", created: true });
    expect((await currencyCoupling(usd.id))?.dataverseId).toBe(baseId);
    const coupling = await db.coupling.findFirstOrThrow({ where: { dataverseId: account.id! } });
    expect(await db.customer.findUniqueOrThrow({ where: { id: coupling.erpId } })).toMatchObject({ city: "Lyon", currencyCode: "USD" });
  });
});

describe("waiting for a parent names it by its human key and says what to do", () => {
  it("a Dataverse currency without an ERP counterpart is named by its ISO code; creating the ERP currency retries the account", async () => {
    const { db, client } = env;
    await setPolicy(db, "CUSTOMER", { syncOnlyCoupledRecords: false });
    const code = isoCode();
    const dvCurrencyId = await createDvCurrency(code, "Nowhere Mark");
    const account = await client.create("accounts", { name: `Waits For ${code}`, "transactioncurrencyid@odata.bind": `/transactioncurrencies(${dvCurrencyId})` }, { returnRepresentation: true });

    const first = await run(env, "CUSTOMER", { direction: "FROM_INTEGRATION_TABLE", scope: { dataverseIds: [account.id!] } });
    expect(first.jobs[0].counters).toMatchObject({ inserted: 0, failed: 1 });
    const [error] = await db.syncJobError.findMany({ where: { jobId: first.jobs[0].id } });
    expect(error.errorClass).toBe("WAITING_FOR_PARENT");
    expect(error.message).toContain(`its Dataverse currency ${code} is not coupled`);
    expect(error.message).toContain(`Create the currency ${code} in the ERP`);
    expect(error.message).not.toContain(dvCurrencyId);

    // As the message says: the ERP currency appears, the CURRENCY mapping couples it by its code, the account follows.
    const currency = await db.currency.create({ data: { code, description: "Nowhere Mark", symbol: "¤" } });
    const currencyRun = await run(env, "CURRENCY", { scope: { erpIds: [currency.id] } });
    expect(currencyRun.jobs[0].counters).toMatchObject({ coupled: 1, failed: 0 });
    const retried = await run(env, "CUSTOMER", { direction: "FROM_INTEGRATION_TABLE" });
    expect(retried.jobs[0].counters).toMatchObject({ inserted: 1, failed: 0 });
    const coupling = await db.coupling.findFirstOrThrow({ where: { dataverseId: account.id! } });
    expect((await db.customer.findUniqueOrThrow({ where: { id: coupling.erpId } })).currencyCode).toBe(currency.code);
  });

  it("a contact whose Dataverse account is not coupled names the account, not its id", async () => {
    const { db, client } = env;
    await setPolicy(db, "CONTACT", { syncOnlyCoupledRecords: false });
    const accountName = `Parent Named ${isoCode()}`;
    const account = await client.create("accounts", { name: accountName }, { returnRepresentation: true });
    const contact = await client.create("contacts", { firstname: "Named", lastname: "Parent", "parentcustomerid_account@odata.bind": `/accounts(${account.id})` }, { returnRepresentation: true });

    const result = await run(env, "CONTACT", { direction: "FROM_INTEGRATION_TABLE", scope: { dataverseIds: [contact.id!] } });
    expect(result.jobs[0].counters.failed).toBe(1);
    const [error] = await db.syncJobError.findMany({ where: { jobId: result.jobs[0].id } });
    expect(error.errorClass).toBe("WAITING_FOR_PARENT");
    expect(error.message).toContain(`its Dataverse account '${accountName}' is not coupled. Couple the Dataverse account first`);
    expect(error.message).not.toContain(account.id!);
    await client.delete("contacts", contact.id!);
  });
});

describe("Clear Value on Failed Sync", () => {
  it("a contact synced with its uncoupled customer cleared gets parentcustomerid once the customer couples", async () => {
    const { db, client } = env;
    const contactMapping = await db.integrationTableMapping.findUniqueOrThrow({ where: { name: "CONTACT" } });
    const where = { mappingId: contactMapping.id, erpField: "customerId", dataverseAttribute: "parentcustomerid" };
    await db.integrationFieldMapping.updateMany({ where, data: { clearValueOnFailedSync: true } });
    try {
      await setPolicy(db, "CUSTOMER", { syncOnlyCoupledRecords: true });
      await setPolicy(db, "CONTACT", { syncOnlyCoupledRecords: false });
      const customer = await db.customer.create({ data: { no: uniqueNo("CLR"), name: "Cleared Parent" } });
      const contact = await db.contact.create({ data: { no: uniqueNo("CLRC"), firstName: "Clara", surname: "Cleared", name: "Clara Cleared", customerId: customer.id } });

      const first = await run(env, "CONTACT", { scope: { erpIds: [contact.id] } });
      expect(first.jobs[0].counters).toMatchObject({ inserted: 1, failed: 0 });
      const coupling = await db.coupling.findUniqueOrThrow({ where: { erpTable_erpId: { erpTable: "CONTACT", erpId: contact.id } } });
      expect((await client.retrieve("contacts", coupling.dataverseId))._parentcustomerid_value ?? null).toBeNull();
      expect((coupling.snapshot as Record<string, unknown>)[CLEARED_LOOKUPS_KEY]).toEqual({ "customerId:parentcustomerid": "TO_INTEGRATION_TABLE" });

      // Nothing changed: the contact is not sent again.
      const idle = await run(env, "CONTACT");
      expect(idle.jobs[0].counters).toMatchObject({ inserted: 0, modified: 0, failed: 0 });

      // The customer couples; the contact's next run sends the lookup without any edit of the contact.
      await run(env, "CUSTOMER", { scope: { erpIds: [customer.id] }, overrideSyncOnlyCoupled: true, direction: "TO_INTEGRATION_TABLE" });
      const accountId = (await db.coupling.findUniqueOrThrow({ where: { erpTable_erpId: { erpTable: "CUSTOMER", erpId: customer.id } } })).dataverseId;
      const resent = await run(env, "CONTACT");
      expect(resent.jobs[0].counters).toMatchObject({ modified: 1, failed: 0 });
      expect((await client.retrieve("contacts", coupling.dataverseId))._parentcustomerid_value).toBe(accountId);
      const after = await db.coupling.findUniqueOrThrow({ where: { id: coupling.id } });
      expect((after.snapshot as Record<string, unknown>)[CLEARED_LOOKUPS_KEY]).toBeUndefined();
      expect(await db.contact.findUniqueOrThrow({ where: { id: contact.id } })).toMatchObject({ customerId: customer.id });

      const echo = await run(env, "CONTACT");
      for (const job of echo.jobs) expect(job.counters).toMatchObject({ inserted: 0, modified: 0 });
    } finally {
      await db.integrationFieldMapping.updateMany({ where, data: { clearValueOnFailedSync: false } });
    }
  });
});
