import { createServer, type Server } from "node:http";
import { findFreePort } from "../scripts/launch-support.ts";
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
  sleep,
  startEmulatorProcess,
  startWorkerProcess,
  waitUntil,
  workerEnv,
  writeResult,
  type EmulatorProcess,
} from "./bench-support.ts";

// P2 latency ERP → Dataverse and P3 latency Dataverse → ERP, with a real worker process and the emulator at 25 ms
// per request. Edits start at random intervals (exponential, mean MEAN_GAP_MS), each on a different coupled record,
// and are watched independently:
//   P2: a customer's phone number changed through the ERP service (updateCustomer, as the console does); from its
//       commit until the account in the emulator shows it (the worker's ERP change poll → run → $batch).
//   P3: an account's phone number changed in the emulator (PATCH, as a Dataverse user would); from the PATCH's
//       answer until the customer row shows it — once by the worker's delta poll (every 5 s), once by webhook (the
//       emulator calls a receiver that does what /api/webhooks/dataverse does: handleDataverseWebhook).
// Run: npx tsx bench/latency-bench.ts

const LATENCY_MS = 25;
const EDITS = QUICK ? 20 : 200;
const MEAN_GAP_MS = QUICK ? 250 : 700;
const RECORDS = EDITS + 20;
const WATCH_EVERY_MS = 20;
const GIVE_UP_MS = 30_000;

type Series = { name: string; latenciesMs: number[]; missed: number };

function randomGap(): number {
  return Math.min(MEAN_GAP_MS * 5, -Math.log(1 - Math.random()) * MEAN_GAP_MS);
}

/** Starts `count` edits at random intervals; each resolves with its latency (ms) or null when it never arrived. */
async function editsAtRandomIntervals(count: number, edit: (index: number) => Promise<() => Promise<boolean>>): Promise<Series> {
  const watches: Promise<number | null>[] = [];
  for (let i = 0; i < count; i += 1) {
    const isVisible = await edit(i);
    const committed = performance.now();
    watches.push(
      (async () => {
        while (performance.now() - committed < GIVE_UP_MS) {
          if (await isVisible().catch(() => false)) return performance.now() - committed;
          await sleep(WATCH_EVERY_MS);
        }
        return null;
      })(),
    );
    await sleep(randomGap());
  }
  const results = await Promise.all(watches);
  return { name: "", latenciesMs: results.filter((r): r is number => r !== null), missed: results.filter((r) => r === null).length };
}

async function accountPhone(emulator: EmulatorProcess, accountId: string): Promise<string | null> {
  const response = await fetch(`${emulator.apiBase}accounts(${accountId})?$select=telephone1`, {
    headers: { Authorization: `Bearer ${await emulator.token()}`, Accept: "application/json", "OData-Version": "4.0" },
  });
  if (!response.ok) return null;
  return ((await response.json()) as { telephone1: string | null }).telephone1;
}

async function patchAccountPhone(emulator: EmulatorProcess, accountId: string, phone: string): Promise<void> {
  const response = await fetch(`${emulator.apiBase}accounts(${accountId})`, {
    method: "PATCH",
    headers: { Authorization: `Bearer ${await emulator.token()}`, "Content-Type": "application/json", "OData-Version": "4.0", "If-Match": "*" },
    body: JSON.stringify({ telephone1: phone }),
  });
  if (!response.ok) throw new Error(`PATCH account: ${response.status} ${await response.text()}`);
}

await runBench("latency", QUICK ? 110 : 900, async () => {
  const db = await createBenchDatabase("p2");
  const emulator = await startEmulatorProcess({ latencyMs: LATENCY_MS });
  await ensureIntegration(db.url, emulator.url);
  await db.pool.query(`UPDATE "IntegrationTableMapping" SET "isEnabled" = (name = 'CUSTOMER')`);
  const mappingId = (await db.pool.query(`UPDATE "IntegrationTableMapping" SET "syncOnlyCoupledRecords" = false WHERE name = 'CUSTOMER' RETURNING id`)).rows[0].id as string;
  await bulkInsertCustomers(db.pool, RECORDS, "L");

  // The initial coupling, in this process: every customer gets its account and coupling, and a From pass stores the
  // delta link, so the worker starts from a synchronized, idle state.
  const { createDb } = await import("../lib/db/db-client.ts");
  const { getDataverseClient } = await import("../lib/integration/dataverse-connection.ts");
  const { runSync } = await import("../lib/integration/sync-run.ts");
  const { updateCustomer } = await import("../lib/erp/customer-service.ts");
  const { createQueueConnection } = await import("../lib/queue/queue-connection.ts");
  const { handleDataverseWebhook } = await import("../lib/integration/sync-triggers.ts");
  const prisma = createDb(db.url, { max: 4 });
  const queue = createQueueConnection({ databaseUrl: db.url });
  let server: Server | null = null;
  try {
    await runSync({ db: prisma, client: await getDataverseClient(prisma) }, { mappingId, trigger: "MANUAL" });
    const pairs = (await db.pool.query(`SELECT "erpId", "dataverseId" FROM "Coupling" WHERE "state" = 'COUPLED' ORDER BY "erpId"`)).rows as { erpId: string; dataverseId: string }[];
    if (pairs.length !== RECORDS) throw new Error(`initial sync coupled ${pairs.length} of ${RECORDS} customers`);

    // The webhook receiver: the worker registers its URL with the emulator at start (NEXTAUTH_URL).
    let isWebhookOn = false;
    let webhookCalls = 0;
    const port = await findFreePort();
    server = createServer((request, response) => {
      let body = "";
      request.on("data", (chunk: Buffer) => (body += chunk.toString()));
      request.on("end", () => {
        void (async () => {
          webhookCalls += 1;
          if (!isWebhookOn) {
            response.writeHead(202).end();
            return;
          }
          const secret = new URL(request.url ?? "/", "http://x").searchParams.get("secret");
          const outcome = await handleDataverseWebhook(prisma, queue, secret, JSON.parse(body || "{}"));
          response.writeHead(outcome.status).end();
        })().catch(() => response.writeHead(500).end());
      });
    });
    await new Promise<void>((resolve) => server!.listen(port, "127.0.0.1", resolve));

    const worker = startWorkerProcess(workerEnv(db.url, emulator.url, { NEXTAUTH_URL: `http://127.0.0.1:${port}`, ERP_POLL_MS: "500", DATAVERSE_POLL_SECONDS: "5" }));
    await waitUntil(async () => ((await db.pool.query(`SELECT 1 FROM "WorkerHeartbeat" WHERE "pid" = $1`, [worker.pid])).rowCount ? true : undefined), 60_000, "the worker start", 100);
    await waitUntil(async () => ((await (await fetch(`${emulator.url}/_emulator/webhooks`)).json()) as { value: unknown[] }).value.length > 0 || undefined, 20_000, "the webhook registration", 100);
    // Let the worker's first scheduled run (start-up) pass before measuring.
    await sleep(1_500);

    let next = 0;
    const take = () => pairs[next++ % pairs.length];
    const stamp = (i: number, tag: string) => `+1 ${tag} ${Date.now() % 1_000_000}-${i}`;

    // P2: ERP → Dataverse.
    const p2 = await editsAtRandomIntervals(EDITS, async (i) => {
      const pair = take();
      const phone = stamp(i, "E");
      const current = await prisma.customer.findUniqueOrThrow({ where: { id: pair.erpId }, select: { rowVersion: true } });
      await updateCustomer(prisma, { id: pair.erpId, rowVersion: current.rowVersion, phoneNo: phone });
      return async () => (await accountPhone(emulator, pair.dataverseId)) === phone;
    });
    p2.name = "P2 ERP → Dataverse (ERP change poll 500 ms)";
    log(`${p2.name}: ${p2.latenciesMs.length} arrived, ${p2.missed} missed`);

    const dataverseEdits = (name: string) =>
      editsAtRandomIntervals(EDITS, async (i) => {
        const pair = take();
        const phone = stamp(i, "D");
        await patchAccountPhone(emulator, pair.dataverseId, phone);
        return async () => (await db.pool.query(`SELECT 1 FROM "Customer" WHERE "id" = $1 AND "phoneNo" = $2`, [pair.erpId, phone])).rowCount === 1;
      }).then((s) => ({ ...s, name }));

    const p3poll = await dataverseEdits("P3 Dataverse → ERP, delta poll (every 5 s)");
    log(`${p3poll.name}: ${p3poll.latenciesMs.length} arrived, ${p3poll.missed} missed`);

    // The webhook leg: the delta poll off (a new worker with DATAVERSE_POLL_SECONDS=0), the receiver on.
    await worker.stop();
    const hookWorker = startWorkerProcess(workerEnv(db.url, emulator.url, { NEXTAUTH_URL: `http://127.0.0.1:${port}`, ERP_POLL_MS: "500", DATAVERSE_POLL_SECONDS: "0" }));
    await waitUntil(async () => ((await db.pool.query(`SELECT 1 FROM "WorkerHeartbeat" WHERE "pid" = $1`, [hookWorker.pid])).rowCount ? true : undefined), 60_000, "the worker start", 100);
    await sleep(1_000);
    isWebhookOn = true;
    const p3hook = await dataverseEdits("P3 Dataverse → ERP, webhook");
    log(`${p3hook.name}: ${p3hook.latenciesMs.length} arrived, ${p3hook.missed} missed, ${webhookCalls} webhook calls in all`);
    await hookWorker.stop();

    const goals: Record<string, number> = { [p2.name]: 2_000, [p3poll.name]: 10_000, [p3hook.name]: 2_000 };
    const rows = [p2, p3poll, p3hook].map((s) => ({
      series: s.name,
      edits: EDITS,
      arrived: s.latenciesMs.length,
      "p50 ms": round(percentile(s.latenciesMs, 50)),
      "p95 ms": round(percentile(s.latenciesMs, 95)),
      "max ms": round(s.latenciesMs.length ? Math.max(...s.latenciesMs) : null),
    }));
    printTable(`Latency from commit to visible on the other side (${LATENCY_MS} ms per Dataverse request, edits every ~${MEAN_GAP_MS} ms at random)`, rows);
    printGoals(
      [p2, p3poll, p3hook].map((s) => {
        const p95 = percentile(s.latenciesMs, 95);
        const goal = goals[s.name];
        return { measure: `${s.name} p95`, value: `${fmt(p95)} ms${s.missed ? ` (${s.missed} missed)` : ""}`, goal: `≤ ${fmt(goal)} ms`, met: p95 !== null && p95 <= goal && s.missed === 0 };
      }),
    );
    writeResult("latency", {
      latencyMs: LATENCY_MS,
      edits: EDITS,
      meanGapMs: MEAN_GAP_MS,
      series: [p2, p3poll, p3hook].map((s) => ({
        name: s.name,
        arrived: s.latenciesMs.length,
        missed: s.missed,
        p50Ms: round(percentile(s.latenciesMs, 50)),
        p95Ms: round(percentile(s.latenciesMs, 95)),
        maxMs: round(s.latenciesMs.length ? Math.max(...s.latenciesMs) : null),
        goalP95Ms: goals[s.name],
      })),
    });
  } finally {
    server?.close();
    await queue.close();
    await prisma.$disconnect();
  }
});
