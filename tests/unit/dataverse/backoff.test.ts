import fc from "fast-check";
import { afterEach, describe, expect, it, vi } from "vitest";
import { computeBackoffMs, throttleFallbackMs } from "../../../lib/dataverse/backoff.ts";
import { RequestGate } from "../../../lib/dataverse/request-gate.ts";

describe("backoff", () => {
  const options = { baseMs: 100, maxMs: 10_000 };

  it("doubles per attempt with jitter between half and the full step", () => {
    expect(computeBackoffMs(1, options, () => 0)).toBe(50);
    expect(computeBackoffMs(1, options, () => 1)).toBe(100);
    expect(computeBackoffMs(2, options, () => 0)).toBe(100);
    expect(computeBackoffMs(4, options, () => 1)).toBe(800);
  });

  it("never exceeds the cap and never goes below half the step (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.double({ min: 0, max: 1, noNaN: true }), (attempt, r) => {
        const delay = computeBackoffMs(attempt, options, () => r);
        const step = Math.min(options.maxMs, options.baseMs * 2 ** (attempt - 1));
        expect(delay).toBeGreaterThanOrEqual(Math.floor(step / 2));
        expect(delay).toBeLessThanOrEqual(options.maxMs);
      }),
    );
  });

  it("falls back to 2^n seconds for a 429 without Retry-After", () => {
    expect([1, 2, 3, 4].map((n) => throttleFallbackMs(n, 60_000))).toEqual([1000, 2000, 4000, 8000]);
    expect(throttleFallbackMs(10, 60_000)).toBe(60_000);
  });
});

describe("request gate", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("caps concurrency and hands slots over in order", async () => {
    const gate = new RequestGate(2);
    const order: string[] = [];
    const a = await gate.acquire();
    const b = await gate.acquire();
    const c = gate.acquire().then((release) => {
      order.push("c");
      return release;
    });
    expect(gate.inFlight).toBe(2);
    await Promise.resolve();
    expect(order).toEqual([]);
    a();
    (await c)();
    b();
    expect(order).toEqual(["c"]);
    expect(gate.inFlight).toBe(0);
  });

  it("holds every caller until a Retry-After pause has passed, and honours extensions", async () => {
    vi.useFakeTimers();
    const gate = new RequestGate(4);
    gate.pauseFor(1000);
    let acquired = 0;
    const waiters = [gate.acquire(), gate.acquire()].map((p) => p.then((release) => {
      acquired += 1;
      release();
    }));
    await vi.advanceTimersByTimeAsync(999);
    expect(acquired).toBe(0);
    gate.pauseFor(500); // now+500 is earlier than the pending end: no change
    gate.pauseFor(2000); // a later 429 extends the pause
    await vi.advanceTimersByTimeAsync(1);
    expect(acquired).toBe(0);
    await vi.advanceTimersByTimeAsync(2000);
    await Promise.all(waiters);
    expect(acquired).toBe(2);
  });

  it("halves the usable concurrency after a throttle and grows it back one success at a time", async () => {
    const gate = new RequestGate(8);
    gate.onThrottled();
    expect(gate.currentLimit).toBe(4);
    gate.onThrottled();
    gate.onThrottled();
    gate.onThrottled();
    expect(gate.currentLimit).toBe(1);
    const first = await gate.acquire();
    let second = false;
    const pending = gate.acquire().then((release) => {
      second = true;
      return release;
    });
    await Promise.resolve();
    expect(second).toBe(false);
    gate.onSuccess();
    (await pending)();
    expect(second).toBe(true);
    first();
    for (let i = 0; i < 20; i += 1) gate.onSuccess();
    expect(gate.currentLimit).toBe(8);
  });

  it("an aborted waiter leaves the queue without taking a slot", async () => {
    const gate = new RequestGate(1);
    const first = await gate.acquire();
    const controller = new AbortController();
    const waiting = gate.acquire(controller.signal);
    controller.abort(new Error("stop"));
    await expect(waiting).rejects.toThrow("stop");
    first();
    expect(gate.inFlight).toBe(0);
    (await gate.acquire())();
  });
});
