import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DataverseClient } from "../../../lib/dataverse/dataverse-client.ts";
import { isChangeTrackingExpired } from "../../../lib/dataverse/dataverse-error.ts";
import { and, contains, eq, ge, guid, not, or, startsWith } from "../../../lib/dataverse/odata-query.ts";
import { realOrg, startTarget, uniquePrefix, type ClientTarget } from "./client-target.ts";

let target: ClientTarget;
let client: DataverseClient;
const prefix = uniquePrefix();
const ids: string[] = [];

beforeAll(async () => {
  target = await startTarget();
  client = target.client();
  for (let i = 0; i < 25; i += 1) {
    const id = randomUUID();
    ids.push(id);
    await client.create("accounts", { name: `${prefix} Row ${String(i).padStart(2, "0")}`, accountnumber: `${prefix.slice(0, 10)}${i}` }, { id });
  }
});

afterAll(async () => {
  await target?.close();
});

describe("queries and paging", () => {
  it("iterates pages through @odata.nextLink with odata.maxpagesize", async () => {
    const pages = [];
    for await (const page of client.queryPages("accounts", { select: ["name"], filter: startsWith("name", `${prefix} Row`) }, { pageSize: 10 })) {
      pages.push(page);
    }
    expect(pages.map((p) => p.value.length)).toEqual([10, 10, 5]);
    expect(pages[2].nextLink).toBeNull();
    const seen = pages.flatMap((p) => p.value.map((r) => r.accountid as string));
    expect(new Set(seen)).toEqual(new Set(ids));
  });

  it("orders, limits and counts", async () => {
    const rows = await client.queryAll("accounts", {
      select: ["name"],
      filter: startsWith("name", `${prefix} Row`),
      orderBy: [{ path: "name", descending: true }],
      top: 3,
    });
    expect(rows.map((r) => r.name)).toEqual([`${prefix} Row 24`, `${prefix} Row 23`, `${prefix} Row 22`]);
    const [page] = await collect(client.queryPages("accounts", { select: ["name"], filter: startsWith("name", `${prefix} Row`), count: true, top: 1 }));
    expect(page.count).toBe(25);
    expect(await client.count("accounts")).toBeGreaterThanOrEqual(25);
  });

  it("filters with GUIDs, dates, and/or/not, case-insensitively", async () => {
    const byId = await client.queryAll("accounts", { select: ["name"], filter: or(eq("accountid", guid(ids[3])), eq("accountid", guid(ids[4]))) });
    expect(byId.map((r) => r.accountid).sort()).toEqual([ids[3], ids[4]].sort());
    const recent = await client.queryAll("accounts", {
      select: ["name"],
      filter: and(startsWith("name", `${prefix.toLowerCase()} row`), ge("createdon", new Date(Date.now() - 3_600_000)), not(eq("name", `${prefix} Row 00`))),
    });
    expect(recent).toHaveLength(24);
  });

  it("user values cannot change a filter's meaning", async () => {
    const injections = [`' or name ne '`, `x') or (name ne 'x`, `${prefix} Row 01' or '1' eq '1`];
    for (const value of injections) {
      expect(await client.queryAll("accounts", { select: ["name"], filter: eq("name", value) })).toEqual([]);
      expect(await client.queryAll("accounts", { select: ["name"], filter: contains("name", value) })).toEqual([]);
    }
    const quoted = randomUUID();
    await client.create("accounts", { name: `${prefix} O'Brien & Sons #1 + 100%` }, { id: quoted });
    const exact = await client.queryAll("accounts", { select: ["name"], filter: eq("name", `${prefix} O'Brien & Sons #1 + 100%`) });
    expect(exact.map((r) => r.accountid)).toEqual([quoted]);
  });
});

describe("change tracking", () => {
  it("initial read gives every row and a deltaLink; the next read gives upserts and $deletedEntity removals", async () => {
    const initial = await collect(client.changes("accounts", { select: ["name"], pageSize: 10 }));
    const initialIds = initial.flatMap((p) => p.upserts.map((r) => r.accountid));
    expect(initialIds).toEqual(expect.arrayContaining(ids));
    const deltaLink = initial.at(-1)!.deltaLink;
    expect(deltaLink).toBeTruthy();
    expect(initial.slice(0, -1).every((p) => p.deltaLink === null)).toBe(true);

    const added = randomUUID();
    await client.create("accounts", { name: `${prefix} Added` }, { id: added });
    await client.update("accounts", ids[0], { name: `${prefix} Row 00 changed` });
    await client.delete("accounts", ids[1]);

    const delta = await collect(client.changes("accounts", { deltaLink }));
    const upserts = delta.flatMap((p) => p.upserts);
    const deletes = delta.flatMap((p) => p.deletes);
    expect(upserts.map((r) => r.accountid).sort()).toEqual([added, ids[0]].sort());
    expect(upserts.find((r) => r.accountid === ids[0])?.name).toBe(`${prefix} Row 00 changed`);
    expect(deletes).toEqual([{ id: ids[1], reason: "deleted" }]);
    const nextLink = delta.at(-1)!.deltaLink;
    expect(nextLink).toBeTruthy();

    const quiet = await collect(client.changes("accounts", { deltaLink: nextLink }));
    expect(quiet.flatMap((p) => [...p.upserts, ...p.deletes])).toEqual([]);
    expect(quiet.at(-1)!.deltaLink).toBeTruthy();
  });

  it.skipIf(realOrg !== null)("an expired delta token is a typed error the engine can catch", async () => {
    const shortLived = await startTarget({ deltaTokenMaxAgeSeconds: 1 });
    try {
      const c = shortLived.client();
      await c.create("accounts", { name: "expiring" });
      const initial = await collect(c.changes("accounts", { select: ["name"] }));
      const deltaLink = initial.at(-1)!.deltaLink;
      await new Promise((resolve) => setTimeout(resolve, 2100));
      const error = await collect(c.changes("accounts", { deltaLink })).then(
        () => null,
        (e: unknown) => e,
      );
      expect(isChangeTrackingExpired(error)).toBe(true);
    } finally {
      await shortLived.close();
    }
  });
});

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}
