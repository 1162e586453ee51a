import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { ROOT, tsxArgs } from "./launch-support.ts";

// `npm run bench [-- <name> …] [-- --quick]`: runs each benchmark in bench/<name>-bench.ts as its own process
// (so one benchmark's memory and event loop never skew another's) and leaves their JSON under bench/results/.
const args = process.argv.slice(2);
const quick = args.includes("--quick");
const available = fs
  .readdirSync(path.join(ROOT, "bench"))
  .filter((f) => f.endsWith("-bench.ts"))
  .map((f) => f.replace(/-bench\.ts$/, ""))
  .sort();
const requested = args.filter((a) => !a.startsWith("--"));
const unknown = requested.filter((name) => !available.includes(name));
if (unknown.length) {
  process.stderr.write(`Unknown benchmark(s): ${unknown.join(", ")}. Available: ${available.join(", ")}.\n`);
  process.exit(2);
}

let failed = 0;
for (const name of requested.length ? requested : available) {
  process.stdout.write(`\n=== ${name} ===\n`);
  const [node, tsx] = tsxArgs(path.join("bench", `${name}-bench.ts`));
  const result = spawnSync(node, tsx, {
    cwd: ROOT,
    stdio: "inherit",
    env: { ...process.env, ...(quick ? { BENCH_QUICK: "1", BENCH_DURATION: process.env.BENCH_DURATION ?? "2" } : {}) },
  });
  if (result.status !== 0) failed += 1;
}
process.exit(failed ? 1 : 0);
