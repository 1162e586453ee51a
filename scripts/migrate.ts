import path from "node:path";
import { z } from "zod";
import { applyMigrations, checkDrift, createMigration, MigrationError } from "./migrate-engine.ts";

// The migrations CLI behind `npm run db:migrate -- <name>` (create + apply), `npm run db:deploy` (apply pending) and
// `tsx scripts/migrate.ts drift` (compare the database with schema.prisma). Every failure is one line on stderr and
// exit code 1.

const usage = [
  "Usage:",
  "  npm run db:migrate -- <name>   create a migration from the changes in prisma/schema.prisma and apply it",
  "  npm run db:deploy              apply pending migrations",
  "  npx tsx scripts/migrate.ts drift   report differences between the database and prisma/schema.prisma",
].join("\n");

const envSchema = z.object({
  DATABASE_URL: z
    .string({ error: "DATABASE_URL is not set: export DATABASE_URL=postgresql://user:password@host:5432/database" })
    .trim()
    .regex(/^postgres(ql)?:\/\//, { error: "DATABASE_URL must start with postgresql:// (e.g. postgresql://user:password@host:5432/database)" }),
});

const nameSchema = z
  .string({ error: "Name the migration: npm run db:migrate -- <name>" })
  .trim()
  .regex(/^[A-Za-z0-9_-]{1,100}$/, { error: "A migration name uses letters, digits, _ and - only (at most 100)." });

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2);
  if (command !== "create" && command !== "deploy" && command !== "drift") fail(usage);

  const env = envSchema.safeParse(process.env);
  if (!env.success) fail(env.error.issues[0].message);
  const databaseUrl = env.data.DATABASE_URL;

  if (command === "deploy") {
    const { applied } = await applyMigrations(databaseUrl);
    console.log(applied.length === 0 ? "No pending migrations." : `Applied ${applied.length}: ${applied.join(", ")}`);
    return;
  }

  if (command === "drift") {
    const { hasDrift, summary } = await checkDrift(databaseUrl);
    console.log(summary);
    if (hasDrift) process.exitCode = 1;
    return;
  }

  const name = nameSchema.safeParse(rest.join("_") || undefined);
  if (!name.success) fail(name.error.issues[0].message);
  const { created, warnings } = await createMigration(databaseUrl, name.data);
  for (const warning of warnings) process.stderr.write(`Warning: ${warning}\n`);
  if (created === null) {
    console.log("No changes: prisma/schema.prisma matches the migrations. Nothing created.");
    return;
  }
  console.log(`Created and applied ${path.join("prisma", "migrations", created, "migration.sql")}`);
}

main().catch((error: unknown) => {
  if (error instanceof MigrationError) fail(error.message);
  fail(`Migration failed: ${error instanceof Error ? error.message : String(error)}`);
});
