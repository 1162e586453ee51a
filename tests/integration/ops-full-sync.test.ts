import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SyncDirection } from "../../lib/db/generated/enums.ts";
import { dependencyOrder, recommendationFor, reviewFullSync, runFullSync } from "../../lib/integration/full-sync-service.ts";
import { createAccount, getAccount, startOpsEnv, type OpsEnv } from "./ops-fixtures.ts";

let env: OpsEnv;
const created: string[] = [];

beforeAll(async () => {
  env = await startOpsEnv();
});

afterAll(async () => {
  await env.db.coupling.deleteMany({ where: { mappingId: { in: created } } });
  await env.db.integrationTableMapping.deleteMany({ where: { id: { in: created } } });
  await env.close();
});

/** A customer ↔ account mapping over the records whose No. / account number start with `prefix` only. */
async function narrowMapping(name: string, prefix: string, dependencies: string[], matchOnName: boolean) {
  const field = (erpField: string, dataverseAttribute: string, direction: SyncDirection, sortOrder: number, extra = {}) => ({ erpField, dataverseAttribute, direction, sortOrder, ...extra });
  const row = await env.db.integrationTableMapping.create({
    data: {
      name,
      erpTable: "CUSTOMER",
      dataverseEntity: "account",
      direction: "BIDIRECTIONAL",
      tableFilter: [{ field: "no", operator: "startswith", value: prefix }],
      integrationTableFilter: [{ field: "accountnumber", operator: "startswith", value: prefix }],
      dependencies,
      fieldMappings: {
        create: [
          field("name", "name", "BIDIRECTIONAL", 10, { useForMatchBasedCoupling: matchOnName }),
          field("no", "accountnumber", "TO_INTEGRATION_TABLE", 20),
          field("city", "address1_city", "BIDIRECTIONAL", 30),
        ],
      },
    },
  });
  created.push(row.id);
  return row;
}

describe("full synchronization", () => {
  it("orders the default mappings: salespeople and currencies, then customers, then contacts", () => {
    const order = dependencyOrder([
      { id: "4", name: "CONTACT", dependencies: ["CUSTOMER"] },
      { id: "3", name: "CUSTOMER", dependencies: ["SALESPEOPLE", "CURRENCY"] },
      { id: "2", name: "CURRENCY", dependencies: [] },
      { id: "1", name: "SALESPEOPLE", dependencies: [] },
    ]).map((m) => m.name);
    expect(order.indexOf("SALESPEOPLE")).toBeLessThan(order.indexOf("CUSTOMER"));
    expect(order.indexOf("CURRENCY")).toBeLessThan(order.indexOf("CUSTOMER"));
    expect(order.indexOf("CUSTOMER")).toBeLessThan(order.indexOf("CONTACT"));
  });

  it("recommends as BC does", () => {
    expect(recommendationFor("CUSTOMER", 3, 2, null)).toBe("COUPLE_RECORDS");
    expect(recommendationFor("CUSTOMER", 3, 0, null)).toBe("FULL_SYNCHRONIZATION");
    expect(recommendationFor("CONTACT", 0, 0, null)).toBe("NO_RECORDS_FOUND");
    expect(recommendationFor("SALESPEOPLE", 0, 5, null)).toBe("FULL_SYNCHRONIZATION");
    expect(recommendationFor("CURRENCY", 4, 1, { exchangerate: 1 })).toBe("FULL_SYNCHRONIZATION");
    expect(recommendationFor("CURRENCY", 4, 3, null)).toBe("COUPLE_RECORDS");
  });

  it("reviews and runs mappings in dependency order, coupling matches first where both sides have records", async () => {
    const tag = randomBytes(3).toString("hex").toUpperCase();
    const parentPrefix = `P${tag}`;
    const childPrefix = `K${tag}`;
    // The dependent mapping's name sorts first, so only the dependency can put it second.
    const parent = await narrowMapping(`FSZ${tag}`, parentPrefix, [], false);
    const child = await narrowMapping(`FSA${tag}`, childPrefix, [parent.name], true);
    await env.db.customer.createMany({
      data: [
        { no: `${parentPrefix}1`, name: `Parent one ${tag}`, city: "Porto" },
        { no: `${parentPrefix}2`, name: `Parent two ${tag}`, city: "Braga" },
        { no: `${childPrefix}1`, name: `Child match ${tag}`, city: "Faro" },
      ],
    });
    const matchId = await createAccount(env.client, { name: `Child match ${tag}`, accountnumber: `${childPrefix}X`, address1_city: "Évora" });

    const review = await reviewFullSync(env.deps, [parent.id, child.id]);
    expect(review.map((l) => [l.mapping, l.erpCount, l.dataverseCount, l.recommendation])).toEqual([
      [parent.name, 2, 0, "FULL_SYNCHRONIZATION"],
      [child.name, 1, 1, "COUPLE_RECORDS"],
    ]);

    const result = await runFullSync(env.deps, env.actor, { mappingIds: [parent.id, child.id] });
    expect(result.lines.map((l) => l.mapping)).toEqual([parent.name, child.name]);
    const jobs = await env.db.syncJob.findMany({ where: { mappingId: { in: [parent.id, child.id] } }, orderBy: { startedAt: "asc" } });
    const parentDone = Math.max(...jobs.filter((j) => j.mappingId === parent.id).map((j) => j.finishedAt!.getTime()));
    const childStart = Math.min(...jobs.filter((j) => j.mappingId === child.id).map((j) => j.startedAt!.getTime()));
    expect(parentDone).toBeLessThanOrEqual(childStart);
    expect(jobs.filter((j) => j.mappingId === parent.id && j.type === "SYNCHRONIZATION").every((j) => j.trigger === "FULL_SYNC" && j.status === "SUCCEEDED")).toBe(true);
    // Progress is known from the start (the job is claimed with its record count), so the job log can show an ETA.
    expect(jobs.find((j) => j.mappingId === parent.id && j.direction === "TO_INTEGRATION_TABLE")).toMatchObject({ progressTotal: 2, progressDone: 2 });

    // Parent: both customers were created in Dataverse. Child: matched by name and coupled, not duplicated.
    expect(await env.db.coupling.count({ where: { mappingId: parent.id } })).toBe(2);
    const childCoupling = await env.db.coupling.findFirstOrThrow({ where: { mappingId: child.id } });
    expect(childCoupling.dataverseId).toBe(matchId);
    expect(await getAccount(env.client, matchId)).toMatchObject({ accountnumber: `${childPrefix}1`, address1_city: "Faro" });
    expect((await reviewFullSync(env.deps, [parent.id]))[0].isRunning).toBe(false);
  });
});
