import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Cleanup, openTarget, uniqueName, type ConformanceTarget } from "./conformance-target.ts";

// Reference §5 and §10.3–10.5: errors for bad properties, lengths, payloads; bad input never yields a 500 or a hang.

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

async function accountCount(name: string): Promise<number> {
  const response = await target.request(`accounts/$count?$filter=name eq '${name}'`);
  return Number((await response.text()).replace(/^\uFEFF/, ""));
}

describe("validation errors", () => {
  it("rejects an unknown (or wrongly cased) body property with 'Invalid property ... was found in entity'", async () => {
    const { status, body } = await target.json("accounts", { method: "POST", body: { Name: "x" } });
    expect(status).toBe(400);
    expect(body.error.message).toMatch(/Invalid property 'Name' was found in entity 'Microsoft\.Dynamics\.CRM\.account'/);
  });

  it("rejects an over-length string with 0x80044331 and the maximum length", async () => {
    const name = uniqueName("long");
    const { status, body } = await target.json("accounts", { method: "POST", body: { name, accountnumber: "X".repeat(21) } });
    expect(status).toBe(400);
    expect(body.error.code).toBe("0x80044331");
    expect(body.error.message).toBe("A validation error occurred.  The length of the 'accountnumber' attribute of the 'account' entity exceeded the maximum allowed length of '20'.");
    expect(await accountCount(name)).toBe(0);
  });

  it("accepts a string of exactly the maximum length", async () => {
    const id = await cleanup.create("accounts", { name: `${uniqueName("max")}`.padEnd(160, "x") });
    expect((await target.json(`accounts(${id})?$select=name`)).body.name.length).toBe(160);
  });

  it("rejects malformed JSON with 400 0x80048d19", async () => {
    const { status, body } = await target.json("accounts", { method: "POST", body: '{"name": "x",', raw: true });
    expect(status).toBe(400);
    expect(body.error.code).toBe("0x80048d19");
  });

  it("rejects a value of the wrong type with 400", async () => {
    expect((await target.json("accounts", { method: "POST", body: { name: 42 } })).status).toBe(400);
    expect((await target.json("accounts", { method: "POST", body: { name: "x", revenue: "lots" } })).status).toBe(400);
  });

  it("leaves nothing behind when a request fails (no half-writes)", async () => {
    const name = uniqueName("half");
    const response = await target.request("accounts", { method: "POST", body: { name, primarycontactid: { lastname: "child" }, telephone1: "x".repeat(51) } });
    expect(response.status).toBe(400);
    expect(await accountCount(name)).toBe(0);
    const contacts = await target.request("contacts/$count?$filter=lastname eq 'child'");
    expect(Number((await contacts.text()).replace(/^\uFEFF/, ""))).toBe(0);
  });

  it("answers 404 0x8006088a for an unknown entity set", async () => {
    const { status, body } = await target.json("widgets", { method: "POST", body: { name: "x" } });
    expect(status).toBe(404);
    expect(body.error.code).toBe("0x8006088a");
  });
});

describe("bad input never causes a 500 or a hang", () => {
  it("random $filter text gets 200 or 400", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 40 }), async (filter) => {
        const response = await target.request(`accounts?$select=name&$top=1&$filter=${encodeURIComponent(filter)}`);
        await response.arrayBuffer();
        return response.status === 200 || response.status === 400;
      }),
      { numRuns: 150 },
    );
  });

  it("random JSON bodies get a 2xx or a 4xx", async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 2 }), async (value) => {
        const response = await target.request("contacts", { method: "POST", body: value });
        const text = await response.text();
        if (response.status === 204) {
          const id = /\(([0-9a-f-]{36})\)$/.exec(response.headers.get("OData-EntityId") ?? "")?.[1];
          if (id) cleanup.add("contacts", id);
        }
        return response.status < 500 && (response.status < 300 || text.includes('"error"'));
      }),
      { numRuns: 100 },
    );
  });

  it("random paths and keys get a 4xx", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 30 }), async (key) => {
        const response = await target.request(`accounts(${encodeURIComponent(key)})`);
        await response.arrayBuffer();
        return response.status === 400 || response.status === 404;
      }),
      { numRuns: 100 },
    );
  });
});
