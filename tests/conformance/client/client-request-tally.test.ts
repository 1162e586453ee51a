import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RequestTally } from "../../../lib/dataverse/dataverse-client.ts";
import { realOrg, startTarget, type ClientTarget } from "./client-target.ts";

// Per-scope request counts (a sync job's "Dataverse requests"): one client shared by work running at the same time,
// each piece of work counting only its own requests — retries included, like the client's own stats.

let target: ClientTarget;

beforeAll(async () => {
  target = await startTarget({ latencyMs: 5, jitterMs: 10 });
});

afterAll(async () => {
  await target?.close();
});

async function calls(client: ReturnType<ClientTarget["client"]>, n: number): Promise<void> {
  for (let i = 0; i < n; i += 1) await client.whoAmI();
}

describe("countRequests", () => {
  it("concurrent scopes on one client count their own requests; an enclosing scope counts its inner ones too", async () => {
    const client = target.client();
    await client.whoAmI(); // outside any scope
    const a: RequestTally = { requests: 0 };
    const b: RequestTally = { requests: 0 };
    const inner: RequestTally = { requests: 0 };
    await Promise.all([
      client.countRequests(a, async () => {
        await Promise.all([calls(client, 3), client.countRequests(inner, () => calls(client, 2))]);
      }),
      client.countRequests(b, () => calls(client, 7)),
      calls(client, 4),
    ]);
    expect(inner.requests).toBe(2);
    expect(a.requests).toBe(5);
    expect(b.requests).toBe(7);
    expect(client.stats.requests).toBe(1 + 5 + 7 + 4);
  });

  it("a scope counts only the client it belongs to", async () => {
    const first = target.client();
    const second = target.client();
    const tally: RequestTally = { requests: 0 };
    await first.countRequests(tally, () => Promise.all([calls(first, 2), calls(second, 3)]));
    expect(tally.requests).toBe(2);
  });

  it.skipIf(realOrg !== null)("retries are requests of the scope that made them", async () => {
    const client = target.client({ limits: { backoffBaseMs: 10, backoffMaxMs: 50 } });
    await client.whoAmI();
    await fetch(`${target.emulatorUrl}/_emulator/faults`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ faults: [{ type: "error", status: 503 }, { type: "error", status: 503 }] }),
    });
    const tally: RequestTally = { requests: 0 };
    const before = client.stats.requests;
    await client.countRequests(tally, () => client.whoAmI());
    expect(client.stats.retries).toBe(2);
    expect(tally.requests).toBe(3);
    expect(client.stats.requests - before).toBe(3);
  });
});
