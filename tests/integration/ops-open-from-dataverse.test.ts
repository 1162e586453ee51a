import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as openRoute } from "../../app/dataverse/open/route.ts";
import { runAsUser } from "../../lib/auth/authorize.ts";
import { coupleRecord } from "../../lib/integration/coupling-service.ts";
import { openFromDataverse } from "../../lib/integration/open-from-dataverse.ts";
import { createAccount, createCustomer, createRoleUsers, resetCustomerMapping, setMapping, startOpsEnv, uniqueWord, type OpsEnv, type RoleUsers } from "./ops-fixtures.ts";

let env: OpsEnv;
let users: RoleUsers;

beforeAll(async () => {
  env = await startOpsEnv();
  users = await createRoleUsers(env.db);
});

afterAll(async () => {
  await resetCustomerMapping(env.db);
  await env.close();
});

describe("open from Dataverse", () => {
  it("opens the card of the coupled customer", async () => {
    await resetCustomerMapping(env.db);
    const word = uniqueWord("Opn");
    const customer = await createCustomer(env.db, { name: `${word} ERP` });
    const accountId = await createAccount(env.client, { name: `${word} DV` });
    await coupleRecord(env.deps, env.actor, { table: "CUSTOMER", erpId: customer.id, dataverseId: accountId, syncAfterCoupling: "none" });
    expect(await openFromDataverse(env.deps, users.viewer, { entity: "account", id: accountId })).toEqual({ kind: "redirect", location: `/customers/${customer.no}`, created: false });

    const response = await runAsUser(users.viewer, () => openRoute(new Request(`http://localhost/dataverse/open?entity=account&id=${accountId}`)));
    expect(response.status).toBe(303);
    expect(new URL(response.headers.get("location")!).pathname).toBe(`/customers/${customer.no}`);
  });

  it("creates and couples the customer first when the mapping allows it", async () => {
    await resetCustomerMapping(env.db);
    await setMapping(env.db, "CUSTOMER", { syncOnlyCoupledRecords: false });
    const word = uniqueWord("Crt");
    const accountId = await createAccount(env.client, { name: `${word} From Dataverse`, address1_city: "Ghent" });
    const result = await openFromDataverse(env.deps, users.user, { entity: "account", id: accountId });
    expect(result).toMatchObject({ kind: "redirect", created: true });
    const coupling = await env.db.coupling.findUniqueOrThrow({ where: { dataverseEntity_dataverseId: { dataverseEntity: "account", dataverseId: accountId } } });
    const customer = await env.db.customer.findUniqueOrThrow({ where: { id: coupling.erpId } });
    expect(customer).toMatchObject({ name: `${word} From Dataverse`, city: "Ghent" });
    expect(result).toMatchObject({ location: `/customers/${customer.no}` });
  });

  it("explains why it cannot: only coupled records, or a role that may not couple; nothing is created", async () => {
    await resetCustomerMapping(env.db);
    const word = uniqueWord("Ref");
    const accountId = await createAccount(env.client, { name: `${word} Lonely` });
    const refused = await openFromDataverse(env.deps, users.user, { entity: "account", id: accountId });
    expect(refused).toMatchObject({ kind: "explain", status: 422, message: expect.stringContaining("synchronizes only coupled records") });

    await setMapping(env.db, "CUSTOMER", { syncOnlyCoupledRecords: false });
    const viewer = await openFromDataverse(env.deps, users.viewer, { entity: "account", id: accountId });
    expect(viewer).toMatchObject({ kind: "explain", status: 403, message: expect.stringContaining("needs a role that may couple records") });
    expect(await env.db.coupling.count({ where: { dataverseId: accountId } })).toBe(0);

    const page = await runAsUser(users.viewer, () => openRoute(new Request(`http://localhost/dataverse/open?entity=account&id=${accountId}`)));
    expect(page.status).toBe(403);
    expect(await page.text()).toContain("needs a role that may couple records");

    const bad = await openFromDataverse(env.deps, users.user, { entity: "lead", id: "nope" });
    expect(bad).toMatchObject({ kind: "explain", status: 400 });
  });
});
