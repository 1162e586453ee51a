import { inject } from "vitest";
import { getDb, type Db } from "../../lib/db/db-client.ts";

/** The integration run's migrated database (see global-setup.ts), through the same client the app uses. */
export function testDb(): Db {
  process.env.DATABASE_URL = inject("databaseUrl");
  return getDb();
}
