import {
  QUICK,
  bulkInsertCustomers,
  createBenchDatabase,
  ensureIntegration,
  fmt,
  log,
  percentile,
  printGoals,
  printTable,
  round,
  runBench,
  startEmulatorProcess,
  writeResult,
} from "./bench-support.ts";

// P4 no-op run: N customers coupled with N accounts and nothing changed on either side since. A whole-mapping run
// of CUSTOMER (Bidirectional: To pass from ERP change capture, From pass from the delta link) must find that out
// cheaply: Dataverse requests made (the emulator's own count) and wall time of runSync, repeated REPEAT times.
// The coupled state is made by the engine itself (one full run, then one run to settle the delta link), so the
// couplings, snapshots, watermarks and delta link are exactly what production has.
// Run: npx tsx bench/noop-bench.ts

const N = Number(process.env.BENCH_N ?? (QUICK ? 5_000 : 100_000));
const REPEAT = QUICK ? 5 : 10;

await runBench("noop", QUICK ? 90 : 900, async () => {
  const db = await createBenchDatabase("p4");
  // The no-op run is measured with the same 25 ms per request as the other benchmarks: every request shows.
  const emulator = await startEmulatorProcess({ latencyMs: 25 });
  await ensureIntegration(db.url, emulator.url);
  await db.pool.query(`UPDATE "IntegrationTableMapping" SET "isEnabled" = (name = 'CUSTOMER')`);
  const mappingId = (await db.pool.query(`UPDATE "IntegrationTableMapping" SET "syncOnlyCoupledRecords" = false WHERE name = 'CUSTOMER' RETURNING id`)).rows[0].id as string;
  await bulkInsertCustomers(db.pool, N, "N");

  const { createDb } = await import("../lib/db/db-client.ts");
  const { getDataverseClient } = await import("../lib/integration/dataverse-connection.ts");
  const { runSync } = await import("../lib/integration/sync-run.ts");
  const prisma = createDb(db.url, { max: 5 });
  try {
    const client = await getDataverseClient(prisma);
    const setupStarted = Date.now();
    await runSync({ db: prisma, client }, { mappingId, trigger: "MANUAL" });
    // The From pass of the first run reads the accounts it just created (echoes); the second run settles the link.
    await runSync({ db: prisma, client }, { mappingId, trigger: "MANUAL" });
    const coupled = Number((await db.pool.query(`SELECT count(*) FROM "Coupling" WHERE "state" = 'COUPLED'`)).rows[0].count);
    log(`set up ${coupled} coupled pairs in ${((Date.now() - setupStarted) / 1000).toFixed(1)} s`);
    if (coupled !== N) throw new Error(`expected ${N} couplings, found ${coupled}`);
    await db.pool.query(`VACUUM ANALYZE`);

    const runs: { ms: number; requests: number; clientRequests: number; unchanged: number; written: number }[] = [];
    for (let i = 0; i < REPEAT; i += 1) {
      await emulator.resetStats();
      const before = client.stats.requests;
      const started = performance.now();
      const result = await runSync({ db: prisma, client }, { mappingId, trigger: "SCHEDULE" });
      const ms = performance.now() - started;
      const stats = await emulator.stats();
      const written = result.jobs.reduce((n, j) => n + j.counters.inserted + j.counters.modified + j.counters.deleted + j.counters.failed, 0);
      runs.push({ ms, requests: stats.total, clientRequests: client.stats.requests - before, unchanged: result.jobs.reduce((n, j) => n + j.counters.unchanged, 0), written });
    }
    printTable(
      `P4 no-op run over ${N.toLocaleString("en-US")} coupled, unchanged customers (25 ms per request)`,
      runs.map((r, i) => ({ run: i + 1, "wall ms": round(r.ms), "Dataverse requests": r.requests, written: r.written })),
    );
    const p50 = percentile(runs.map((r) => r.ms), 50)!;
    const worst = Math.max(...runs.map((r) => r.ms));
    const maxRequests = Math.max(...runs.map((r) => r.requests));
    printGoals([
      { measure: "Dataverse requests per no-op run (max)", value: String(maxRequests), goal: "≤ 3", met: maxRequests <= 3 },
      { measure: "wall time per no-op run (p50 / max)", value: `${fmt(p50)} / ${fmt(worst)} ms`, goal: "< 300 ms", met: p50 < 300 },
    ]);
    writeResult("noop", { n: N, repeat: REPEAT, latencyMs: 25, runs, p50Ms: round(p50), maxMs: round(worst), maxRequests });
  } finally {
    await prisma.$disconnect();
  }
});
