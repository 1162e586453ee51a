import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isRealOrg, openTarget, standardHeaders, type ConformanceTarget } from "./conformance-target.ts";

// Reference §1 (authentication), §2 (headers), §5 (segment errors), §10.12 (service document, WhoAmI).

let target: ConformanceTarget;

beforeAll(async () => {
  target = await openTarget("none");
});

afterAll(async () => {
  await target.close();
});

describe("authentication", () => {
  it.skipIf(isRealOrg)("issues a client-credentials token as {token_type, expires_in, access_token}", async () => {
    const response = await fetch(`${target.emulatorUrl}/any-tenant/oauth2/v2.0/token`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "client_credentials", client_id: "emulator", client_secret: "emulator-secret", scope: `${target.emulatorUrl}/.default` }),
    });
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.token_type).toBe("Bearer");
    expect(typeof body.expires_in).toBe("number");
    expect(body.access_token.length).toBeGreaterThan(10);
  });

  it.skipIf(isRealOrg)("rejects a wrong client secret with an AAD-style invalid_client error", async () => {
    const response = await fetch(`${target.emulatorUrl}/any-tenant/oauth2/v2.0/token`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "client_credentials", client_id: "emulator", client_secret: "wrong", scope: `${target.emulatorUrl}/.default` }),
    });
    expect(response.status).toBe(401);
    const body = await response.json();
    expect(body.error).toBe("invalid_client");
    expect(body.error_codes).toEqual([7000215]);
  });

  it.skipIf(isRealOrg)("rejects a scope that is not <resource>/.default with invalid_scope", async () => {
    const response = await fetch(`${target.emulatorUrl}/any-tenant/oauth2/v2.0/token`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "client_credentials", client_id: "emulator", client_secret: "emulator-secret", scope: "openid" }),
    });
    expect(response.status).toBe(400);
    expect((await response.json()).error).toBe("invalid_scope");
  });

  it("answers 401 without a bearer token", async () => {
    const response = await fetch(`${target.apiBase}accounts?$top=1`, { headers: standardHeaders });
    expect(response.status).toBe(401);
  });

  it("answers 401 for an invalid bearer token", async () => {
    const response = await fetch(`${target.apiBase}accounts?$top=1`, { headers: { ...standardHeaders, Authorization: "Bearer not-a-real-token" } });
    expect(response.status).toBe(401);
  });
});

describe("headers and service endpoints", () => {
  it("answers JSON with OData-Version 4.0 and odata.metadata=minimal", async () => {
    const response = await target.request("accounts?$select=name&$top=1");
    expect(response.status).toBe(200);
    expect(response.headers.get("OData-Version")).toBe("4.0");
    expect(response.headers.get("Content-Type")).toMatch(/^application\/json; odata\.metadata=minimal/);
  });

  it("treats If-None-Match: null as no condition", async () => {
    const response = await target.request("accounts?$select=name&$top=1", { headers: { "If-None-Match": "null" } });
    expect(response.status).toBe(200);
  });

  it("serves WhoAmI with UserId, BusinessUnitId and OrganizationId", async () => {
    const { status, body } = await target.json("WhoAmI");
    expect(status).toBe(200);
    expect(body["@odata.context"]).toMatch(/\$metadata#Microsoft\.Dynamics\.CRM\.WhoAmIResponse$/);
    for (const key of ["UserId", "BusinessUnitId", "OrganizationId"]) expect(body[key]).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("answers POST WhoAmI with 404 'No HTTP resource was found'", async () => {
    const { status, body } = await target.json("WhoAmI", { method: "POST", body: {} });
    expect(status).toBe(404);
    expect(body.error.message).toMatch(/No HTTP resource was found that matches the request URI/);
  });

  it("serves the service document listing the entity sets", async () => {
    const { status, body } = await target.json("");
    expect(status).toBe(200);
    const names = (body.value as { name: string }[]).map((item) => item.name);
    for (const set of ["accounts", "contacts", "systemusers", "transactioncurrencies"]) expect(names).toContain(set);
  });

  it("treats entity set names as case-sensitive: 'Accounts' is 404 0x8006088a", async () => {
    const { status, body } = await target.json("Accounts?$top=1");
    expect(status).toBe(404);
    expect(body.error.code).toBe("0x8006088a");
    expect(body.error.message).toBe("Resource not found for the segment 'Accounts'.");
  });

  it("the application user of the client exists as a systemuser", async () => {
    const who = await target.json("WhoAmI");
    const { status, body } = await target.json(`systemusers(${who.body.UserId})?$select=fullname,applicationid`);
    expect(status).toBe(200);
    expect(body.systemuserid).toBe(who.body.UserId);
  });
});
