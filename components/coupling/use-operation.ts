"use client";

import { useRouter } from "next/navigation";
import { useCallback, useEffect, useRef, useState } from "react";
import type { ActionResult } from "../../lib/actions/action-result.ts";
import type { OperationOutcome } from "./coupling-types.ts";

// Runs a coupling operation and follows it to its end: an operation that finished in the request reports at once;
// a queued one reports "scheduled", then polls its jobs (GET /api/v1/jobs/{id}, the session authenticates) until
// each has finished, and refreshes the page so badges and panels show the new state.

export type JobView = {
  id: string;
  type: string;
  status: string;
  direction: string | null;
  counters: Record<string, number>;
  progress: { total: number | null; done: number };
  message: string | null;
  errors: string[];
};

export type OperationPhase =
  | { kind: "idle" }
  | { kind: "working" }
  | { kind: "scheduled"; message: string; jobs: JobView[] }
  | { kind: "done"; message: string; detail: string | null; jobs: JobView[] }
  | { kind: "error"; message: string; fieldErrors?: Record<string, string[]> };

const FINISHED = new Set(["SUCCEEDED", "FAILED", "CANCELLED"]);
const POLL_MS = 1000;
const POLL_LIMIT_MS = 10 * 60_000;

async function fetchJob(id: string): Promise<JobView | null> {
  const response = await fetch(`/api/v1/jobs/${encodeURIComponent(id)}`, { cache: "no-store", credentials: "same-origin" });
  if (!response.ok) return null;
  const body = (await response.json()) as Omit<JobView, "errors"> & { errors?: { message: string }[] };
  return { ...body, errors: (body.errors ?? []).map((e) => e.message) };
}

function toView(job: { id: string; type: string; status: string; direction: string | null; counters: object; progress: { total: number | null; done: number }; message: string | null }): JobView {
  return { ...job, counters: job.counters as Record<string, number>, errors: [] };
}

export function useOperation() {
  const router = useRouter();
  const [phase, setPhase] = useState<OperationPhase>({ kind: "idle" });
  const alive = useRef(true);
  useEffect(() => {
    alive.current = true;
    return () => {
      alive.current = false;
    };
  }, []);

  const follow = useCallback(
    async (message: string, jobIds: string[], done: (jobs: JobView[]) => { message: string; detail?: string | null }) => {
      const started = Date.now();
      let jobs: JobView[] = [];
      while (alive.current && Date.now() - started < POLL_LIMIT_MS) {
        jobs = (await Promise.all(jobIds.map(fetchJob))).filter((j): j is JobView => j !== null);
        if (!alive.current) return;
        if (jobs.length === jobIds.length && jobs.every((j) => FINISHED.has(j.status))) {
          const outcome = done(jobs);
          setPhase({ kind: "done", message: outcome.message, detail: outcome.detail ?? null, jobs });
          router.refresh();
          return;
        }
        setPhase({ kind: "scheduled", message, jobs });
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
      if (alive.current) setPhase({ kind: "scheduled", message, jobs });
    },
    [router],
  );

  /**
   * Runs `action`; `scheduled` is the notice while queued jobs run; `done` words the outcome from the finished jobs (and, for an operation that finished in the
   * request, the server's message).
   */
  const run = useCallback(
    async (
      action: () => Promise<ActionResult<OperationOutcome>>,
      scheduled: string,
      done: (jobs: JobView[], serverMessage: string) => { message: string; detail?: string | null },
    ) => {
      setPhase({ kind: "working" });
      let result: ActionResult<OperationOutcome>;
      try {
        result = await action();
      } catch {
        setPhase({ kind: "error", message: "" });
        return;
      }
      if (!alive.current) return;
      if (!result.ok) {
        setPhase({ kind: "error", message: result.message, fieldErrors: result.fieldErrors });
        return;
      }
      const outcome = result.data;
      if (outcome.status === "completed") {
        const jobs = outcome.jobs.map(toView);
        const words = done(jobs, outcome.message);
        setPhase({ kind: "done", message: words.message, detail: words.detail ?? null, jobs });
        router.refresh();
        return;
      }
      setPhase({ kind: "scheduled", message: scheduled, jobs: [] });
      await follow(scheduled, outcome.jobIds, (jobs) => done(jobs, outcome.message));
    },
    [follow, router],
  );

  return { phase, run, setPhase, reset: () => setPhase({ kind: "idle" }) };
}

export function totalCounters(jobs: readonly JobView[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const job of jobs) for (const [name, value] of Object.entries(job.counters)) out[name] = (out[name] ?? 0) + value;
  return out;
}

export function hasFailed(jobs: readonly JobView[]): boolean {
  return jobs.some((j) => j.status === "FAILED" || (j.counters.failed ?? 0) > 0);
}
