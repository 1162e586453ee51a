import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BatchOperationResult } from "../../../lib/dataverse/batch-executor.ts";
import type { DataverseClient } from "../../../lib/dataverse/dataverse-client.ts";
import { DataverseError } from "../../../lib/dataverse/dataverse-error.ts";
import type { FetchLike } from "../../../lib/dataverse/http-core.ts";
import { upsertOperation } from "../../../lib/dataverse/entity-operations.ts";
import { startsWith } from "../../../lib/dataverse/odata-query.ts";
import { getEmulatorJson, realOrg, setEmulatorConfig, startTarget, uniquePrefix, type ClientTarget } from "./client-target.ts";

// The resilience test: with 30 % throttling and 5 % injected faults every operation eventually succeeds,
// nothing is sent before its Retry-After (checked on the emulator's request log), and batches report per-operation
// results. Emulator-only: a real org cannot be told to throttle.

type LogEntry = {
  seq: number;
  timeMs: number;
  method: string;
  path: string;
  status: number;
  clientId: string | null;
  retryAfter?: number;
  duringPenalty?: boolean;
  dropped?: boolean;
};

// What the client put on the wire, seen through its fetch: when each request left and when its answer came back.
type WireEvent = { sentAt: number; answeredAt: number; status: number; retryAfter: number | null };

function recordingFetch(events: WireEvent[]): FetchLike {
  return async (url, init) => {
    const sentAt = Date.now();
    try {
      const response = await fetch(url, init);
      const retryAfter = response.headers.get("retry-after");
      events.push({ sentAt, answeredAt: Date.now(), status: response.status, retryAfter: retryAfter === null ? null : Number(retryAfter) });
      return response;
    } catch (error) {
      events.push({ sentAt, answeredAt: Date.now(), status: 0, retryAfter: null });
      throw error;
    }
  };
}

const faults = {
  failRate: 0.04,
  dropRate: 0.01,
  throttle: { requestsPerWindow: 1_000_000, windowSeconds: 300, maxConcurrent: 52, throttleRate: 0.3 },
};

let target: ClientTarget;

beforeAll(async () => {
  target = await startTarget();
});

afterAll(async () => {
  await target?.close();
});

// Random faults might by chance not hit a short run; these make sure each kind happens at least once.
async function forceFaults(): Promise<void> {
  const response = await fetch(`${target.emulatorUrl}/_emulator/faults`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ faults: [{ type: "throttle", retryAfter: 1 }, { type: "error", status: 503 }, { type: "drop" }] }),
  });
  expect(response.ok).toBe(true);
}

async function webApiLog(sinceSeq: number): Promise<LogEntry[]> {
  const log = (await getEmulatorJson(target.emulatorUrl!, `/_emulator/log?since=${sinceSeq}`)) as { entries: LogEntry[] };
  return log.entries.filter((e) => e.path.startsWith("/api/data/"));
}

async function lastSeq(): Promise<number> {
  return ((await getEmulatorJson(target.emulatorUrl!, "/_emulator/log?since=999999999999")) as { lastSeq: number }).lastSeq;
}

// Once fetch has handed back a 429, nothing may leave before answeredAt + Retry-After. A request whose send was
// already under way in the same instant (other callers' code runs between fetch resolving here and the client seeing
// the answer) is in flight, not early: allow a few milliseconds for that, never more.
const inFlightMs = 5;

function assertNoEarlySends(events: WireEvent[]): void {
  for (const throttle of events.filter((e) => e.status === 429)) {
    const until = throttle.answeredAt + (throttle.retryAfter ?? 0) * 1000;
    const early = events.filter((e) => e.sentAt > throttle.answeredAt + inFlightMs && e.sentAt < until);
    expect(early, `requests sent within the Retry-After of a 429 answered at ${throttle.answeredAt}`).toEqual([]);
  }
}

describe.skipIf(realOrg !== null)("resilience under throttling and faults", () => {
  // Each 429 pauses the whole client for 1–2 s (the emulator's Retry-After), so these tests take tens of seconds.
  const timeout = 240_000;

  it("one wire slot, many concurrent callers: after every 429 the next request arrives only after Retry-After", { timeout }, async () => {
    const events: WireEvent[] = [];
    const client = target.client({ fetch: recordingFetch(events), limits: { maxConcurrentRequests: 1, backoffBaseMs: 20, maxRetries: 10, maxThrottleRetries: 60 } });
    const prefix = uniquePrefix();
    const ids = Array.from({ length: 8 }, () => randomUUID());
    await client.whoAmI(); // token fetched before faults start
    const startSeq = await lastSeq();
    await setEmulatorConfig(target.emulatorUrl!, faults);
    await forceFaults();
    try {
      await Promise.all(ids.map((id, i) => client.upsert("accounts", id, { name: `${prefix} Solo ${i}` })));
      const rows = await Promise.all(ids.map((id) => client.retrieve("accounts", id, { select: ["name"] })));
      expect(rows.map((r) => r.name)).toEqual(ids.map((_, i) => `${prefix} Solo ${i}`));
    } finally {
      await setEmulatorConfig(target.emulatorUrl!, { failRate: 0, dropRate: 0, throttle: "off" });
    }

    const log = (await webApiLog(startSeq)).filter((e) => e.clientId !== null);
    const throttles = log.filter((e) => e.status === 429);
    expect(throttles.length).toBeGreaterThan(0);
    expect(log.filter((e) => e.duringPenalty)).toEqual([]);
    for (const throttle of throttles) {
      const next = log.find((e) => e.seq > throttle.seq);
      if (!next) continue;
      expect(next.timeMs - throttle.timeMs, `request ${next.seq} after 429 ${throttle.seq}`).toBeGreaterThanOrEqual(throttle.retryAfter! * 1000);
    }
    assertNoEarlySends(events);
    expect(client.stats.throttled).toBe(throttles.length);
  });

  it("16 wire slots: every operation eventually succeeds, no sends during Retry-After, batches report per-operation results", { timeout }, async () => {
    const events: WireEvent[] = [];
    const client = target.client({ fetch: recordingFetch(events), limits: { maxConcurrentRequests: 16, backoffBaseMs: 20, maxRetries: 10, maxThrottleRetries: 60 } });
    const prefix = uniquePrefix();
    const singles = Array.from({ length: 12 }, (_, i) => ({ id: randomUUID(), name: `${prefix} Single ${i}` }));
    const batched = Array.from({ length: 30 }, (_, i) => ({ id: randomUUID(), name: `${prefix} Batched ${i}` }));
    const existing = randomUUID();
    await client.create("accounts", { name: `${prefix} Existing` }, { id: existing });
    const startSeq = await lastSeq();
    const requestsBefore = client.stats.requests;
    await setEmulatorConfig(target.emulatorUrl!, faults);
    await forceFaults();
    let batchResults: BatchOperationResult[];
    try {
      const singleWrites = Promise.all(singles.map((s) => client.upsert("accounts", s.id, { name: s.name })));
      const batch = client.executeBatch([
        ...batched.map((b) => upsertOperation("accounts", b.id, { name: b.name })),
        upsertOperation("accounts", existing, { name: "must not overwrite" }, { mode: "createOnly" }),
      ]);
      [, batchResults] = await Promise.all([singleWrites, batch]);
      const reads = await Promise.all(singles.map((s) => client.retrieve("accounts", s.id, { select: ["name"] })));
      expect(reads.map((r) => r.name)).toEqual(singles.map((s) => s.name));
      const pages = [];
      for await (const page of client.queryPages("accounts", { select: ["name"], filter: startsWith("name", prefix) }, { pageSize: 20 })) pages.push(page);
      expect(pages.flatMap((p) => p.value)).toHaveLength(12 + 30 + 1);
    } finally {
      await setEmulatorConfig(target.emulatorUrl!, { failRate: 0, dropRate: 0, throttle: "off" });
    }

    expect(batchResults.slice(0, 30).every((r) => r.status === 204 && r.error === null)).toBe(true);
    expect(batchResults.slice(0, 30).map((r) => r.entityId)).toEqual(batched.map((b) => b.id));
    expect(batchResults[30].status).toBe(412);
    expect(batchResults[30].error?.retryClass).toBe("conflict");

    const log = (await webApiLog(startSeq)).filter((e) => e.clientId !== null);
    const throttles = log.filter((e) => e.status === 429);
    const faulted = log.filter((e) => e.status >= 500 || e.dropped);
    expect(throttles.length).toBeGreaterThan(0);
    expect(faulted.length).toBeGreaterThan(0);
    // A request can only arrive inside a penalty if it was already on its way when the server answered 429:
    // it must arrive within moments of the 429 that opened the penalty, never later.
    const opened = throttles.filter((e) => !e.duringPenalty);
    for (const late of log.filter((e) => e.duringPenalty)) {
      const cause = opened.filter((t) => t.timeMs <= late.timeMs).at(-1)!;
      expect(late.timeMs - cause.timeMs, `request ${late.seq} arrived during the penalty of 429 ${cause.seq}`).toBeLessThan(250);
    }
    assertNoEarlySends(events);
    expect(client.stats.throttled).toBe(throttles.length);
    expect(client.stats.requests - requestsBefore).toBe(log.length);
  });

  it("times out slow requests, retries them as transient, and stops at once when the caller aborts", async () => {
    const client = target.client({ limits: { requestTimeoutMs: 100, maxRetries: 1, backoffBaseMs: 10 } });
    await client.whoAmI();
    await setEmulatorConfig(target.emulatorUrl!, { latencyMs: 400 });
    try {
      const before = client.stats.requests;
      const timedOut = await client.whoAmI().then(
        () => null,
        (e: unknown) => e,
      );
      expect(timedOut).toBeInstanceOf(DataverseError);
      expect((timedOut as DataverseError).code).toBe("Timeout");
      expect((timedOut as DataverseError).retryClass).toBe("transient");
      expect(client.stats.requests - before).toBe(2);

      const patient = target.client({ limits: { requestTimeoutMs: 10_000 } });
      const controller = new AbortController();
      const pending = patient.retrieve("accounts", randomUUID(), { signal: controller.signal });
      setTimeout(() => controller.abort(new Error("caller gave up")), 50);
      await expect(pending).rejects.toThrow("caller gave up");
      expect(patient.stats.requests).toBe(1);
      expect(patient.stats.retries).toBe(0);
    } finally {
      await setEmulatorConfig(target.emulatorUrl!, { latencyMs: 0 });
    }
  });
});
