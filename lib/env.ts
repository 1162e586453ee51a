import { z } from "zod";

// The one place process.env is read. Parsed lazily so `next build` and scripts that need only part of the
// configuration do not fail on variables they never use.

const optionalUrl = z
  .string()
  .trim()
  .transform((v) => (v === "" ? undefined : v))
  .pipe(z.url().optional())
  .optional();

const optionalText = z
  .string()
  .trim()
  .transform((v) => (v === "" ? undefined : v))
  .optional();

export const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATABASE_URL: optionalUrl,
  REDIS_URL: optionalUrl,
  DATAVERSE_URL: optionalUrl,
  DATAVERSE_TENANT_ID: optionalText,
  DATAVERSE_CLIENT_ID: optionalText,
  DATAVERSE_CLIENT_SECRET: optionalText,
  DATAVERSE_AUTHORITY_HOST: optionalUrl,
  NEXTAUTH_URL: optionalUrl,
  NEXTAUTH_SECRET: optionalText,
  ENCRYPTION_KEY: optionalText,
  AZURE_AD_CLIENT_ID: optionalText,
  AZURE_AD_CLIENT_SECRET: optionalText,
  AZURE_AD_TENANT_ID: optionalText,
  /** Where `npm start` keeps the embedded database, the emulator's data and generated secrets. */
  DATA_DIR: optionalText,
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  EMULATOR_PORT: z.coerce.number().int().min(1).max(65535).default(5555),
  /** Where the bundled emulator listens (set by the launcher); the emulator connection row takes its URL from here. */
  EMULATOR_URL: optionalUrl,
  /** Seconds between the worker's cheap Dataverse delta polls per mapping (0 disables them). */
  DATAVERSE_POLL_SECONDS: z.coerce.number().min(0).max(3600).default(5),
  /** Milliseconds between the worker's ERP change-capture polls that trigger runs after ERP edits (0 disables them). */
  ERP_POLL_MS: z.coerce.number().int().min(0).max(60_000).default(500),
  /**
   * Seconds a transaction may stay open on the PostgreSQL server (after writing) before /api/health warns that it
   * holds back ERP change capture (0 disables the check).
   */
  OPEN_TRANSACTION_WARN_SECONDS: z.coerce.number().int().min(0).max(86_400).default(60),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  /**
   * Seconds a worker's hold on a running job lasts unrenewed (renewed at half of it): when a worker dies, its jobs go
   * back to the queue for another worker within one to two of these. Too short for a worker whose event loop is busy
   * that long, and its job would run twice (harmless, only slower).
   */
  WORKER_LOCK_SECONDS: z.coerce.number().int().min(2).max(600).default(30),
  /**
   * The V8 old-generation limit of the worker `npm start` runs, in MB (node --max-old-space-size; 0 = Node's default,
   * a share of the machine's memory). Unbounded, V8 collects lazily while a large run allocates and the worker's memory
   * grows with the size of the run (bench/README.md, P5).
   */
  WORKER_MAX_HEAP_MB: z.coerce
    .number()
    .int()
    .refine((mb) => mb === 0 || (mb >= 96 && mb <= 65_536), "0 (Node's default) or 96 to 65536 MB")
    .default(192),
  LOGIN_RATE_LIMIT: z.coerce.number().int().min(1).default(10),
});

export type Env = z.infer<typeof envSchema>;

let cached: Env | undefined;

export function getEnv(): Env {
  if (cached) return cached;
  const parsed = envSchema.safeParse(process.env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join("\n")}`);
  }
  cached = parsed.data;
  return cached;
}

/**
 * The launcher completes the configuration it hands to its children (generated secrets, embedded database and
 * emulator URLs); it does so through here so its own later reads see the same values.
 */
export function provideEnvDefaults(values: Partial<Record<keyof Env, string>>): Env {
  for (const [key, value] of Object.entries(values)) {
    if (value !== undefined && !process.env[key]) process.env[key] = value;
  }
  cached = undefined;
  return getEnv();
}

export function requireDatabaseUrl(): string {
  const url = getEnv().DATABASE_URL;
  if (!url) throw new Error("DATABASE_URL is not set. Start the console with `npm start`, which provides one.");
  return url;
}

export function isEntraIdConfigured(env: Env = getEnv()): boolean {
  return Boolean(env.AZURE_AD_CLIENT_ID && env.AZURE_AD_CLIENT_SECRET && env.AZURE_AD_TENANT_ID);
}
