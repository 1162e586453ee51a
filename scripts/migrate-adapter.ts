import { randomBytes } from "node:crypto";
import { PrismaPg } from "@prisma/adapter-pg";
import {
  DriverAdapterError,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
} from "@prisma/driver-adapter-utils";
import pg from "pg";

// The driver adapter the WebAssembly schema engine talks to PostgreSQL through. It is @prisma/adapter-pg with three
// repairs (see reference/stack-notes.md) plus one of our own, all needed for migrations to behave as with the native
// engine:
// 1. The schema describer reads pg_catalog columns of PostgreSQL's internal "char" type (OID 18), which adapter-pg
//    rejects as unsupported; we present those columns as text (OID 25), which is what their values are.
// 2. adapter-pg builds the shadow database pool from its config plus `database`, but a `connectionString` wins over
//    `database`, so the "shadow" would be the main database. We always pass discrete connection fields.
// 3. adapter-pg drops the shadow database before closing its pool and fails with "being accessed by other users";
//    we close the pool first and drop WITH (FORCE).
// 4. adapter-pg's executeScript splits a script on every ";" — including those inside $$-quoted function bodies —
//    so trigger functions in a migration would break. We send the script whole (simple query protocol), which is
//    what the native engine does.

export type PgConnectionFields = {
  host: string;
  port: number;
  user: string;
  password?: string;
  database: string;
  schema?: string;
  ssl?: pg.ClientConfig["ssl"];
};

const OID_CHAR = 18;
const OID_TEXT = 25;

export function parseDatabaseUrl(databaseUrl: string): PgConnectionFields {
  let url: URL;
  try {
    url = new URL(databaseUrl);
  } catch {
    throw new Error("DATABASE_URL is not a valid URL (expected postgresql://user:password@host:port/database).");
  }
  if (url.protocol !== "postgresql:" && url.protocol !== "postgres:") {
    throw new Error(`DATABASE_URL must start with postgresql:// (got ${url.protocol}//).`);
  }
  const database = decodeURIComponent(url.pathname.replace(/^\//, ""));
  if (!database) throw new Error("DATABASE_URL names no database (expected postgresql://…/<database>).");
  const sslmode = url.searchParams.get("sslmode");
  const ssl = sslmode === "require" || sslmode === "prefer" || sslmode === "no-verify" ? { rejectUnauthorized: false } : sslmode === "verify-full" || sslmode === "verify-ca" ? true : undefined;
  return {
    host: decodeURIComponent(url.hostname) || "localhost",
    port: url.port ? Number(url.port) : 5432,
    user: decodeURIComponent(url.username) || "postgres",
    password: url.password ? decodeURIComponent(url.password) : undefined,
    database,
    schema: url.searchParams.get("schema") ?? undefined,
    ssl,
  };
}

function charAsText(result: unknown): unknown {
  const results = Array.isArray(result) ? result : [result];
  for (const r of results) {
    const fields = (r as pg.QueryResult | undefined)?.fields;
    if (!fields) continue;
    for (const field of fields) {
      if (field.dataTypeID === OID_CHAR) field.dataTypeID = OID_TEXT;
    }
  }
  return result;
}

// pg.Client.query has many overloads; the pool calls it with a trailing callback, adapter-pg's transactions with a
// config object and no callback (promise). We wrap both and leave everything else (submittables) untouched.
class CharAsTextClient extends pg.Client {}
const baseQuery = pg.Client.prototype.query as (...args: unknown[]) => unknown;
(CharAsTextClient.prototype as unknown as { query: (...args: unknown[]) => unknown }).query = function query(
  this: pg.Client,
  ...args: unknown[]
) {
  const first = args[0] as { submit?: unknown } | undefined;
  if (first && typeof first === "object" && typeof first.submit === "function") return baseQuery.apply(this, args);
  const last = args[args.length - 1];
  if (typeof last === "function") {
    const callback = last as (err: Error | null, res?: unknown) => void;
    return baseQuery.apply(this, [...args.slice(0, -1), (err: Error | null, res: unknown) => callback(err, err ? res : charAsText(res))]);
  }
  return (baseQuery.apply(this, args) as Promise<unknown>).then(charAsText);
};

function poolConfig(fields: PgConnectionFields): pg.PoolConfig {
  return {
    host: fields.host,
    port: fields.port,
    user: fields.user,
    password: fields.password,
    database: fields.database,
    ssl: fields.ssl,
    Client: CharAsTextClient,
    // The engine takes a session-level advisory lock around migrations; one connection keeps lock and unlock on the
    // same session.
    max: 1,
    connectionTimeoutMillis: 10_000,
  };
}

function toDriverError(error: unknown): never {
  const e = error as pg.DatabaseError & { code?: string; errno?: number; syscall?: string };
  if (typeof e?.code === "string" && typeof e?.severity === "string") {
    throw new DriverAdapterError({
      kind: "postgres",
      code: e.code,
      severity: e.severity,
      message: e.message,
      detail: e.detail,
      column: e.column,
      hint: e.hint,
    });
  }
  throw error;
}

export type ScriptError = { message: string; code?: string; position?: string; line?: number };

function describeScriptError(script: string, error: unknown): ScriptError {
  const e = error as Partial<pg.DatabaseError>;
  const offset = e.position ? Number(e.position) : undefined;
  const line = offset ? script.slice(0, offset).split("\n").length : undefined;
  return { message: String(e.message ?? error), code: e.code, position: e.position, line };
}

export class MigrationPgAdapterFactory implements SqlMigrationAwareDriverAdapterFactory {
  readonly provider = "postgres" as const;
  readonly adapterName = "@prisma/adapter-pg";
  private readonly fields: PgConnectionFields;
  // The engine does not dispose its main connection when freed; we end every pool we opened in close().
  private readonly openPools = new Set<pg.Pool>();

  constructor(databaseUrl: string) {
    this.fields = parseDatabaseUrl(databaseUrl);
  }

  get databaseName(): string {
    return this.fields.database;
  }

  async connect(): Promise<SqlDriverAdapter> {
    return this.connectTo(this.fields);
  }

  async connectToShadowDb(): Promise<SqlDriverAdapter> {
    // Named after the main database so it shares its prefix (and whatever permissions come with it).
    const shadowName = `${this.fields.database.slice(0, 40)}_shadow_${randomBytes(6).toString("hex")}`;
    await this.admin(`CREATE DATABASE "${shadowName}"`);
    const adapter = await this.connectTo({ ...this.fields, database: shadowName });
    const dispose = adapter.dispose.bind(adapter);
    adapter.dispose = async () => {
      await dispose();
      await this.admin(`DROP DATABASE IF EXISTS "${shadowName}" WITH (FORCE)`);
    };
    return adapter;
  }

  /** The PostgreSQL error of the last migration script that failed, which the engine reports only by kind. */
  lastScriptError: ScriptError | undefined;

  async close(): Promise<void> {
    const pools = [...this.openPools];
    this.openPools.clear();
    await Promise.all(pools.map((pool) => pool.end()));
  }

  private async connectTo(fields: PgConnectionFields): Promise<SqlDriverAdapter> {
    const pool = new pg.Pool(poolConfig(fields));
    // A connection that dies while idle must not crash the process; the next query reports the failure.
    pool.on("error", () => undefined);
    this.openPools.add(pool);
    const adapter = await new PrismaPg(pool, { schema: fields.schema }).connect();
    adapter.executeScript = async (script: string) => {
      this.lastScriptError = undefined;
      try {
        await pool.query(script);
      } catch (error) {
        this.lastScriptError = describeScriptError(script, error);
        toDriverError(error);
      }
    };
    adapter.dispose = async () => {
      if (!this.openPools.delete(pool)) return;
      await pool.end();
    };
    return adapter;
  }

  private async admin(sql: string): Promise<void> {
    const client = new pg.Client({ ...poolConfig(this.fields), Client: undefined } as pg.ClientConfig);
    await client.connect();
    try {
      await client.query(sql);
    } catch (error) {
      toDriverError(error);
    } finally {
      await client.end();
    }
  }
}
