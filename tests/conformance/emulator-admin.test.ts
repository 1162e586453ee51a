import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator } from "../../emulator/emulator-server.ts";
import { createRecord, emulatorOnlyReason, isRealOrg, openTarget, type ConformanceTarget } from "./conformance-target.ts";

// Emulator-only features of issue 3: admin endpoints, webhooks, the HTML view, persistence and the demo seed.

type Received = { body: Record<string, unknown>; at: number };

let target: ConformanceTarget;
let receiver: Server;
let receiverUrl: string;
const received: Received[] = [];

beforeAll(async () => {
  if (isRealOrg) return;
  target = await openTarget("demo", { consoleUrl: "http://console.test" });
  receiver = createServer((request, response) => {
    let text = "";
    request.on("data", (chunk) => (text += chunk));
    request.on("end", () => {
      received.push({ body: JSON.parse(text), at: Date.now() });
      if (request.url === "/slow") setTimeout(() => response.end("ok"), 5000);
      else response.end("ok");
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await target?.close();
  if (receiver) {
    receiver.closeAllConnections();
    await new Promise((resolve) => receiver.close(resolve));
  }
});

async function waitFor<T>(check: () => T | undefined, timeoutMs = 3000): Promise<T> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    const value = check();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error("condition not met in time");
}

describe.skipIf(isRealOrg)(`admin endpoints (${emulatorOnlyReason})`, () => {
  it("counts requests per method and entity set since the last stats reset", async () => {
    await target.admin("stats/reset", {});
    await target.request("accounts?$top=1");
    await target.request("accounts?$top=1");
    await target.request("contacts?$top=1");
    const stats = await target.admin("stats");
    expect(stats.total).toBe(3);
    expect(stats.byMethod.GET).toBe(3);
    expect(stats.byEntitySet.accounts).toBe(2);
    expect(stats.byEntitySet.contacts).toBe(1);
  });

  it("returns the recent request log since a sequence number", async () => {
    const { lastSeq } = await target.admin("log");
    await target.request("accounts?$select=name&$top=1");
    const { entries } = await target.admin(`log?since=${lastSeq}`);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ method: "GET", status: 200, clientId: "emulator" });
    expect(entries[0].path).toContain("/api/data/v9.2/accounts");
    expect(typeof entries[0].timeMs).toBe("number");
  });

  it("reset restores the chosen seed", async () => {
    await target.admin("reset", { seed: "none" });
    expect((await target.json("accounts?$select=name")).body.value).toEqual([]);
    await target.admin("reset", { seed: "demo" });
    expect((await target.json("accounts?$select=name")).body.value.length).toBeGreaterThan(100);
  });
});

describe.skipIf(isRealOrg)(`webhooks (${emulatorOnlyReason})`, () => {
  it("posts create, update and delete notifications to a registered URL", async () => {
    const hook = await target.admin("webhooks", { url: `${receiverUrl}/hook`, entities: ["account"] });
    expect(hook.id).toBeDefined();
    received.length = 0;
    const id = await createRecord(target, "accounts", { name: "Webhook Ltd" });
    await target.request(`accounts(${id})`, { method: "PATCH", headers: { "If-Match": "*" }, body: { telephone1: "1" } });
    await target.request(`accounts(${id})`, { method: "DELETE" });
    await waitFor(() => (received.length >= 3 ? true : undefined));
    expect(received.map((item) => item.body.MessageName)).toEqual(["Create", "Update", "Delete"]);
    const who = await target.json("WhoAmI");
    expect(received[0].body).toMatchObject({ PrimaryEntityName: "account", PrimaryEntityId: id, InitiatingUserId: who.body.UserId });
    expect(typeof received[0].body.OperationCreatedOn).toBe("string");
    expect((await target.admin("webhooks")).value.map((item: { id: string }) => item.id)).toContain(hook.id);
    expect((await fetch(`${target.emulatorUrl}/_emulator/webhooks/${hook.id}`, { method: "DELETE" })).status).toBe(204);
  });

  it("filters by entity and message", async () => {
    const hook = await target.admin("webhooks", { url: `${receiverUrl}/hook`, entities: ["contact"], messages: ["delete"] });
    received.length = 0;
    const account = await createRecord(target, "accounts", { name: "No Hook Inc." });
    const contact = await createRecord(target, "contacts", { lastname: "Hooked" });
    await target.request(`contacts(${contact})`, { method: "DELETE" });
    await waitFor(() => (received.length >= 1 ? true : undefined));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(received.map((item) => `${item.body.PrimaryEntityName}:${item.body.MessageName}`)).toEqual(["contact:Delete"]);
    await target.request(`accounts(${account})`, { method: "DELETE" });
    await fetch(`${target.emulatorUrl}/_emulator/webhooks/${hook.id}`, { method: "DELETE" });
  });

  it("never blocks the request on a slow receiver", async () => {
    const hook = await target.admin("webhooks", { url: `${receiverUrl}/slow`, entities: ["account"] });
    received.length = 0;
    const id = await createRecord(target, "accounts", { name: "Slow Hook AB" });
    // The create has answered although the receiver holds its response for 5 s.
    expect((await target.json(`accounts(${id})?$select=name`)).body.name).toBe("Slow Hook AB");
    await target.request(`accounts(${id})`, { method: "DELETE" });
    await fetch(`${target.emulatorUrl}/_emulator/webhooks/${hook.id}`, { method: "DELETE" });
  });

  it("rejects an invalid registration with 400", async () => {
    const response = await fetch(`${target.emulatorUrl}/_emulator/webhooks`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ url: "not a url", entities: [] }) });
    expect(response.status).toBe(400);
  });
});

describe.skipIf(isRealOrg)(`HTML view (${emulatorOnlyReason})`, () => {
  it("lists accounts and contacts with Open in ERP links to the console", async () => {
    const response = await fetch(`${target.emulatorUrl}/`);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain("Accounts (");
    expect(html).toContain("Contacts (");
    expect(html).toMatch(/href="http:\/\/console\.test\/dataverse\/open\?entity=account&amp;id=[0-9a-f-]{36}"/);
    expect(html).toMatch(/href="http:\/\/console\.test\/dataverse\/open\?entity=contact&amp;id=[0-9a-f-]{36}"/);
  });

  it("searches by name", async () => {
    const html = await (await fetch(`${target.emulatorUrl}/?q=${encodeURIComponent("Northwind")}&entity=account`)).text();
    expect(html).toContain("Northwind Traders");
    expect(html).not.toContain("Adatum Corporation");
  });

  it("edits fields through the write path: new version, change tracking and webhooks see the change", async () => {
    const { body: found } = await target.json("accounts?$select=name,versionnumber&$filter=name eq 'Northwind Traders'");
    const account = found.value[0];
    const initial = await target.json("accounts?$select=name", { headers: { Prefer: "odata.track-changes" } });
    const hook = await target.admin("webhooks", { url: `${receiverUrl}/hook`, entities: ["account"], messages: ["update"] });
    received.length = 0;
    const form = await (await fetch(`${target.emulatorUrl}/ui/edit?entity=account&id=${account.accountid}`)).text();
    const etag = /name="etag" value="([^"]+)"/.exec(form)?.[1].replace(/&quot;/g, '"') as string;
    const response = await fetch(`${target.emulatorUrl}/ui/edit?entity=account&id=${account.accountid}`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ name: "Northwind Traders", telephone1: "+1 555 0199", address1_city: "Portland", etag }),
      redirect: "manual",
    });
    expect(response.status).toBe(303);
    const { body: after } = await target.json(`accounts(${account.accountid})?$select=telephone1,address1_city,versionnumber`);
    expect(after.telephone1).toBe("+1 555 0199");
    expect(after.address1_city).toBe("Portland");
    expect(after.versionnumber).toBeGreaterThan(account.versionnumber);
    const delta = await target.json(initial.body["@odata.deltaLink"], { headers: { Prefer: "odata.track-changes" } });
    expect(delta.body.value.map((row: { accountid: string }) => row.accountid)).toContain(account.accountid);
    await waitFor(() => received.find((item) => item.body.PrimaryEntityId === account.accountid));
    await fetch(`${target.emulatorUrl}/_emulator/webhooks/${hook.id}`, { method: "DELETE" });
  });

  it("shows the validation error and stores nothing when an edit is invalid", async () => {
    const { body: found } = await target.json("accounts?$select=name,telephone1&$filter=name eq 'Fourth Coffee'");
    const account = found.value[0];
    const response = await fetch(`${target.emulatorUrl}/ui/edit?entity=account&id=${account.accountid}`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ telephone1: "9".repeat(60) }),
      redirect: "manual",
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("exceeded the maximum allowed length");
    expect((await target.json(`accounts(${account.accountid})?$select=telephone1`)).body.telephone1).toBe(account.telephone1);
  });
});

describe.skipIf(isRealOrg)(`demo seed (${emulatorOnlyReason})`, () => {
  it("is deterministic: the same ids and names every time", async () => {
    const other = await startEmulator({ port: 0, dataDir: null, seed: "demo", quiet: true, consoleUrl: "http://console.test" });
    try {
      const tokenFor = async (url: string) =>
        (
          await (
            await fetch(`${url}/t/oauth2/v2.0/token`, {
              method: "POST",
              body: new URLSearchParams({ grant_type: "client_credentials", client_id: "emulator", client_secret: "emulator-secret", scope: `${url}/.default` }),
            })
          ).json()
        ).access_token;
      const otherToken = await tokenFor(other.url);
      const list = async (apiBase: string, token: string) =>
        (await (await fetch(`${apiBase}contacts?$select=fullname,emailaddress1,_parentcustomerid_value`, { headers: { Authorization: `Bearer ${token}` } })).json()).value.map(
          (row: Record<string, unknown>) => `${row.contactid}|${row.fullname}|${row.emailaddress1}|${row._parentcustomerid_value}`,
        );
      await target.admin("reset", { seed: "demo" });
      expect(await list(other.apiBase, otherToken)).toEqual(await list(target.apiBase, await target.token()));
    } finally {
      await other.close();
    }
  });

  it("has ~150 accounts including the 60 shared names, ~250 contacts, users and currencies", async () => {
    await target.admin("reset", { seed: "demo" });
    const overlap: string[] = JSON.parse(readFileSync(new URL("../../emulator/seed/overlap-names.json", import.meta.url), "utf8"));
    const shared: string[] = JSON.parse(readFileSync(new URL("../../prisma/seed-data/overlap-names.json", import.meta.url), "utf8"));
    expect(shared).toEqual(overlap);
    expect(overlap).toHaveLength(60);
    const accounts = (await target.json("accounts?$select=name")).body.value.map((row: { name: string }) => row.name);
    expect(accounts.length).toBe(150);
    for (const name of overlap) expect(accounts).toContain(name);
    const contacts = (await target.json("contacts?$select=fullname,_parentcustomerid_value")).body.value;
    expect(contacts.length).toBeGreaterThanOrEqual(230);
    expect(contacts.every((row: { _parentcustomerid_value: string | null }) => row._parentcustomerid_value !== null)).toBe(true);
    const users = (await target.json("systemusers?$select=fullname,isdisabled,islicensed,applicationid")).body.value;
    expect(users.filter((row: { applicationid: string | null }) => row.applicationid !== null)).toHaveLength(1);
    expect(users.filter((row: { islicensed: boolean; isdisabled: boolean }) => row.islicensed && !row.isdisabled)).toHaveLength(5);
    expect(users.filter((row: { isdisabled: boolean }) => row.isdisabled)).toHaveLength(1);
    const currencies = (await target.json("transactioncurrencies?$select=isocurrencycode,exchangerate")).body.value;
    expect(currencies.map((row: { isocurrencycode: string }) => row.isocurrencycode).sort()).toEqual(["DKK", "EUR", "GBP", "SEK", "USD"]);
    expect(currencies.find((row: { isocurrencycode: string }) => row.isocurrencycode === "USD").exchangerate).toBe(1);
  });
});

describe.skipIf(isRealOrg)(`persistence (${emulatorOnlyReason})`, () => {
  it("survives a restart: data is written atomically to the data directory on close", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "dv-emulator-"));
    try {
      const first = await startEmulator({ port: 0, dataDir, seed: "none", quiet: true });
      const token = (
        await (
          await fetch(`${first.url}/t/oauth2/v2.0/token`, {
            method: "POST",
            body: new URLSearchParams({ grant_type: "client_credentials", client_id: "emulator", client_secret: "emulator-secret", scope: `${first.url}/.default` }),
          })
        ).json()
      ).access_token;
      const created = await fetch(`${first.apiBase}accounts`, { method: "POST", headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" }, body: JSON.stringify({ name: "Persisted GmbH" }) });
      const location = created.headers.get("OData-EntityId") as string;
      await first.close();
      expect(readdirSync(dataDir)).toEqual(["dataverse.json"]);

      const second = await startEmulator({ port: 0, dataDir, seed: "demo", quiet: true });
      try {
        const response = await fetch(location.replace(first.url, second.url), { headers: { Authorization: `Bearer ${token}` } });
        expect(response.status).toBe(200);
        expect((await response.json()).name).toBe("Persisted GmbH");
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
