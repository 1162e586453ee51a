import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BatchItem } from "../../../lib/dataverse/batch-builder.ts";
import type { DataverseClient } from "../../../lib/dataverse/dataverse-client.ts";
import { createOperation, deleteOperation, retrieveOperation, upsertOperation } from "../../../lib/dataverse/entity-operations.ts";
import { bindContentId } from "../../../lib/dataverse/odata-bind.ts";
import { startsWith } from "../../../lib/dataverse/odata-query.ts";
import { startTarget, uniquePrefix, type ClientTarget } from "./client-target.ts";

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

describe("$batch", () => {
  it("runs a change set with a Content-ID reference and a GET, one result per operation", async () => {
    const items: BatchItem[] = [
      {
        changeSet: [
          { ...createOperation("accounts", { name: `${prefix} Batch Account` }), contentId: "1" },
          createOperation("contacts", { lastname: `${prefix} Batch`, ...bindContentId("parentcustomerid_account", "1") }),
        ],
      },
      retrieveOperation("accounts", { accountnumber: "does-not-exist" }),
      { method: "GET", url: "WhoAmI" },
    ];
    const results = await client.executeBatch(items);
    expect(results.map((r) => r.status)).toEqual([204, 204, 404, 200]);
    expect(results[0].entityId).toMatch(/^[0-9a-f-]{36}$/);
    expect(results[1].entityId).toMatch(/^[0-9a-f-]{36}$/);
    expect(results[2].error?.retryClass).toBe("notFound");
    expect((results[3].body as { UserId: string }).UserId).toBeTruthy();

    const contact = await client.retrieve("contacts", results[1].entityId!, { select: ["_parentcustomerid_value"] });
    expect(contact._parentcustomerid_value).toBe(results[0].entityId);
  });

  it("continue-on-error reports each failure on its own operation", async () => {
    const existing = randomUUID();
    await client.create("accounts", { name: `${prefix} Existing` }, { id: existing });
    const fresh = randomUUID();
    const results = await client.executeBatch([
      upsertOperation("accounts", existing, { name: "dup" }, { mode: "createOnly" }),
      upsertOperation("accounts", fresh, { name: `${prefix} Fresh` }, { mode: "createOnly" }),
      createOperation("accounts", { name: "x".repeat(200) }),
      deleteOperation("accounts", randomUUID()),
      upsertOperation("accounts", existing, { telephone1: "555-0101" }, { returnRepresentation: true, select: ["telephone1"] }),
    ]);
    expect(results.map((r) => [r.status, r.error?.retryClass ?? null])).toEqual([
      [412, "conflict"],
      [204, null],
      [400, "invalid"],
      [404, "notFound"],
      [200, null],
    ]);
    expect(results[2].error?.code).toBe("0x80044331");
    expect((results[4].body as { telephone1: string }).telephone1).toBe("555-0101");
    expect(results.every((r) => r.executed)).toBe(true);
    expect((await client.retrieve("accounts", fresh, { select: ["name"] })).name).toBe(`${prefix} Fresh`);
  });

  it("a failing change set is rolled back as a whole and reported on each of its operations", async () => {
    const a = randomUUID();
    const results = await client.executeBatch([
      {
        changeSet: [
          createOperation("accounts", { name: `${prefix} Rolled back` }, { id: a }),
          createOperation("accounts", { name: "y".repeat(161) }),
        ],
      },
      createOperation("accounts", { name: `${prefix} After` }),
    ]);
    expect(results[0].error).not.toBeNull();
    expect(results[1].error).not.toBeNull();
    expect(results[0].executed).toBe(false);
    expect(results[2].status).toBe(204);
    expect(await client.tryRetrieve("accounts", a)).toBeNull();
  });

  it("without continue-on-error stops at the first failure and marks the rest not executed", async () => {
    const results = await client.executeBatch(
      [
        createOperation("accounts", { name: `${prefix} Stop 1` }),
        createOperation("accounts", { name: "z".repeat(161) }),
        createOperation("accounts", { name: `${prefix} Stop 3` }),
      ],
      { continueOnError: false, retryFailedOperations: false },
    );
    expect(results[1].status).toBe(400);
    expect(results[1].error?.retryClass).toBe("invalid");
    expect(results[2].executed).toBe(false);
    expect(results[2].error?.code).toBe("BatchNotExecuted");
    expect(await client.queryAll("accounts", { select: ["name"], filter: startsWith("name", `${prefix} Stop 3`) })).toEqual([]);
  });

  it("splits more than 1,000 operations into several batches and keeps the order of results", async () => {
    const before = client.stats.requests;
    const keyed = Array.from({ length: 1_205 }, (_, i) => ({ id: randomUUID(), name: `${prefix} Bulk ${i}` }));
    const results = await client.executeBatch(keyed.map((k) => upsertOperation("accounts", k.id, { name: k.name })));
    expect(results).toHaveLength(1_205);
    expect(results.every((r) => r.status === 204 && r.error === null)).toBe(true);
    expect(results.map((r) => r.entityId)).toEqual(keyed.map((k) => k.id));
    expect(client.stats.requests - before).toBeGreaterThanOrEqual(2);
    const stored = await client.queryAll("accounts", { select: ["name"], filter: startsWith("name", `${prefix} Bulk`) });
    expect(stored).toHaveLength(1_205);
  });
});
