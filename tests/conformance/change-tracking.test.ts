import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Cleanup, emulatorOnlyReason, isRealOrg, openTarget, uniqueName, type ConformanceTarget } from "./conformance-target.ts";

// Reference §6: change tracking with delta links, $deletedEntity entries, unsupported options, expiry.

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

type DeltaRow = { accountid?: string; id?: string; reason?: string; name?: string; "@odata.context"?: string };

async function follow(url: string, pageSize?: number): Promise<{ rows: DeltaRow[]; deltaLink: string; pages: number; applied: string | null }> {
  const rows: DeltaRow[] = [];
  let next: string | undefined = url;
  let pages = 0;
  let applied: string | null = null;
  const prefer = pageSize ? `odata.track-changes,odata.maxpagesize=${pageSize}` : "odata.track-changes";
  while (true) {
    const { status, body, headers }: { status: number; body: Record<string, any>; headers: Headers } = await target.json(next as string, { headers: { Prefer: prefer } });
    expect(status).toBe(200);
    applied ??= headers.get("Preference-Applied");
    pages += 1;
    rows.push(...body.value);
    if (body["@odata.nextLink"]) {
      next = body["@odata.nextLink"];
      continue;
    }
    expect(body["@odata.deltaLink"]).toBeDefined();
    return { rows, deltaLink: body["@odata.deltaLink"], pages, applied };
  }
}

describe("change tracking", () => {
  it("the initial request returns all rows, Preference-Applied: odata.track-changes and a deltaLink", async () => {
    const id = await cleanup.create("accounts", { name: uniqueName("ct-initial") });
    const initial = await follow("accounts?$select=name");
    expect(initial.applied).toMatch(/odata\.track-changes/);
    expect(initial.rows.some((row) => row.accountid === id)).toBe(true);
    expect(initial.deltaLink).toMatch(/\$deltatoken=/);
  });

  it("the delta returns changed rows first, then $deletedEntity entries with reason 'deleted'", async () => {
    const changed = await cleanup.create("accounts", { name: uniqueName("ct-changed") });
    const removed = await cleanup.create("accounts", { name: uniqueName("ct-removed") });
    const { deltaLink } = await follow("accounts?$select=name");
    await target.request(`accounts(${changed})`, { method: "PATCH", headers: { "If-Match": "*" }, body: { telephone1: "1" } });
    const created = await cleanup.create("accounts", { name: uniqueName("ct-created") });
    await target.request(`accounts(${removed})`, { method: "DELETE" });
    const { status, body } = await target.json(deltaLink, { headers: { Prefer: "odata.track-changes" } });
    expect(status).toBe(200);
    expect(body["@odata.context"]).toMatch(/\$delta$/);
    expect(body["@odata.deltaLink"]).toBeDefined();
    const rows = body.value as DeltaRow[];
    const upserts = rows.filter((row) => !row.reason).map((row) => row.accountid);
    expect(upserts).toContain(changed);
    expect(upserts).toContain(created);
    const deletion = rows.find((row) => row.id === removed);
    expect(deletion?.reason).toBe("deleted");
    expect(deletion?.["@odata.context"]).toMatch(/#accounts\/\$deletedEntity$/);
    const firstDeletion = rows.findIndex((row) => row.reason === "deleted");
    expect(rows.slice(firstDeletion).every((row) => row.reason === "deleted")).toBe(true);
  });

  it("a record created and deleted between two syncs shows up as a deletion", async () => {
    const { deltaLink } = await follow("accounts?$select=name");
    const id = await cleanup.create("accounts", { name: uniqueName("ct-ephemeral") });
    await target.request(`accounts(${id})`, { method: "DELETE" });
    const { body } = await target.json(deltaLink, { headers: { Prefer: "odata.track-changes" } });
    const entries = (body.value as DeltaRow[]).filter((row) => row.accountid === id || row.id === id);
    expect(entries).toEqual([expect.objectContaining({ id, reason: "deleted" })]);
  });

  it.skipIf(isRealOrg)("an unchanged table gives an empty value array and a fresh deltaLink", async () => {
    const { deltaLink } = await follow("transactioncurrencies?$select=currencyname");
    const { body } = await target.json(deltaLink, { headers: { Prefer: "odata.track-changes" } });
    expect(body.value).toEqual([]);
    expect(body["@odata.deltaLink"]).toMatch(/\$deltatoken=/);
  });

  it("pages the initial sync with odata.maxpagesize; the last page carries the deltaLink", async () => {
    for (let index = 0; index < 5; index += 1) await cleanup.create("contacts", { lastname: uniqueName(`ct-page-${index}`) });
    const result = await follow("contacts?$select=lastname", 2);
    expect(result.pages).toBeGreaterThanOrEqual(3);
    const ids = result.rows.map((row) => (row as { contactid?: string }).contactid);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("rejects $filter, $orderby, $top and $expand with change tracking with the documented message", async () => {
    for (const [option, query] of [
      ["$filter", "$filter=name eq 'x'"],
      ["$orderby", "$orderby=name"],
      ["$top", "$top=1"],
      ["$expand", "$expand=primarycontactid"],
    ]) {
      const { status, body } = await target.json(`accounts?$select=name&${query}`, { headers: { Prefer: "odata.track-changes" } });
      expect(status, option).toBe(400);
      expect(body.error.message).toBe(`The "${option}" query parameter isn't supported when Change Tracking is enabled.`);
    }
  });

  it("counts changes with /$count?$deltatoken=", async () => {
    const { deltaLink } = await follow("accounts?$select=name");
    await cleanup.create("accounts", { name: uniqueName("ct-count-1") });
    await cleanup.create("accounts", { name: uniqueName("ct-count-2") });
    const token = new URL(deltaLink).searchParams.get("$deltatoken") as string;
    const response = await target.request(`accounts/$count?$deltatoken=${encodeURIComponent(token)}`);
    expect(Number((await response.text()).replace(/^\uFEFF/, ""))).toBeGreaterThanOrEqual(2);
  });

  it.skipIf(isRealOrg)(`an expired token gives ExpiredVersionStamp 0x80044352 (${emulatorOnlyReason})`, async () => {
    const { deltaLink } = await follow("accounts?$select=name");
    await target.admin("config", { deltaTokenMaxAgeSeconds: 0 });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    try {
      const { status, body } = await target.json(deltaLink, { headers: { Prefer: "odata.track-changes" } });
      expect(status).toBe(400);
      expect(body.error.code).toBe("0x80044352");
      expect(body.error.message).toBe("Version stamp associated with the client has expired. Please perform a full sync.");
    } finally {
      await target.admin("config", { deltaTokenMaxAgeSeconds: 7 * 86400 });
    }
  });
});
