import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { emulatorOnlyReason, isRealOrg, openTarget, type ConformanceTarget } from "./conformance-target.ts";

// Reference §8 (429 + Retry-After + documented codes) and §10.11 (throttling simulator, fault and latency injection).
// Tripping real service protection limits on purpose is not something to do to a real org, so these are emulator-only.

let target: ConformanceTarget;

beforeAll(async () => {
  if (isRealOrg) return;
  target = await openTarget("none");
});

afterAll(async () => {
  await target?.close();
});

beforeEach(async () => {
  if (isRealOrg) return;
  await target.admin("reset", { seed: "none" });
  await target.admin("config", { throttle: "off", latencyMs: 0, jitterMs: 0, failRate: 0, dropRate: 0 });
});

describe.skipIf(isRealOrg)(`service protection (${emulatorOnlyReason})`, () => {
  it("answers 429 with an integer Retry-After and 0x80072322 once the request limit of the window is exceeded", async () => {
    await target.admin("config", { throttle: { requestsPerWindow: 5, windowSeconds: 3, maxConcurrent: 50 } });
    const statuses: number[] = [];
    for (let index = 0; index < 5; index += 1) statuses.push((await target.request("WhoAmI")).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    const { status, headers, body } = await target.json("WhoAmI");
    expect(status).toBe(429);
    expect(headers.get("Retry-After")).toMatch(/^\d+$/);
    expect(Number(headers.get("Retry-After"))).toBeGreaterThanOrEqual(1);
    expect(body.error.code).toBe("0x80072322");
    expect(body.error.message).toBe("Number of requests exceeded the limit of 5 over time window of 3 seconds.");
  });

  it("admits requests again after Retry-After has elapsed", async () => {
    await target.admin("config", { throttle: { requestsPerWindow: 2, windowSeconds: 1, maxConcurrent: 50 } });
    await target.request("WhoAmI");
    await target.request("WhoAmI");
    const throttled = await target.request("WhoAmI");
    expect(throttled.status).toBe(429);
    await new Promise((resolve) => setTimeout(resolve, Number(throttled.headers.get("Retry-After")) * 1000 + 50));
    expect((await target.request("WhoAmI")).status).toBe(200);
  });

  it("fails immediately with 0x80072326 when the concurrency limit is exceeded", async () => {
    await target.admin("config", { throttle: { requestsPerWindow: 1000, windowSeconds: 300, maxConcurrent: 2 }, latencyMs: 300 });
    const responses = await Promise.all(Array.from({ length: 6 }, () => target.json("WhoAmI")));
    const throttled = responses.filter((response) => response.status === 429);
    expect(throttled.length).toBeGreaterThan(0);
    expect(throttled[0].body.error.code).toBe("0x80072326");
    expect(throttled[0].body.error.message).toBe("Number of concurrent requests exceeded the limit of 2.");
  });

  it("records each 429 with its Retry-After and client id in the request log", async () => {
    await target.admin("config", { throttle: { requestsPerWindow: 1, windowSeconds: 5, maxConcurrent: 50 } });
    const { lastSeq } = await target.admin("log");
    await target.request("WhoAmI");
    await target.request("WhoAmI");
    const { entries } = await target.admin(`log?since=${lastSeq}`);
    const throttled = entries.find((entry: { status: number }) => entry.status === 429);
    expect(throttled).toMatchObject({ method: "GET", clientId: target.clientId });
    expect(Number.isInteger(throttled.retryAfter)).toBe(true);
    expect(throttled.retryAfter).toBeGreaterThanOrEqual(1);
  });

  it("keeps answering 429 to a caller that retries before Retry-After has elapsed", async () => {
    await target.admin("faults", { faults: [{ type: "throttle", retryAfter: 3 }] });
    expect((await target.request("WhoAmI")).status).toBe(429);
    const early = await target.request("WhoAmI");
    expect(early.status).toBe(429);
    expect(Number(early.headers.get("Retry-After"))).toBeGreaterThanOrEqual(1);
  });

  it("a random throttle rate produces 429s with Retry-After for client tests", async () => {
    await target.admin("config", { throttle: { requestsPerWindow: 100000, windowSeconds: 300, maxConcurrent: 100, throttleRate: 1 } });
    const response = await target.request("WhoAmI");
    expect(response.status).toBe(429);
    expect(["1", "2"]).toContain(response.headers.get("Retry-After"));
  });
});

describe.skipIf(isRealOrg)(`fault and latency injection (${emulatorOnlyReason})`, () => {
  it("a fail rate of 1 answers every request with a 5xx error body", async () => {
    await target.admin("config", { failRate: 1 });
    const { status, body } = await target.json("WhoAmI");
    expect(status).toBe(503);
    expect(body.error.message).toMatch(/temporarily unavailable/);
  });

  it("a drop rate of 1 closes the connection without an answer", async () => {
    await target.admin("config", { dropRate: 1 });
    await expect(target.request("WhoAmI")).rejects.toThrow();
  });

  it("forced faults are consumed in order: 429, 503, drop, then normal answers", async () => {
    await target.admin("faults", { faults: [{ type: "throttle", retryAfter: 1 }, { type: "error", status: 503 }] });
    expect((await target.request("WhoAmI")).status).toBe(429);
    await new Promise((resolve) => setTimeout(resolve, 1050));
    expect((await target.request("WhoAmI")).status).toBe(503);
    await target.admin("faults", { faults: [{ type: "drop" }] });
    await expect(target.request("WhoAmI")).rejects.toThrow();
    expect((await target.request("WhoAmI")).status).toBe(200);
  });

  it("latency and jitter are configurable at run time and reported by GET /_emulator/config", async () => {
    const config = await target.admin("config", { latencyMs: 25, jitterMs: 5 });
    expect(config).toMatchObject({ latencyMs: 25, jitterMs: 5 });
    expect((await target.request("WhoAmI")).status).toBe(200);
    expect(await target.admin("config")).toMatchObject({ latencyMs: 25, jitterMs: 5 });
  });

  it("rejects an invalid config change with 400 and field-level issues, changing nothing", async () => {
    const response = await fetch(`${target.emulatorUrl}/_emulator/config`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ failRate: 2 }) });
    expect(response.status).toBe(400);
    expect((await response.json()).issues[0].path).toBe("failRate");
    expect((await target.admin("config")).failRate).toBe(0);
  });

  it("revoking tokens makes the next call 401 until a new token is fetched", async () => {
    const token = await target.token();
    await target.admin("revoke-tokens", {});
    const response = await fetch(`${target.apiBase}WhoAmI`, { headers: { Authorization: `Bearer ${token}` } });
    expect(response.status).toBe(401);
  });
});
