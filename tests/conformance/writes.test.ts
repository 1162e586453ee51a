import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Cleanup, idFromEntityId, openTarget, uniqueName, type ConformanceTarget } from "./conformance-target.ts";

// Reference §4.1, §4.2, §4.4 and §10: create, retrieve, update, upsert, delete, concurrency.

let target: ConformanceTarget;
let cleanup: Cleanup;

beforeAll(async () => {
  target = await openTarget("none");
  cleanup = new Cleanup(target);
});

afterAll(async () => {
  await cleanup.run();
  await target.close();
});

const guidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe("create", () => {
  it("answers 204 with OData-EntityId pointing at the new record", async () => {
    const response = await target.request("accounts", { method: "POST", body: { name: uniqueName("create"), telephone1: "555-0100" } });
    expect(response.status).toBe(204);
    const id = cleanup.add("accounts", idFromEntityId(response.headers.get("OData-EntityId")));
    expect(response.headers.get("OData-EntityId")).toBe(`${target.apiBase}accounts(${id})`);
    expect(id).toMatch(guidPattern);
  });

  it("answers 201 with the record when Prefer: return=representation, honouring $select", async () => {
    const name = uniqueName("repr");
    const response = await target.request("accounts?$select=name,createdon", { method: "POST", body: { name }, headers: { Prefer: "return=representation" } });
    expect(response.status).toBe(201);
    expect(response.headers.get("Preference-Applied")).toBe("return=representation");
    const body = await response.json();
    cleanup.add("accounts", body.accountid);
    expect(body["@odata.context"]).toMatch(/#accounts\(name,createdon\)\/\$entity$/);
    expect(body["@odata.etag"]).toMatch(/^W\/"\d+"$/);
    expect(body.name).toBe(name);
    expect(body.accountid).toMatch(guidPattern);
  });

  it("accepts a client-chosen primary key on create", async () => {
    const id = randomUUID();
    const response = await target.request("accounts", { method: "POST", body: { accountid: id, name: uniqueName("chosen") } });
    expect(response.status).toBe(204);
    cleanup.add("accounts", id);
    expect(idFromEntityId(response.headers.get("OData-EntityId"))).toBe(id);
  });

  it("rejects a create with a primary key that already exists with 412", async () => {
    const id = await cleanup.create("accounts", { name: uniqueName("dup") });
    const response = await target.request("accounts", { method: "POST", body: { accountid: id, name: "again" } });
    expect(response.status).toBe(412);
  });

  it("sets system columns: statecode 0, statuscode 1, versionnumber, createdon = modifiedon, owner = caller", async () => {
    const id = await cleanup.create("accounts", { name: uniqueName("system") });
    const who = await target.json("WhoAmI");
    const { body } = await target.json(`accounts(${id})?$select=statecode,statuscode,versionnumber,createdon,modifiedon,_ownerid_value,_createdby_value,_modifiedby_value`);
    expect(body.statecode).toBe(0);
    expect(body.statuscode).toBe(1);
    expect(typeof body.versionnumber).toBe("number");
    expect(body.createdon).toBe(body.modifiedon);
    expect(body._ownerid_value).toBe(who.body.UserId);
    expect(body._modifiedby_value).toBe(who.body.UserId);
  });

  it("computes contact fullname from first and last name", async () => {
    const id = await cleanup.create("contacts", { firstname: "Grace", lastname: uniqueName("hopper") });
    const { body } = await target.json(`contacts(${id})?$select=fullname,lastname`);
    expect(body.fullname).toBe(`Grace ${body.lastname}`);
  });
});

describe("retrieve", () => {
  it("answers 404 0x80040217 'Does Not Exist' for a missing record", async () => {
    const id = randomUUID();
    const { status, body } = await target.json(`accounts(${id})`);
    expect(status).toBe(404);
    expect(body.error.code).toBe("0x80040217");
    expect(body.error.message).toMatch(/Does Not Exist/);
    expect(body.error.message).toContain(id);
  });

  it("adds @Microsoft.PowerApps.CDS error details when annotations are requested", async () => {
    const { body } = await target.json(`accounts(${randomUUID()})`, { headers: { Prefer: 'odata.include-annotations="*"' } });
    expect(body.error["@Microsoft.PowerApps.CDS.ErrorDetails.ApiExceptionMessageName"]).toBe("ObjectDoesNotExist");
    expect(body.error["@Microsoft.PowerApps.CDS.ErrorDetails.ApiExceptionHttpStatusCode"]).toBe("404");
  });

  it("reads a single property as {value}", async () => {
    const name = uniqueName("prop");
    const id = await cleanup.create("accounts", { name });
    const { status, body } = await target.json(`accounts(${id})/name`);
    expect(status).toBe(200);
    expect(body.value).toBe(name);
  });

  it("answers a conditional GET with a matching ETag with 304", async () => {
    const id = await cleanup.create("accounts", { name: uniqueName("cond") });
    const first = await target.request(`accounts(${id})?$select=name`);
    const etag = (await first.json())["@odata.etag"];
    const second = await target.request(`accounts(${id})?$select=name`, { headers: { "If-None-Match": etag } });
    expect(second.status).toBe(304);
  });
});

describe("update, upsert, delete", () => {
  it("updates with PATCH: 204, a new ETag and a higher versionnumber", async () => {
    const id = await cleanup.create("accounts", { name: uniqueName("upd") });
    const before = (await target.json(`accounts(${id})?$select=versionnumber`)).body;
    const response = await target.request(`accounts(${id})`, { method: "PATCH", headers: { "If-Match": "*" }, body: { telephone1: "555-0199" } });
    expect(response.status).toBe(204);
    const after = (await target.json(`accounts(${id})?$select=versionnumber,telephone1`)).body;
    expect(after.telephone1).toBe("555-0199");
    expect(after.versionnumber).toBeGreaterThan(before.versionnumber);
    expect(after["@odata.etag"]).not.toBe(before["@odata.etag"]);
  });

  it("answers 200 with the record on PATCH with return=representation", async () => {
    const id = await cleanup.create("accounts", { name: uniqueName("upd-repr") });
    const response = await target.request(`accounts(${id})?$select=name`, { method: "PATCH", headers: { "If-Match": "*", Prefer: "return=representation" }, body: { name: "Renamed" } });
    expect(response.status).toBe(200);
    expect((await response.json()).name).toBe("Renamed");
  });

  it("update-only (If-Match: *) on a missing record is 404", async () => {
    const response = await target.request(`accounts(${randomUUID()})`, { method: "PATCH", headers: { "If-Match": "*" }, body: { name: "nope" } });
    expect(response.status).toBe(404);
  });

  it("PATCH without If-Match upserts: creates the record with that id (204 + OData-EntityId)", async () => {
    const id = randomUUID();
    const response = await target.request(`accounts(${id})`, { method: "PATCH", body: { name: uniqueName("upsert") } });
    expect(response.status).toBe(204);
    cleanup.add("accounts", id);
    expect(response.headers.get("OData-EntityId")).toBe(`${target.apiBase}accounts(${id})`);
    expect((await target.json(`accounts(${id})?$select=name`)).status).toBe(200);
  });

  it("upsert with return=representation answers 201 when created and 200 when updated", async () => {
    const id = randomUUID();
    const created = await target.request(`accounts(${id})?$select=name`, { method: "PATCH", headers: { Prefer: "return=representation" }, body: { name: uniqueName("upsert-repr") } });
    cleanup.add("accounts", id);
    expect(created.status).toBe(201);
    const updated = await target.request(`accounts(${id})?$select=name`, { method: "PATCH", headers: { Prefer: "return=representation" }, body: { name: "Updated" } });
    expect(updated.status).toBe(200);
    expect(updated.headers.get("ETag")).toMatch(/^W\/"\d+"$/);
  });

  it("create-only (If-None-Match: *) is 412 'A record with matching key values already exists.' when the record exists", async () => {
    const id = await cleanup.create("accounts", { name: uniqueName("create-only") });
    const { status, body } = await target.json(`accounts(${id})`, { method: "PATCH", headers: { "If-None-Match": "*" }, body: { name: "x" } });
    expect(status).toBe(412);
    expect(body.error.message).toBe("A record with matching key values already exists.");
  });

  it("create-only (If-None-Match: *) creates a missing record", async () => {
    const id = randomUUID();
    const response = await target.request(`accounts(${id})`, { method: "PATCH", headers: { "If-None-Match": "*" }, body: { name: uniqueName("create-only-new") } });
    cleanup.add("accounts", id);
    expect(response.status).toBe(204);
  });

  it("a stale If-Match ETag is 412 ConcurrencyVersionMismatch and changes nothing", async () => {
    const id = await cleanup.create("accounts", { name: uniqueName("stale") });
    const etag = (await target.json(`accounts(${id})?$select=name`)).body["@odata.etag"];
    await target.request(`accounts(${id})`, { method: "PATCH", headers: { "If-Match": "*" }, body: { telephone1: "1" } });
    const { status, body } = await target.json(`accounts(${id})`, { method: "PATCH", headers: { "If-Match": etag }, body: { telephone1: "2" } });
    expect(status).toBe(412);
    expect(["0x80060882", ""]).toContain(body.error.code);
    expect(body.error.message).toBe("The version of the existing record doesn't match the RowVersion property provided.");
    expect((await target.json(`accounts(${id})?$select=telephone1`)).body.telephone1).toBe("1");
  });

  it("a current If-Match ETag updates", async () => {
    const id = await cleanup.create("accounts", { name: uniqueName("fresh") });
    const etag = (await target.json(`accounts(${id})?$select=name`)).body["@odata.etag"];
    const response = await target.request(`accounts(${id})`, { method: "PATCH", headers: { "If-Match": etag }, body: { telephone1: "3" } });
    expect(response.status).toBe(204);
  });

  it("DELETE answers 204, then 404; a stale If-Match on DELETE is 412", async () => {
    const id = await cleanup.create("accounts", { name: uniqueName("del") });
    const etag = (await target.json(`accounts(${id})?$select=name`)).body["@odata.etag"];
    await target.request(`accounts(${id})`, { method: "PATCH", headers: { "If-Match": "*" }, body: { telephone1: "x" } });
    expect((await target.request(`accounts(${id})`, { method: "DELETE", headers: { "If-Match": etag } })).status).toBe(412);
    expect((await target.request(`accounts(${id})`, { method: "DELETE" })).status).toBe(204);
    expect((await target.request(`accounts(${id})`, { method: "DELETE" })).status).toBe(404);
  });

  it("PUT on a single property sets it; DELETE on a single property clears it", async () => {
    const id = await cleanup.create("accounts", { name: uniqueName("single"), description: "old" });
    expect((await target.request(`accounts(${id})/telephone1`, { method: "PUT", body: { value: "555-0142" } })).status).toBe(204);
    expect((await target.request(`accounts(${id})/description`, { method: "DELETE" })).status).toBe(204);
    const { body } = await target.json(`accounts(${id})?$select=telephone1,description`);
    expect(body.telephone1).toBe("555-0142");
    expect(body.description).toBeNull();
  });

  it("PATCH or DELETE on a collection is 405", async () => {
    expect((await target.request("accounts", { method: "PATCH", body: { name: "x" } })).status).toBe(405);
    expect((await target.request("accounts", { method: "DELETE" })).status).toBe(405);
  });

  it("re-sending unchanged values still counts as an update (new version)", async () => {
    const name = uniqueName("same");
    const id = await cleanup.create("accounts", { name });
    const before = (await target.json(`accounts(${id})?$select=versionnumber`)).body.versionnumber;
    await target.request(`accounts(${id})`, { method: "PATCH", headers: { "If-Match": "*" }, body: { name } });
    expect((await target.json(`accounts(${id})?$select=versionnumber`)).body.versionnumber).toBeGreaterThan(before);
  });

  it("setting statecode to 1 deactivates the record and sets statuscode 2", async () => {
    const id = await cleanup.create("accounts", { name: uniqueName("state") });
    await target.request(`accounts(${id})`, { method: "PATCH", headers: { "If-Match": "*" }, body: { statecode: 1, statuscode: 2 } });
    const { body } = await target.json(`accounts(${id})?$select=statecode,statuscode`);
    expect(body.statecode).toBe(1);
    expect(body.statuscode).toBe(2);
  });
});
