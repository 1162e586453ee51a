import autocannon from "autocannon";
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { createServer as createHttpServer } from "node:http";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

// Emulator throughput (issue 3 targets: ≥ 5,000 single-record requests/s and ≥ 50,000 records/s through $batch,
// latency injection off). The emulator runs in its own process so the load generator does not share its event loop.
// Run: npx tsx bench/emulator-bench.ts   (writes bench/results/emulator.json)

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const durationSeconds = Number(process.env.BENCH_DURATION ?? 5);

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

async function waitUntilUp(url: string): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    try {
      await fetch(`${url}/_emulator/config`);
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error("emulator did not start");
}

type Row = { scenario: string; unit: string; rate: number; p50Ms: number | null; p99Ms: number | null; errors: number; target: number | null };

async function cannon(scenario: string, options: autocannon.Options, target: number | null): Promise<Row> {
  const result = await autocannon({ connections: 16, pipelining: 1, duration: durationSeconds, ...options });
  const errors = result.errors + result.timeouts + result.non2xx;
  return { scenario, unit: "requests/s", rate: Math.round(result.requests.average), p50Ms: result.latency.p50, p99Ms: result.latency.p99, errors, target };
}

function batchBody(boundary: string, apiPath: string, count: number, label: string): string {
  const lines: string[] = [];
  for (let index = 0; index < count; index += 1) {
    lines.push(
      `--${boundary}`,
      "Content-Type: application/http",
      "Content-Transfer-Encoding: binary",
      "",
      `POST ${apiPath}accounts HTTP/1.1`,
      "Content-Type: application/json; type=entry",
      "",
      JSON.stringify({ name: `Bench ${label} ${index}`, telephone1: "555-0100", address1_city: "Seattle", revenue: index }),
    );
  }
  lines.push(`--${boundary}--`, "");
  return lines.join("\r\n");
}

async function batchThroughput(apiBase: string, token: string, operations: number, concurrency: number, target: number | null): Promise<Row> {
  const apiPath = new URL(apiBase).pathname;
  const deadline = Date.now() + durationSeconds * 1000;
  let records = 0;
  let errors = 0;
  const latencies: number[] = [];
  const started = Date.now();
  const worker = async (workerIndex: number) => {
    let round = 0;
    while (Date.now() < deadline) {
      const boundary = `batch_${randomUUID()}`;
      const body = batchBody(boundary, apiPath, operations, `${workerIndex}-${round}`);
      round += 1;
      const sent = Date.now();
      const response = await fetch(`${apiBase}$batch`, {
        method: "POST",
        headers: { Authorization: `Bearer ${token}`, "Content-Type": `multipart/mixed; boundary="${boundary}"`, "OData-Version": "4.0", Accept: "application/json" },
        body,
      });
      const text = await response.text();
      latencies.push(Date.now() - sent);
      const succeeded = (text.match(/HTTP\/1\.1 204/g) ?? []).length;
      records += succeeded;
      if (response.status !== 200 || succeeded !== operations) errors += 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, index) => worker(index)));
  const elapsed = (Date.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    scenario: `$batch create, ${operations} ops/batch, ${concurrency} concurrent`,
    unit: "records/s",
    rate: Math.round(records / elapsed),
    p50Ms: latencies[Math.floor(latencies.length / 2)] ?? null,
    p99Ms: latencies[Math.floor(latencies.length * 0.99)] ?? null,
    errors,
    target,
  };
}

async function main(): Promise<void> {
  const port = await freePort();
  const child = spawn(process.execPath, ["--import", "tsx", join(root, "emulator/main.ts"), "--port", String(port), "--seed", "demo", "--no-persist", "--quiet", "--throttle", "off"], {
    cwd: root,
    stdio: ["ignore", "inherit", "inherit"],
  });
  const url = `http://127.0.0.1:${port}`;
  const apiBase = `${url}/api/data/v9.2/`;
  try {
    await waitUntilUp(url);
    const token = (
      await (
        await fetch(`${url}/bench/oauth2/v2.0/token`, {
          method: "POST",
          body: new URLSearchParams({ grant_type: "client_credentials", client_id: "emulator", client_secret: "emulator-secret", scope: `${url}/.default` }),
        })
      ).json()
    ).access_token as string;
    const headers = { Authorization: `Bearer ${token}`, Accept: "application/json", "OData-Version": "4.0", "OData-MaxVersion": "4.0", "If-None-Match": "null" };
    const list = await (await fetch(`${apiBase}accounts?$select=name&$top=1`, { headers })).json();
    const accountId = list.value[0].accountid as string;

    const rows: Row[] = [];
    // A bare node:http server on the same machine shows how much of the ceiling is the HTTP stack and the load generator.
    const baseline = createHttpServer((_request, response) => {
      response.writeHead(200, { "Content-Type": "application/json", "Content-Length": "2" });
      response.end("{}");
    });
    await new Promise<void>((resolve) => baseline.listen(0, "127.0.0.1", resolve));
    rows.push(await cannon("baseline: bare node:http (in the bench process)", { url: `http://127.0.0.1:${(baseline.address() as { port: number }).port}/` }, null));
    baseline.close();
    rows.push(await cannon("GET account by id ($select)", { url: `${apiBase}accounts(${accountId})?$select=name,telephone1,address1_city`, headers }, 5_000));
    rows.push(
      await cannon(
        "PATCH account by id (If-Match: *)",
        { url: `${apiBase}accounts(${accountId})`, method: "PATCH", headers: { ...headers, "Content-Type": "application/json", "If-Match": "*" }, body: JSON.stringify({ telephone1: "555-0199" }) },
        5_000,
      ),
    );
    rows.push(await cannon("POST create account", { url: `${apiBase}accounts`, method: "POST", headers: { ...headers, "Content-Type": "application/json" }, body: JSON.stringify({ name: "Bench Create", telephone1: "555-0100" }) }, 5_000));
    rows.push(await cannon("GET accounts page ($filter, $top=50)", { url: `${apiBase}accounts?$select=name&$filter=startswith(name,'a')&$top=50`, headers }, null));
    // The issue's $batch target is measured with full batches (1,000 operations); smaller batches are shown for context.
    rows.push(await batchThroughput(apiBase, token, 1000, 2, 50_000));
    rows.push(await batchThroughput(apiBase, token, 100, 4, null));

    console.log(`\nDataverse emulator benchmark (${durationSeconds}s per scenario, latency injection off)\n`);
    console.table(
      rows.map((row) => ({
        scenario: row.scenario,
        rate: `${row.rate.toLocaleString("en-US")} ${row.unit}`,
        "p50 ms": row.p50Ms,
        "p99 ms": row.p99Ms,
        errors: row.errors,
        target: row.target ? `≥ ${row.target.toLocaleString("en-US")}` : "",
        met: row.target ? (row.rate >= row.target ? "yes" : "NO") : "",
      })),
    );
    const resultsDir = join(root, "bench/results");
    mkdirSync(resultsDir, { recursive: true });
    writeFileSync(join(resultsDir, "emulator.json"), `${JSON.stringify({ at: new Date().toISOString(), durationSeconds, node: process.version, rows }, null, 2)}\n`);
    console.log(`written ${join("bench/results", "emulator.json")}`);
  } finally {
    child.kill("SIGTERM");
  }
}

await main();
