import { createDb } from "../lib/db/db-client.ts";
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
