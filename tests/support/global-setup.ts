import type { TestProject } from "vitest/node";
import { applyMigrations } from "../../scripts/migrate-engine.ts";
import { createThrowawayDatabase, dropDatabase } from "./test-database.ts";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
  }
}

// One migrated throwaway database for the whole integration run; dropped at the end.
export default async function setup(project: TestProject) {
  const db = await createThrowawayDatabase("cc_test");
  await applyMigrations(db.url);
  process.env.DATABASE_URL = db.url;
  project.provide("databaseUrl", db.url);
  return async () => {
    await dropDatabase(db.name);
  };
}
