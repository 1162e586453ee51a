import { describe, expect, it } from "vitest";
import { BACKOFF_MAX_MS, backoffDelayMs, describeFailingMapping, failingStateOf, isHeldBack } from "../../../lib/integration/run-backoff.ts";

const MINUTE = 60_000;

describe("backoff of a failing mapping's automatic runs", () => {
  it("waits 1, 2, 4, 8, 16 minutes after each failure in a row, then at most 30", () => {
    expect([1, 2, 3, 4, 5, 6, 7, 50].map(backoffDelayMs)).toEqual([1, 2, 4, 8, 16, 30, 30, 30].map((m) => m * MINUTE));
    expect(backoffDelayMs(0)).toBe(0);
    expect(BACKOFF_MAX_MS).toBe(30 * MINUTE);
  });

  it("holds back schedules and delta polls only, and only until the next attempt", () => {
    const now = new Date("2026-11-23T10:00:00Z");
    const state = { nextAttemptAt: new Date(now.getTime() + MINUTE) };
    expect(isHeldBack(state, "SCHEDULE", now)).toBe(true);
    expect(isHeldBack(state, "DATAVERSE_CHANGE", now)).toBe(true);
    for (const trigger of ["ERP_CHANGE", "WEBHOOK", "MANUAL", "API", "FULL_SYNC", "RETRY"] as const) expect(isHeldBack(state, trigger, now)).toBe(false);
    expect(isHeldBack(state, "SCHEDULE", new Date(now.getTime() + MINUTE + 1))).toBe(false);
    expect(isHeldBack({ nextAttemptAt: null }, "SCHEDULE", now)).toBe(false);
  });

  it("tells the streak, without a next attempt for a paused mapping, and names the mapping for the health report", () => {
    const row = {
      failedRuns: 3,
      failingSince: new Date("2026-11-23T10:00:00Z"),
      lastFailedRunAt: new Date("2026-11-23T10:03:00Z"),
      nextAttemptAt: new Date("2026-11-23T10:07:00Z"),
      lastFailureMessage: "Dataverse refused the connection.",
    };
    expect(failingStateOf(row)).toEqual({ since: "2026-11-23T10:00:00.000Z", attempts: 3, lastAt: "2026-11-23T10:03:00.000Z", nextAttemptAt: "2026-11-23T10:07:00.000Z", message: "Dataverse refused the connection." });
    expect(failingStateOf(row, false)?.nextAttemptAt).toBeNull();
    expect(failingStateOf({ ...row, failedRuns: 0, failingSince: null })).toBeNull();
    const sentence = describeFailingMapping({ name: "CUSTOMER", failedRuns: 3, failingSince: "2026-11-23T10:00:00.000Z", lastFailedAt: null, nextAttemptAt: "2026-11-23T10:07:00.000Z", message: "Boom." });
    expect(sentence).toBe("The mapping CUSTOMER has failed 3 automatic runs in a row since 2026-11-23T10:00:00.000Z. Next automatic attempt at 2026-11-23T10:07:00.000Z. Last error: Boom.");
  });
});
