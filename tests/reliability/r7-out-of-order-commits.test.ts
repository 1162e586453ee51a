import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { isLong, startReliabilityEnv, syncCustomers, uniqueWord, waitForChangeCaptureHorizon, type ReliabilityEnv } from "./reliability-fixtures.ts";

// R7 out-of-order commits (issue 6): a transaction that started writing before others — and before a sync run —
// commits after them, or during the run. Change capture must hand its row to a later run: no missed change.
// Rounds: 6 in `npm test`, 30 with --long; each round commits the late transaction at a random moment (before the run
// ends, between runs) and holds an insert and an update open.

const ROUNDS = isLong ? 30 : 6;

let env: ReliabilityEnv;

beforeAll(async () => {
  env = await startReliabilityEnv();
});

afterAll(async () => {
  await env?.close();
});

async function accountOf(erpId: string): Promise<Record<string, unknown>> {
  const coupling = await env.db.coupling.findUniqueOrThrow({ where: { erpTable_erpId: { erpTable: "CUSTOMER", erpId } } });
  return env.client.retrieve("accounts", coupling.dataverseId);
}

describe("R7 a transaction committing after a sync run read past it", () => {
  for (let round = 1; round <= ROUNDS; round += 1) {
    it(`round ${round}: the late update and the late insert both reach Dataverse`, async () => {
      const { db, client } = env;
      const word = uniqueWord("L");
      const early = await db.customer.create({ data: { no: `${word}E`, name: `${word} early`, city: "Start" } });
      const late = await db.customer.create({ data: { no: `${word}L`, name: `${word} late`, city: "Start" } });
      await waitForChangeCaptureHorizon(db);
      await syncCustomers(db, client);

      // The late transaction takes its transaction id first (it writes first), then stays open.
      const tx = new pg.Client({ connectionString: inject("databaseUrl") });
      await tx.connect();
      try {
        await tx.query("BEGIN");
        await tx.query(`UPDATE "Customer" SET "city" = 'Late city' WHERE "id" = $1`, [late.id]);
        await tx.query(`INSERT INTO "Customer" ("id", "no", "name", "updatedAt") VALUES (gen_random_uuid(), $1, $2, now())`, [`${word}I`, `${word} inserted late`]);

        // A later transaction commits first, and a run reads past it while the first one is still open.
        await db.customer.update({ where: { id: early.id }, data: { city: "Early city" } });
        const commitDuringRun = round % 2 === 0;
        const run = syncCustomers(db, client);
        if (commitDuringRun) {
          await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 40)));
          await tx.query("COMMIT");
        }
        await run;
        if (!commitDuringRun) {
          // While the late transaction is open, change capture holds back everything from its id on (the early
          // edit included: delayed, never lost); an uncommitted value never leaks out.
          expect((await accountOf(late.id)).address1_city).toBe("Start");
          await tx.query("COMMIT");
        }
      } finally {
        await tx.end();
      }

      await waitForChangeCaptureHorizon(db);
      const next = await syncCustomers(db, client);
      for (const job of next.jobs) expect(job.counters.failed, job.message ?? "").toBe(0);
      expect((await accountOf(early.id)).address1_city).toBe("Early city");
      expect((await accountOf(late.id)).address1_city).toBe("Late city");
      const inserted = await db.customer.findUniqueOrThrow({ where: { no: `${word}I` } });
      expect((await accountOf(inserted.id)).name).toBe(`${word} inserted late`);
      // Exactly one account per customer of the round.
      const accounts = await client.queryAll("accounts", { select: ["name"] });
      expect(accounts.filter((a) => String(a.name).startsWith(`${word} `))).toHaveLength(3);
    });
  }
});
