import { spawn } from "node:child_process";
import { getEnv } from "../lib/env.ts";
import { workerCommand } from "./launch-support.ts";

// `npm run worker`: one worker process for a scaled set-up (docker-compose.yml, or by hand next to `npm run web`),
// run the way `npm start` runs its own — compiled (built first when a source changed) and with the heap bound of
// WORKER_MAX_HEAP_MB — instead of through tsx. A stop signal is passed on, so the worker finishes or hands back its
// jobs before this process exits with the worker's own exit code.

let command: [string, string[]];
try {
  command = workerCommand({ maxHeapMb: getEnv().WORKER_MAX_HEAP_MB, log: (line) => process.stdout.write(`${line}\n`) });
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}

const [node, args] = command;
const child = spawn(node, args, { stdio: "inherit" });
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
