import { parseArgs } from "node:util";
import { z } from "zod";
import { startEmulator } from "./emulator-server.ts";

// CLI: `npm run emulator -- --port 5555 --seed demo --latency-ms 25 --throttle default --fail-rate 0.05`.

const { values } = parseArgs({
  options: {
    port: { type: "string" },
    "data-dir": { type: "string" },
    "no-persist": { type: "boolean" },
    seed: { type: "string" },
    "latency-ms": { type: "string" },
    "jitter-ms": { type: "string" },
    "fail-rate": { type: "string" },
    "drop-rate": { type: "string" },
    throttle: { type: "string" },
    quiet: { type: "boolean" },
  },
});

const env = z
  .object({
    EMULATOR_PORT: z.coerce.number().int().min(0).max(65535).optional(),
    EMULATOR_CLIENT_ID: z.string().min(1).optional(),
    EMULATOR_CLIENT_SECRET: z.string().min(1).optional(),
    EMULATOR_CONSOLE_URL: z.string().url().optional(),
    EMULATOR_DATA_DIR: z.string().min(1).optional(),
  })
  .parse(process.env);

const flags = z
  .object({
    port: z.coerce.number().int().min(0).max(65535).optional(),
    dataDir: z.string().min(1).optional(),
    seed: z.enum(["demo", "none"]).default("demo"),
    latencyMs: z.coerce.number().min(0).optional(),
    jitterMs: z.coerce.number().min(0).optional(),
    failRate: z.coerce.number().min(0).max(1).optional(),
    dropRate: z.coerce.number().min(0).max(1).optional(),
    throttle: z.enum(["off", "default"]).default("off"),
  })
  .parse({
    port: values.port,
    dataDir: values["data-dir"],
    seed: values.seed,
    latencyMs: values["latency-ms"],
    jitterMs: values["jitter-ms"],
    failRate: values["fail-rate"],
    dropRate: values["drop-rate"],
    throttle: values.throttle,
  });

const emulator = await startEmulator({
  port: flags.port ?? env.EMULATOR_PORT ?? 5555,
  dataDir: values["no-persist"] ? null : (flags.dataDir ?? env.EMULATOR_DATA_DIR ?? ".data/dataverse"),
  seed: flags.seed,
  clientId: env.EMULATOR_CLIENT_ID,
  clientSecret: env.EMULATOR_CLIENT_SECRET,
  consoleUrl: env.EMULATOR_CONSOLE_URL,
  latencyMs: flags.latencyMs,
  jitterMs: flags.jitterMs,
  failRate: flags.failRate,
  dropRate: flags.dropRate,
  throttle: flags.throttle,
  quiet: values.quiet,
});

let stopping = false;
const stop = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  if (!values.quiet) console.log(`emulator: ${signal} received, saving data and stopping`);
  await emulator.close();
  process.exit(0);
};
process.on("SIGINT", () => void stop("SIGINT"));
process.on("SIGTERM", () => void stop("SIGTERM"));
