import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DataverseClient } from "../../../lib/dataverse/dataverse-client.ts";
import { DataverseError, TokenAcquisitionError } from "../../../lib/dataverse/dataverse-error.ts";
import { eq } from "../../../lib/dataverse/odata-query.ts";
import { bindLookup, bindParentCustomer, clearLookup } from "../../../lib/dataverse/odata-bind.ts";
import { createMsalTokenProvider, type TokenProvider } from "../../../lib/dataverse/token-provider.ts";
import { realOrg, startTarget, uniquePrefix, type ClientTarget } from "./client-target.ts";

let target: ClientTarget;
let client: DataverseClient;
const prefix = uniquePrefix();

beforeAll(async () => {
  target = await startTarget();
  client = target.client();
});

afterAll(async () => {
  await target?.close();
});

async function expectError(promise: Promise<unknown>): Promise<DataverseError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(DataverseError);
    return error as DataverseError;
  }
  throw new Error("expected a DataverseError");
}

describe("authentication (msal client credentials, the production path)", () => {
  it("gets a token from the token endpoint and calls the Web API with it", async () => {
    const me = await client.whoAmI();
    expect(me.userId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("wrong client secret gives a typed auth error, not a Web API call", async () => {
    const bad = target.client({ tokenProvider: createMsalTokenProvider({ ...target.config, clientSecret: "wrong" }) });
    const error = await expectError(bad.whoAmI());
    expect(error).toBeInstanceOf(TokenAcquisitionError);
    expect(error.retryClass).toBe("auth");
    expect(bad.stats.requests).toBe(0);
  });

  it("a 401 from the Web API triggers exactly one token refresh and retry", async () => {
    const real = createMsalTokenProvider(target.config);
    let invalidated = 0;
    const stale: TokenProvider = {
      getToken: () => (invalidated === 0 ? Promise.resolve("expired-or-revoked-token") : real.getToken()),
      invalidate: () => {
        invalidated += 1;
        real.invalidate();
      },
    };
    const refreshing = target.client({ tokenProvider: stale });
    await refreshing.whoAmI();
    expect(invalidated).toBe(1);
    expect(refreshing.stats.requests).toBe(2);
    expect(refreshing.stats.authRefreshes).toBe(1);

    const alwaysBad: TokenProvider = { getToken: async () => "bad", invalidate: () => {} };
    const failing = target.client({ tokenProvider: alwaysBad });
    const error = await expectError(failing.whoAmI());
    expect(error.status).toBe(401);
    expect(error.retryClass).toBe("auth");
    expect(failing.stats.requests).toBe(2);
  });
});

describe.skipIf(realOrg !== null)("token revocation", () => {
  it("after the emulator revokes every token, the msal-backed client refreshes once and carries on", async () => {
    const fresh = target.client();
    await fresh.whoAmI();
    const revoked = await fetch(`${target.emulatorUrl!}/_emulator/revoke-tokens`, { method: "POST" });
    expect(revoked.ok).toBe(true);
    await fresh.whoAmI();
    expect(fresh.stats.authRefreshes).toBe(1);
    expect(fresh.stats.requests).toBe(3);
  });
});

describe("CRUD", () => {
  it("creates with a client-chosen id and gets versionnumber back with return=representation", async () => {
    const id = randomUUID();
    const created = await client.create(
      "accounts",
      { name: `${prefix} Alpha`, accountnumber: `${prefix}-A` },
      { id, returnRepresentation: true, select: ["name", "accountnumber", "versionnumber"] },
    );
    expect(created.status).toBe(201);
    expect(created.id).toBe(id);
    expect(created.created).toBe(true);
    expect(created.entity?.name).toBe(`${prefix} Alpha`);
    expect(created.entity?.versionnumber).toBeDefined();
    expect(created.etag).toMatch(/^W\/"\d+"$/);
  });

  it("creates without representation and takes the id from OData-EntityId", async () => {
    const created = await client.create("accounts", { name: `${prefix} Beta` });
    expect(created.status).toBe(204);
    expect(created.id).toMatch(/^[0-9a-f-]{36}$/);
    const row = await client.retrieve("accounts", created.id!, { select: ["name"] });
    expect(row.name).toBe(`${prefix} Beta`);
    expect(row.accountid).toBe(created.id);
  });

  it("retrieves by alternate key, including values with quotes and URL specials", async () => {
    const accountnumber = `${prefix.slice(0, 8)}'#/&`;
    const id = randomUUID();
    await client.create("accounts", { name: `${prefix} O'Key`, accountnumber }, { id });
    const row = await client.retrieve("accounts", { accountnumber }, { select: ["name", "accountnumber"] });
    expect(row.accountid).toBe(id);
    expect(row.name).toBe(`${prefix} O'Key`);
  });

  it("updates with If-Match: the current ETag succeeds, a stale one is a conflict", async () => {
    const id = randomUUID();
    const created = await client.create("accounts", { name: `${prefix} Gamma` }, { id, returnRepresentation: true });
    const updated = await client.update("accounts", id, { telephone1: "555-0100" }, { ifMatch: created.etag!, returnRepresentation: true });
    expect(updated.status).toBe(200);
    expect(updated.entity?.telephone1).toBe("555-0100");
    expect(updated.etag).not.toBe(created.etag);

    const stale = await expectError(client.update("accounts", id, { telephone1: "555-0199" }, { ifMatch: created.etag! }));
    expect(stale.status).toBe(412);
    expect(stale.retryClass).toBe("conflict");
    expect((await client.retrieve("accounts", id, { select: ["telephone1"] })).telephone1).toBe("555-0100");
  });

  it("update of a missing record is notFound (update never creates)", async () => {
    const missing = randomUUID();
    const error = await expectError(client.update("accounts", missing, { name: "x" }));
    expect(error.status).toBe(404);
    expect(error.retryClass).toBe("notFound");
    expect(await client.tryRetrieve("accounts", missing)).toBeNull();
  });

  it("upserts by id and by alternate key, with create-only and update-only modes", async () => {
    const id = randomUUID();
    const first = await client.upsert("accounts", id, { name: `${prefix} Delta` }, { returnRepresentation: true });
    expect(first.status).toBe(201);
    expect(first.created).toBe(true);
    const second = await client.upsert("accounts", id, { name: `${prefix} Delta 2` }, { returnRepresentation: true });
    expect(second.status).toBe(200);
    expect(second.created).toBe(false);

    const duplicate = await expectError(client.upsert("accounts", id, { name: "dup" }, { mode: "createOnly" }));
    expect(duplicate.status).toBe(412);
    expect(duplicate.retryClass).toBe("conflict");
    const absent = await expectError(client.upsert("accounts", randomUUID(), { name: "none" }, { mode: "updateOnly" }));
    expect(absent.retryClass).toBe("notFound");

    const accountnumber = `${prefix}-K`;
    await client.upsert("accounts", { accountnumber }, { name: `${prefix} Keyed` });
    await client.upsert("accounts", { accountnumber }, { name: `${prefix} Keyed 2` });
    const rows = await client.queryAll("accounts", { select: ["name"], filter: eq("accountnumber", accountnumber) });
    expect(rows.map((r) => r.name)).toEqual([`${prefix} Keyed 2`]);
  });

  it("deletes, and a second delete is notFound", async () => {
    const id = randomUUID();
    await client.create("accounts", { name: `${prefix} Doomed` }, { id });
    await client.delete("accounts", id);
    expect(await client.tryRetrieve("accounts", id)).toBeNull();
    const again = await expectError(client.delete("accounts", id));
    expect(again.status).toBe(404);
    expect(again.code).toBe("0x80040217");
  });

  it("sets and clears lookups with @odata.bind, including the polymorphic parent customer", async () => {
    const accountId = randomUUID();
    const contactId = randomUUID();
    await client.create("accounts", { name: `${prefix} Parent` }, { id: accountId });
    await client.create("contacts", { firstname: "Ann", lastname: `${prefix}O'Neil`, ...bindParentCustomer("account", accountId) }, { id: contactId });
    await client.update("accounts", accountId, bindLookup("primarycontactid", "contacts", contactId));

    const contact = await client.retrieve("contacts", contactId, {
      select: ["fullname", "_parentcustomerid_value"],
      includeAnnotations: "Microsoft.Dynamics.CRM.lookuplogicalname",
    });
    expect(contact._parentcustomerid_value).toBe(accountId);
    expect(contact["_parentcustomerid_value@Microsoft.Dynamics.CRM.lookuplogicalname"]).toBe("account");
    expect(contact.fullname).toBe(`Ann ${prefix}O'Neil`);
    const account = await client.retrieve("accounts", accountId, {
      select: ["name"],
      expand: [{ navigation: "primarycontactid", select: ["contactid", "fullname"] }],
    });
    expect((account.primarycontactid as { contactid: string }).contactid).toBe(contactId);

    await client.update("accounts", accountId, clearLookup("primarycontactid"));
    const cleared = await client.retrieve("accounts", accountId, { select: ["_primarycontactid_value"] });
    expect(cleared._primarycontactid_value).toBeNull();
  });

  it("surfaces validation errors as invalid with Dataverse's code", async () => {
    const tooLong = await expectError(client.create("accounts", { name: "x".repeat(161) }));
    expect(tooLong.status).toBe(400);
    expect(tooLong.code).toBe("0x80044331");
    expect(tooLong.retryClass).toBe("invalid");
    const unknown = await expectError(client.create("accounts", { Name: "x" }));
    expect(unknown.status).toBe(400);
    expect(unknown.message).toMatch(/Invalid property 'Name'/);
  });

  it("reads attribute metadata (logical name, type, max length)", async () => {
    const attributes = await client.getAttributes("account");
    const name = attributes.find((a) => a.logicalName === "name");
    expect(name?.type).toMatch(/String/);
    expect(name?.maxLength).toBe(160);
    expect(attributes.find((a) => a.logicalName === "accountnumber")?.maxLength).toBe(20);
    expect(attributes.some((a) => a.logicalName === "primarycontactid")).toBe(true);
  });
});
