import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { DataverseClient } from "../../lib/dataverse/dataverse-client.ts";
import { keepJobAlive } from "../../lib/integration/job-queries.ts";
import { recoverStaleRuns, STALE_JOB_MS } from "../../lib/integration/run-lease.ts";
import { runSync } from "../../lib/integration/sync-run.ts";
import { mappingId, run, setPolicy, startEngineEnv, uniqueNo, waitForChangeCapture, type EngineEnv } from "./engine-fixtures.ts";

let env: EngineEnv;

beforeAll(async () => {
  env = await startEngineEnv();
  await setPolicy(env.db, "CUSTOMER", { syncOnlyCoupledRecords: false });
});

afterAll(async () => {
  await env?.emulator.close();
});

/** A client whose $batch request reaches Dataverse, after which the "worker" dies before reading the answer. */
function crashingClient(mode: "before-send" | "after-send"): DataverseClient {
  return new DataverseClient(
    { baseUrl: env.emulator.url, tenantId: "emulator", clientId: "emulator", clientSecret: "emulator-secret", authorityHost: env.emulator.url, limits: { maxRetries: 0 } },
    {
      fetch: async (url, init) => {
        if (url.endsWith("$batch")) {
          if (mode === "after-send") await fetch(url, init);
          throw new SimulatedCrash();
        }
        return fetch(url, init);
      },
    },
  );
}

class SimulatedCrash extends Error {}

async function accountsNamed(name: string): Promise<number> {
  const rows = await env.client.queryAll("accounts", { select: ["accountid", "name"] });
  return rows.filter((r) => r.name === name).length;
}

describe("crash safety and one run per mapping", () => {
  for (const mode of ["before-send", "after-send"] as const) {
    it(`a run that dies ${mode === "before-send" ? "after recording the pending creates" : "after Dataverse created the records"} leaves no duplicate after the re-run`, async () => {
      const { db } = env;
      const name = `Crash ${mode} ${uniqueNo("")}`;
      const customer = await db.customer.create({ data: { no: uniqueNo("EX"), name } });
      await waitForChangeCapture(db);
      const crashed = await runSync({ db, client: crashingClient(mode) }, { mappingId: await mappingId(db, "CUSTOMER"), trigger: "SCHEDULE", direction: "TO_INTEGRATION_TABLE" });
      expect(crashed.jobs[0].counters.inserted).toBe(0);
      const pending = await db.coupling.findUniqueOrThrow({ where: { erpTable_erpId: { erpTable: "CUSTOMER", erpId: customer.id } } });
      expect(pending.state).toBe("PENDING_DATAVERSE_CREATE");
      expect(await accountsNamed(name)).toBe(mode === "after-send" ? 1 : 0);

      await run(env, "CUSTOMER");
      await run(env, "CUSTOMER");
      const coupling = await db.coupling.findUniqueOrThrow({ where: { id: pending.id } });
      expect(coupling).toMatchObject({ state: "COUPLED", dataverseId: pending.dataverseId });
      expect(await accountsNamed(name)).toBe(1);
    });
  }

  it("two concurrent runs of the same mapping never overlap", async () => {
    const { db } = env;
    for (let i = 0; i < 30; i += 1) await db.customer.create({ data: { no: uniqueNo("EY"), name: `Concurrent ${i}` } });
    const id = await mappingId(db, "CUSTOMER");
    await waitForChangeCapture(db);
    const [a, b] = await Promise.all([
      runSync({ db, client: env.client }, { mappingId: id, trigger: "SCHEDULE" }),
      runSync({ db, client: env.client }, { mappingId: id, trigger: "ERP_CHANGE" }),
    ]);
    const jobs = await db.syncJob.findMany({ where: { id: { in: [...a.jobs, ...b.jobs].map((j) => j.id) } }, orderBy: { startedAt: "asc" } });
    expect(jobs).toHaveLength(4);
    // Each run's passes are contiguous, and the second run starts only after the first finished.
    const runs = [a, b].map((r) => jobs.filter((j) => r.jobs.some((x) => x.id === j.id)));
    const [firstRun, secondRun] = runs.sort((x, y) => x[0].startedAt!.getTime() - y[0].startedAt!.getTime());
    expect(secondRun[0].startedAt!.getTime()).toBeGreaterThanOrEqual(firstRun[1].finishedAt!.getTime());
    expect([...a.jobs, ...b.jobs].reduce((n, j) => n + j.counters.inserted, 0)).toBe(30);
    const mapping = await db.integrationTableMapping.findUniqueOrThrow({ where: { id } });
    expect(mapping).toMatchObject({ runLeaseOwner: null, status: "READY" });
  });

  it("the sweeper fails every kind of job a crashed worker left running, and leaves live ones alone", async () => {
    const { db } = env;
    const id = await mappingId(db, "CONTACT");
    const silentSince = new Date(Date.now() - STALE_JOB_MS - 60_000);
    const job = (type: "SYNCHRONIZATION" | "COUPLING" | "UNCOUPLING", heartbeatAt: Date) =>
      db.syncJob.create({ data: { type, mappingId: id, trigger: "MANUAL", status: "RUNNING", startedAt: silentSince, heartbeatAt } });
    const abandoned = await Promise.all((["SYNCHRONIZATION", "COUPLING", "UNCOUPLING"] as const).map((type) => job(type, silentSince)));
    const live = await job("COUPLING", new Date());
    // A long step (planning a match-based coupling of many records) beats for its job without moving a counter.
    const kept = await job("COUPLING", silentSince);
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
    const stop = keepJobAlive(db, kept.id);
    try {
      vi.advanceTimersByTime(15_000);
      await expect.poll(async () => (await db.syncJob.findUniqueOrThrow({ where: { id: kept.id } })).heartbeatAt!.getTime()).toBeGreaterThan(silentSince.getTime());
    } finally {
      stop();
      vi.useRealTimers();
    }

    await recoverStaleRuns(db);
    const after = new Map((await db.syncJob.findMany({ where: { id: { in: [...abandoned, live, kept].map((j) => j.id) } } })).map((j) => [j.id, j]));
    for (const j of abandoned) expect(after.get(j.id)).toMatchObject({ status: "FAILED", message: expect.stringContaining("stopped before it finished") });
    expect(after.get(live.id)?.status).toBe("RUNNING");
    expect(after.get(kept.id)?.status).toBe("RUNNING");
    await db.syncJob.deleteMany({ where: { id: { in: [live.id, kept.id] } } });
  });
});
