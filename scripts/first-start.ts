import { createDb } from "../lib/db/db-client.ts";
import { ensureDefaultConnection } from "../lib/integration/dataverse-connection.ts";
import { ensureDefaultMappings } from "../lib/integration/mapping-setup.ts";
import { seedDemoData, seedDemoUsers } from "../prisma/seed.ts";

/** Seeds the demo users and ERP data when the database has none yet; later starts keep whatever is there. */
export async function seedOnFirstStart(databaseUrl: string): Promise<boolean> {
  const db = createDb(databaseUrl);
  try {
    const isEmpty = (await db.user.count()) === 0 && (await db.customer.count()) === 0;
    if (!isEmpty) return false;
    await seedDemoUsers(db);
    await seedDemoData(db);
    return true;
  } finally {
    await db.$disconnect();
  }
}

/** The Dataverse connection (env or bundled emulator) and the four default mappings; idempotent, run on every start. */
export async function ensureIntegrationSetup(databaseUrl: string): Promise<void> {
  const db = createDb(databaseUrl);
  try {
    await ensureDefaultConnection(db);
    await ensureDefaultMappings(db);
  } finally {
    await db.$disconnect();
  }
}
