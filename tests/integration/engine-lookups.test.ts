import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run, setPolicy, startEngineEnv, uniqueNo, type EngineEnv } from "./engine-fixtures.ts";

let env: EngineEnv;

beforeAll(async () => {
  env = await startEngineEnv();
});

afterAll(async () => {
  await env?.emulator.close();
});

async function couplingOf(erpTable: "CUSTOMER" | "CONTACT" | "SALESPERSON" | "CURRENCY", erpId: string) {
  return env.db.coupling.findUnique({ where: { erpTable_erpId: { erpTable, erpId } } });
}

describe("lookups are translated through the couplings of their own mapping", () => {
  it("currency (natural match by ISO code), owner (salesperson from a Dataverse user) and a contact's parent customer", async () => {
    const { db, client } = env;
    // CURRENCY: the ERP currency couples to the one Dataverse currency with its ISO code (row 2), no duplicate.
    const code = uniqueNo("X").slice(0, 5);
    const currency = await db.currency.create({ data: { code, description: "Test Dollar", symbol: "T$" } });
    const dvCurrency = await client.create("transactioncurrencies", { isocurrencycode: code, currencyname: "Old name", currencysymbol: "T", exchangerate: 1 }, { returnRepresentation: true });
    const currencyRun = await run(env, "CURRENCY");
    expect(currencyRun.jobs[0].counters).toMatchObject({ modified: 1, inserted: 0, failed: 0 });
    expect((await couplingOf("CURRENCY", currency.id))?.dataverseId).toBe(dvCurrency.id);
    expect((await client.retrieve("transactioncurrencies", dvCurrency.id!)).currencyname).toBe("Test Dollar");

    // SALESPEOPLE: a Dataverse user becomes a salesperson (code from the number series).
    await setPolicy(db, "SALESPEOPLE", { syncOnlyCoupledRecords: false });
    const user = await client.create("systemusers", { firstname: "Ada", lastname: uniqueNo("Owner"), internalemailaddress: `${uniqueNo("ada")}@example.com`, isdisabled: false, islicensed: true, accessmode: 0 }, { returnRepresentation: true });
    const spRun = await run(env, "SALESPEOPLE");
    expect(spRun.jobs[0].counters.failed).toBe(0);
    const spCoupling = await db.coupling.findFirstOrThrow({ where: { dataverseId: user.id! } });
    const salesperson = await db.salesperson.findUniqueOrThrow({ where: { id: spCoupling.erpId } });
    expect(salesperson.code).toMatch(/^SP\d{5}$/);

    // CUSTOMER with both lookups; CONTACT whose parent is that customer.
    await setPolicy(db, "CUSTOMER", { syncOnlyCoupledRecords: false });
    await setPolicy(db, "CONTACT", { syncOnlyCoupledRecords: false });
    const customer = await db.customer.create({ data: { no: uniqueNo("EL"), name: "Lookup Customer", currencyCode: code, salespersonCode: salesperson.code } });
    const contact = await db.contact.create({ data: { no: uniqueNo("ELC"), firstName: "Grace", surname: "Hopper", name: "Grace Hopper", customerId: customer.id } });
    await run(env, "CUSTOMER");
    await run(env, "CONTACT");
    const accountId = (await couplingOf("CUSTOMER", customer.id))!.dataverseId;
    const account = await client.retrieve("accounts", accountId);
    expect(account._transactioncurrencyid_value).toBe(dvCurrency.id);
    expect(account._ownerid_value).toBe(user.id);
    const dvContact = await client.retrieve("contacts", (await couplingOf("CONTACT", contact.id))!.dataverseId);
    expect(dvContact._parentcustomerid_value).toBe(accountId);

    // From Dataverse: a contact created under the account arrives in the ERP under the customer.
    const created = await client.create("contacts", { firstname: "Katherine", lastname: "Johnson", "parentcustomerid_account@odata.bind": `/accounts(${accountId})` }, { returnRepresentation: true });
    const fromRun = await run(env, "CONTACT");
    expect(fromRun.jobs[1].counters.inserted).toBe(1);
    const erpContact = await db.contact.findUniqueOrThrow({ where: { id: (await db.coupling.findFirstOrThrow({ where: { dataverseId: created.id! } })).erpId } });
    expect(erpContact).toMatchObject({ customerId: customer.id, name: "Katherine Johnson" });
    expect(erpContact.no).toMatch(/^CT\d{6}$/);
  });

  it("a contact whose customer is not coupled waits for it and is retried automatically when the customer couples", async () => {
    const { db, client } = env;
    await setPolicy(db, "CUSTOMER", { syncOnlyCoupledRecords: true });
    await setPolicy(db, "CONTACT", { syncOnlyCoupledRecords: false });
    const customer = await db.customer.create({ data: { no: uniqueNo("EW"), name: "Waiting Parent" } });
    const contact = await db.contact.create({ data: { no: uniqueNo("EWC"), firstName: "Ann", surname: "Waiting", name: "Ann Waiting", customerId: customer.id } });

    const first = await run(env, "CONTACT");
    expect(first.jobs[0].counters.failed).toBe(1);
    const [error] = await db.syncJobError.findMany({ where: { jobId: first.jobs[0].id } });
    expect(error).toMatchObject({ errorClass: "WAITING_FOR_PARENT", sourceId: contact.id });
    expect(error.message).toContain(customer.no);
    expect(await couplingOf("CONTACT", contact.id)).toBeNull();

    // Nothing changed: the contact is not retried (nothing is hammered).
    const idle = await run(env, "CONTACT");
    expect(idle.jobs[0].counters.failed).toBe(0);

    // The customer couples (a scoped run that may create); the contact's next run picks it up without any edit.
    await run(env, "CUSTOMER", { scope: { erpIds: [customer.id] }, overrideSyncOnlyCoupled: true, direction: "TO_INTEGRATION_TABLE" });
    const retried = await run(env, "CONTACT");
    expect(retried.jobs[0].counters).toMatchObject({ inserted: 1, failed: 0 });
    const coupling = await couplingOf("CONTACT", contact.id);
    const dvContact = await client.retrieve("contacts", coupling!.dataverseId);
    expect(dvContact._parentcustomerid_value).toBe((await couplingOf("CUSTOMER", customer.id))!.dataverseId);
  });
});
