import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compareCouplingAction } from "../../app/(console)/integration/sync-errors/actions.ts";
import { runAsUser } from "../../lib/auth/authorize.ts";
import { coupleRecord } from "../../lib/integration/coupling-service.ts";
import { mappingForTable } from "../../lib/integration/operation-context.ts";
import { executeRuns } from "../../lib/integration/run-dispatch.ts";
import { listSyncErrors, resolveSyncErrors } from "../../lib/integration/sync-errors-service.ts";
import { runSync } from "../../lib/integration/sync-run.ts";
import { createAccount, createCustomer, createRoleUsers, getAccount, resetCustomerMapping, startOpsEnv, uniqueWord, type OpsEnv, type RoleUsers } from "./ops-fixtures.ts";

let env: OpsEnv;
let mappingId: string;
let users: RoleUsers;

beforeAll(async () => {
  env = await startOpsEnv();
  users = await createRoleUsers(env.db);
  await resetCustomerMapping(env.db);
  mappingId = (await mappingForTable(env.db, "CUSTOMER")).row.id;
});

afterAll(async () => {
  await env.close();
});

async function syncedPair(word: string, city = "Graz") {
  const customer = await createCustomer(env.db, { name: `${word} ERP`, city });
  const accountId = await createAccount(env.client, { name: `${word} DV` });
  await coupleRecord(env.deps, env.actor, { table: "CUSTOMER", erpId: customer.id, dataverseId: accountId, syncAfterCoupling: "erp" });
  const coupling = await env.db.coupling.findUniqueOrThrow({ where: { erpTable_erpId: { erpTable: "CUSTOMER", erpId: customer.id } } });
  return { customer, accountId, coupling };
}

/** Both sides change the same Bidirectional field; a normal run with policy None fails the pair as a conflict. */
async function conflictedPair(word: string) {
  const pair = await syncedPair(word);
  await env.db.customer.update({ where: { id: pair.customer.id }, data: { city: "Linz" } });
  await env.client.update("accounts", pair.accountId, { address1_city: "Salzburg" });
  await runSync(env.deps, { mappingId, direction: "TO_INTEGRATION_TABLE", trigger: "MANUAL", scope: { erpIds: [pair.customer.id], dataverseIds: [pair.accountId] } });
  return pair;
}

describe("Coupled Data Synchronization Errors", () => {
  it("lists couplings in error with both sides' existence, grouped by signature", async () => {
    const word = uniqueWord("Lst");
    const one = await conflictedPair(`${word}1`);
    const two = await conflictedPair(`${word}2`);
    const page = await listSyncErrors(env.deps, { mapping: "CUSTOMER", errorClass: "CONFLICT", page: 1, pageSize: 200 });
    const rows = page.items.filter((r) => [one.coupling.id, two.coupling.id].includes(r.id));
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ erpExists: true, dataverseExists: true, errorClass: "CONFLICT", message: expect.stringContaining("were both changed") });
    const group = page.groups.find((g) => g.signature === rows[0].signature);
    expect(rows[1].signature).toBe(rows[0].signature);
    expect(group?.count).toBeGreaterThanOrEqual(2);
  });

  it("Synchronize with the chosen version resolves a conflict (Dataverse wins here)", async () => {
    const pair = await conflictedPair(uniqueWord("Syn"));
    const result = await resolveSyncErrors(env.deps, env.actor, { action: "synchronize", ids: [pair.coupling.id], version: "dataverse" });
    expect(result.outcomes).toEqual([expect.objectContaining({ outcome: "synchronized" })]);
    expect(result.runs.map((r) => r.direction)).toEqual(["FROM_INTEGRATION_TABLE", "TO_INTEGRATION_TABLE"]);
    await executeRuns(env.deps, result.runs);
    expect((await env.db.customer.findUniqueOrThrow({ where: { id: pair.customer.id } })).city).toBe("Salzburg");
    const coupling = await env.db.coupling.findUniqueOrThrow({ where: { id: pair.coupling.id } });
    expect(coupling).toMatchObject({ isSkipped: false, errorClass: null });
  });

  it("Retry un-skips and processes the pair again", async () => {
    const pair = await conflictedPair(uniqueWord("Rty"));
    await env.db.coupling.update({ where: { id: pair.coupling.id }, data: { isSkipped: true } });
    // The cause is removed on the ERP side, so the retried run merges without a conflict.
    await env.db.customer.update({ where: { id: pair.customer.id }, data: { city: "Salzburg" } });
    const result = await resolveSyncErrors(env.deps, env.actor, { action: "retry", ids: [pair.coupling.id] });
    expect(result.outcomes).toEqual([expect.objectContaining({ outcome: "retried" })]);
    expect((await env.db.coupling.findUniqueOrThrow({ where: { id: pair.coupling.id } })).isSkipped).toBe(false);
    await executeRuns(env.deps, result.runs);
    expect((await env.db.coupling.findUniqueOrThrow({ where: { id: pair.coupling.id } })).errorClass).toBeNull();
  });

  it("Find for Deleted lists couplings whose Dataverse record is gone; Restore Records recreates and recouples it", async () => {
    const word = uniqueWord("Rst");
    const pair = await syncedPair(word, "Wels");
    await env.client.delete("accounts", pair.accountId);
    const found = await resolveSyncErrors(env.deps, env.actor, { action: "findForDeleted", ids: [pair.coupling.id] });
    expect(found.outcomes).toEqual([expect.objectContaining({ outcome: "found", message: expect.stringContaining("was deleted") })]);
    expect(await env.db.coupling.findUniqueOrThrow({ where: { id: pair.coupling.id } })).toMatchObject({ errorClass: "DELETION_CONFLICT", isSkipped: true });
    const listed = await listSyncErrors(env.deps, { errorClass: "DELETION_CONFLICT", page: 1, pageSize: 200 });
    expect(listed.items.find((r) => r.id === pair.coupling.id)).toMatchObject({ erpExists: true, dataverseExists: false });

    const restored = await resolveSyncErrors(env.deps, env.actor, { action: "restore", ids: [pair.coupling.id] });
    expect(restored.outcomes).toEqual([expect.objectContaining({ outcome: "restored" })]);
    await executeRuns(env.deps, restored.runs);
    const coupling = await env.db.coupling.findUniqueOrThrow({ where: { erpTable_erpId: { erpTable: "CUSTOMER", erpId: pair.customer.id } } });
    expect(coupling.dataverseId).not.toBe(pair.accountId);
    expect(await getAccount(env.client, coupling.dataverseId)).toMatchObject({ name: `${word} ERP`, address1_city: "Wels" });
  });

  it("Delete Records deletes the surviving record, then the coupling", async () => {
    const pair = await syncedPair(uniqueWord("Del"));
    await env.client.delete("accounts", pair.accountId);
    const result = await resolveSyncErrors(env.deps, env.actor, { action: "delete", ids: [pair.coupling.id] });
    expect(result.outcomes).toEqual([expect.objectContaining({ outcome: "deleted" })]);
    expect(await env.db.customer.count({ where: { id: pair.customer.id } })).toBe(0);
    expect(await env.db.coupling.count({ where: { id: pair.coupling.id } })).toBe(0);
  });

  it("Remove Coupling uncouples and keeps both records; an action without ids is refused", async () => {
    const pair = await conflictedPair(uniqueWord("Rmv"));
    const result = await resolveSyncErrors(env.deps, env.actor, { action: "removeCoupling", ids: [pair.coupling.id] });
    expect(result.outcomes).toEqual([expect.objectContaining({ outcome: "uncoupled" })]);
    expect(await env.db.coupling.count({ where: { id: pair.coupling.id } })).toBe(0);
    expect(await getAccount(env.client, pair.accountId)).not.toBeNull();
    await expect(resolveSyncErrors(env.deps, env.actor, { action: "retry", ids: [] })).rejects.toMatchObject({ code: "invalid", fieldErrors: { ids: [expect.any(String)] } });
  });

  it("Compare shows the Dataverse side's lookups by their key or name, not their GUID, and writes no coupling", async () => {
    const pair = await conflictedPair(uniqueWord("Cmp"));
    // A currency the CURRENCY mapping would couple by ISO code (both sides uncoupled), and a primary contact with no
    // coupling and no natural match: the first reads as its ERP code, the second by the contact's full name.
    const code = `C${randomBytes(2).toString("hex").toUpperCase()}`;
    const currency = await env.db.currency.create({ data: { code, description: "Compare" } });
    const dvCurrency = await env.client.create("transactioncurrencies", { isocurrencycode: code, currencyname: `Compare ${code}`, currencysymbol: "¤", exchangerate: 1 }, { returnRepresentation: true });
    const lastname = uniqueWord("Cmp");
    const contact = await env.client.create("contacts", { firstname: "Compare", lastname }, { returnRepresentation: true });
    await env.client.update("accounts", pair.accountId, {
      "transactioncurrencyid@odata.bind": `/transactioncurrencies(${dvCurrency.id})`,
      "primarycontactid@odata.bind": `/contacts(${contact.id})`,
    });
    const couplingsBefore = await env.db.coupling.count();

    const result = await runAsUser(users.viewer, () => compareCouplingAction({ id: pair.coupling.id }));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const row = (key: string) => result.data.find((r) => r.key === key);
    expect(row("currencyCode:transactioncurrencyid")).toMatchObject({ dataverse: code });
    expect(row("primaryContactNo:primarycontactid")).toMatchObject({ dataverse: `'Compare ${lastname}'`, differs: true });
    const shown = JSON.stringify(result.data).toLowerCase();
    expect(shown).not.toContain(dvCurrency.id!.toLowerCase());
    expect(shown).not.toContain(contact.id!.toLowerCase());
    // The conflict the engine recorded still shows both sides' values.
    expect(row("city:address1_city")).toMatchObject({ erp: "Linz", dataverse: "Salzburg", differs: true });
    // A comparison only reads: the currency is not coupled by it.
    expect(await env.db.coupling.count()).toBe(couplingsBefore);
    expect(await env.db.coupling.findUnique({ where: { erpTable_erpId: { erpTable: "CURRENCY", erpId: currency.id } } })).toBeNull();
  });
});
