import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyMigrations, checkDrift, createMigration } from "../../scripts/migrate-engine.ts";
import { createThrowawayDatabase, dropDatabase } from "../support/test-database.ts";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const migrationsDir = path.join(root, "prisma", "migrations");
const schemaPath = path.join(root, "prisma", "schema.prisma");

async function migrationNames(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

function runCli(args: string[], env: Record<string, string | undefined>) {
  const result = spawnSync(process.execPath, [path.join(root, "node_modules/tsx/dist/cli.mjs"), "scripts/migrate.ts", ...args], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, DATABASE_URL: undefined, ...env },
  });
  return { status: result.status, stdout: result.stdout.trim(), stderr: result.stderr.trim() };
}

describe("migrations on the WebAssembly schema engine", () => {
  const databases: string[] = [];
  let url: string;

  beforeAll(async () => {
    const db = await createThrowawayDatabase("cc_test_migrations");
    databases.push(db.name);
    url = db.url;
  });

  afterAll(async () => {
    for (const name of databases) await dropDatabase(name);
  });

  it("applies every migration to an empty database, then finds no drift against schema.prisma", async () => {
    const { applied } = await applyMigrations(url);
    expect(applied).toEqual(await migrationNames(migrationsDir));
    expect(applied.some((name) => name.endsWith("_init"))).toBe(true);
    expect(applied.some((name) => name.endsWith("_change_capture"))).toBe(true);

    const drift = await checkDrift(url);
    expect(drift.summary).toContain("No drift");
    expect(drift.hasDrift).toBe(false);
  });

  it("applying again is a no-op", async () => {
    expect(await applyMigrations(url)).toEqual({ applied: [] });
    const rows = await query<{ n: string }>(url, `SELECT count(*)::text AS n FROM "_prisma_migrations"`);
    expect(Number(rows[0].n)).toBe((await migrationNames(migrationsDir)).length);
  });

  it("records Prisma's standard _prisma_migrations rows with sha256 checksums of the files", async () => {
    const columns = await query<{ column_name: string; data_type: string }>(
      url,
      `SELECT column_name, data_type FROM information_schema.columns WHERE table_name = '_prisma_migrations' ORDER BY column_name`,
    );
    expect(Object.fromEntries(columns.map((c) => [c.column_name, c.data_type]))).toEqual({
      applied_steps_count: "integer",
      checksum: "character varying",
      finished_at: "timestamp with time zone",
      id: "character varying",
      logs: "text",
      migration_name: "character varying",
      rolled_back_at: "timestamp with time zone",
      started_at: "timestamp with time zone",
    });

    const rows = await query<{
      migration_name: string;
      checksum: string;
      finished_at: Date | null;
      rolled_back_at: Date | null;
      applied_steps_count: number;
      logs: string | null;
    }>(url, `SELECT * FROM "_prisma_migrations" ORDER BY migration_name`);
    for (const row of rows) {
      const file = await readFile(path.join(migrationsDir, row.migration_name, "migration.sql"), "utf8");
      expect(row.checksum).toBe(createHash("sha256").update(file).digest("hex"));
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.rolled_back_at).toBeNull();
      expect(row.applied_steps_count).toBe(1);
      expect(row.logs).toBeNull();
    }
    expect(await readFile(path.join(migrationsDir, "migration_lock.toml"), "utf8")).toMatch(/^provider = "postgresql"$/m);
  });

  it("keeps the change-capture triggers and functions out of the drift report", async () => {
    const triggers = await query<{ tgname: string }>(
      url,
      `SELECT tgname FROM pg_trigger WHERE NOT tgisinternal ORDER BY tgname`,
    );
    expect(triggers.map((t) => t.tgname)).toEqual(
      ["Contact", "Currency", "Customer", "Salesperson"].flatMap((t) => [`${t}_record_deletion`, `${t}_stamp_change`]),
    );
    expect((await checkDrift(url)).hasDrift).toBe(false);
  });

  it("reports drift when the database was changed outside the migrations", async () => {
    await query(url, `DROP INDEX "Customer_city_no_idx"`);
    try {
      const drift = await checkDrift(url);
      expect(drift.hasDrift).toBe(true);
      expect(drift.summary).toContain("Customer");
    } finally {
      await query(url, `CREATE INDEX "Customer_city_no_idx" ON "Customer"("city", "no")`);
    }
    expect((await checkDrift(url)).hasDrift).toBe(false);
  });

  it("creates a migration from a schema change, applies it, and then says there is nothing to create", async () => {
    const work = await mkdtemp(path.join(tmpdir(), "cc-migrations-"));
    try {
      const dir = path.join(work, "migrations");
      await cp(migrationsDir, dir, { recursive: true });
      const changedSchema = path.join(work, "schema.prisma");
      const schema = await readFile(schemaPath, "utf8");
      await writeFile(
        changedSchema,
        schema.replace(/model Currency \{\n/, 'model Currency {\n  isoNumeric  String   @default("") @db.VarChar(3)\n'),
      );
      const other = await createThrowawayDatabase("cc_test_migrations_create");
      databases.push(other.name);

      const first = await createMigration(other.url, "add iso numeric", { migrationsDir: dir, schemaPath: changedSchema });
      expect(first.created).toMatch(/^\d{14}_add_iso_numeric$/);
      const sql = await readFile(path.join(dir, first.created as string, "migration.sql"), "utf8");
      expect(sql).toContain(`ALTER TABLE "Currency" ADD COLUMN     "isoNumeric" VARCHAR(3) NOT NULL DEFAULT ''`);
      const applied = await query<{ migration_name: string }>(other.url, `SELECT migration_name FROM "_prisma_migrations"`);
      expect(applied.map((r) => r.migration_name)).toContain(first.created);

      expect((await createMigration(other.url, "again", { migrationsDir: dir, schemaPath: changedSchema })).created).toBeNull();
      expect((await checkDrift(other.url, { migrationsDir: dir, schemaPath: changedSchema })).hasDrift).toBe(false);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });

  it("names the failed migration and PostgreSQL's error when a migration fails", async () => {
    const work = await mkdtemp(path.join(tmpdir(), "cc-migrations-"));
    try {
      const dir = path.join(work, "migrations");
      await cp(migrationsDir, dir, { recursive: true });
      const bad = "29990101000000_broken";
      await mkdir(path.join(dir, bad));
      await writeFile(path.join(dir, bad, "migration.sql"), `CREATE TABLE "Scratch" (id int);\nSELECT * FROM "NoSuchTable";\n`);
      const other = await createThrowawayDatabase("cc_test_migrations_fail");
      databases.push(other.name);

      await expect(applyMigrations(other.url, { migrationsDir: dir })).rejects.toThrow(
        `Migration ${bad} failed: relation "NoSuchTable" does not exist [SQLSTATE 42P01] (migration.sql line 2).`,
      );
      // The script ran as one implicit transaction: nothing of it stayed behind.
      const scratch = await query<{ n: string }>(other.url, `SELECT count(*)::text AS n FROM pg_tables WHERE tablename = 'Scratch'`);
      expect(scratch[0].n).toBe("0");
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });

  it("the CLI prints one clear line for a missing DATABASE_URL and for an unreachable database", () => {
    const missing = runCli(["deploy"], {});
    expect(missing.status).toBe(1);
    expect(missing.stderr).toBe("DATABASE_URL is not set: export DATABASE_URL=postgresql://user:password@host:5432/database");

    const unreachable = runCli(["deploy"], { DATABASE_URL: "postgresql://postgres@127.0.0.1:1/nothing" });
    expect(unreachable.status).toBe(1);
    expect(unreachable.stderr.split("\n")).toHaveLength(1);
    expect(unreachable.stderr).toContain("Can't reach database server at `127.0.0.1:1`");
  });

  it("the CLI deploys (nothing pending) and asks for a migration name", () => {
    const deploy = runCli(["deploy"], { DATABASE_URL: url });
    expect(deploy).toMatchObject({ status: 0, stdout: "No pending migrations." });
    const unnamed = runCli(["create"], { DATABASE_URL: url });
    expect(unnamed).toMatchObject({ status: 1, stderr: "Name the migration: npm run db:migrate -- <name>" });
  });
});
