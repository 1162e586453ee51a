import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/client.ts";
import { requireDatabaseUrl } from "../env.ts";

export type Db = PrismaClient;
/** The client handed to `db.$transaction(async (tx) => …)` callbacks. */
export type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];

export function createDb(databaseUrl: string, options: { max?: number } = {}): Db {
  const adapter = new PrismaPg({ connectionString: databaseUrl, max: options.max ?? 10 });
  return new PrismaClient({ adapter });
}

// One client per process; Next.js dev reloads modules, so keep it on globalThis.
const globalForDb = globalThis as unknown as { couplingConsoleDb?: Db };

export function getDb(): Db {
  globalForDb.couplingConsoleDb ??= createDb(requireDatabaseUrl());
  return globalForDb.couplingConsoleDb;
}
