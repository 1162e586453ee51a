import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compareRecords, fetchDataverseRecord, findErpRecord, mappingForTable } from "../../lib/integration/operation-context.ts";
import { recommendForRecord } from "../../lib/integration/synchronize-now.ts";
import { mappingId, startEngineEnv, uniqueNo, type EngineEnv } from "./engine-fixtures.ts";

// Previews and comparisons (Set Up Coupling's side-by-side comparison, the Synchronize Now dialog) resolve lookups as
// a run does (lookup-resolution.ts): a parent the run would couple by natural match (currency by ISO code) shows its
// translation — without the preview writing that coupling — and a Dataverse parent that cannot be resolved is named
// by its key, not its GUID.

let env: EngineEnv;

beforeAll(async () => {
  env = await startEngineEnv();
});

afterAll(async () => {
  await env?.emulator.close();
});

/** A currency code no other test uses (Dataverse allows five characters). */
function isoCode(): string {
  return `P${randomBytes(2).toString("hex").toUpperCase()}`;
}

async function createDvCurrency(code: string): Promise<string> {
  const created = await env.client.create("transactioncurrencies", { isocurrencycode: code, currencyname: `Preview ${code}`, currencysymbol: "¤", exchangerate: 1 }, { returnRepresentation: true });
  return created.id!.toLowerCase();
}

/** A customer and an account, both with the currency `code` (the ERP one only if `erpCurrency`), coupled to each other. */
async function coupledPair(code: string, dvCurrencyId: string) {
  const { db, client } = env;
  const customer = await db.customer.create({ data: { no: uniqueNo("PV"), name: `Preview ${code}`, currencyCode: code } });
  const account = await client.create("accounts", { name: `Preview ${code}`, "transactioncurrencyid@odata.bind": `/transactioncurrencies(${dvCurrencyId})` }, { returnRepresentation: true });
  const accountId = account.id!.toLowerCase();
  await db.coupling.create({
    data: { mappingId: await mappingId(db, "CUSTOMER"), erpTable: "CUSTOMER", erpId: customer.id, dataverseEntity: "account", dataverseId: accountId, state: "COUPLED", snapshot: {} },
  });
  return { customer, accountId };
}

async function comparison(erpId: string, accountId: string) {
  const { db, client } = env;
  const mapping = await mappingForTable(db, "CUSTOMER");
  const erp = await findErpRecord(db, "CUSTOMER", erpId);
  const dataverse = await fetchDataverseRecord(client, "account", accountId);
  const { states } = await compareRecords(db, mapping, erp, dataverse, client);
  return states.find((s) => s.mapping.erpField === "currencyCode")!;
}

describe("lookups in previews resolve as a run would, without writing", () => {
  it("a currency a run would couple by ISO code is shown translated both ways, and no coupling is written", async () => {
    const { db } = env;
    const code = isoCode();
    const currency = await db.currency.create({ data: { code, description: "Preview" } });
    // Lower case in Dataverse: the rule is not case-sensitive.
    const dvCurrencyId = await createDvCurrency(code.toLowerCase());
    const { customer, accountId } = await coupledPair(code, dvCurrencyId);

    const state = await comparison(customer.id, accountId);
    expect(state.erpAsDataverse).toEqual({ ok: true, value: dvCurrencyId });
    expect(state.dataverseAsErp).toEqual({ ok: true, value: code });

    // The Synchronize Now dialog: both records agree once the currency resolves, so nothing is reported changed.
    const prompt = await recommendForRecord({ db, client: env.client }, { table: "CUSTOMER", erpId: customer.id });
    expect(prompt).toMatchObject({ isCoupled: true, dataverseExists: true });
    if (!prompt.isCoupled) throw new Error("expected a coupled record");
    expect(prompt.recommendation.conflicts).toEqual([]);

    expect(await db.coupling.findUnique({ where: { erpTable_erpId: { erpTable: "CURRENCY", erpId: currency.id } } })).toBeNull();
    expect(await db.coupling.findFirst({ where: { dataverseEntity: "transactioncurrency", dataverseId: dvCurrencyId } })).toBeNull();
  });

  it("a Dataverse currency with no ERP counterpart is named by its ISO code, not its GUID", async () => {
    const { db } = env;
    const code = isoCode();
    const dvCurrencyId = await createDvCurrency(code);
    // The ERP side names a currency Dataverse does not have: not the same record, so it does not resolve either.
    const other = isoCode();
    await db.currency.create({ data: { code: other, description: "Preview other" } });
    const { customer, accountId } = await coupledPair(other, dvCurrencyId);

    const state = await comparison(customer.id, accountId);
    expect(state.dataverseAsErp.ok).toBe(false);
    if (state.dataverseAsErp.ok) return;
    expect(state.dataverseAsErp.error.message).toContain(code);
    expect(state.dataverseAsErp.error.message).not.toContain(dvCurrencyId);
    expect(state.dataverseAsErp.error.parent?.advice).toContain(code);
    expect(state.erpAsDataverse.ok).toBe(false);
    if (!state.erpAsDataverse.ok) expect(state.erpAsDataverse.error.message).toContain(other);
  });

  it("a currency already coupled resolves through its coupling, the preview changing nothing", async () => {
    const { db } = env;
    const code = isoCode();
    const currency = await db.currency.create({ data: { code, description: "Preview coupled" } });
    const dvCurrencyId = await createDvCurrency(code);
    const couplingsBefore = await db.coupling.count();
    await db.coupling.create({
      data: { mappingId: await mappingId(db, "CURRENCY"), erpTable: "CURRENCY", erpId: currency.id, dataverseEntity: "transactioncurrency", dataverseId: dvCurrencyId, state: "COUPLED", snapshot: {} },
    });
    const { customer, accountId } = await coupledPair(code, dvCurrencyId);
    const state = await comparison(customer.id, accountId);
    expect(state.erpAsDataverse).toEqual({ ok: true, value: dvCurrencyId });
    expect(state.dataverseAsErp).toEqual({ ok: true, value: code });
    expect(await db.coupling.count()).toBe(couplingsBefore + 2);
  });
});
