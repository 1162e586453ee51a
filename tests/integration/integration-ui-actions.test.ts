import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { saveConnectionAction, setConnectionEnabledAction, testConnectionAction } from "../../app/(console)/integration/connection/actions.ts";
import { startFullSyncAction } from "../../app/(console)/integration/full-sync-review/actions.ts";
import { resolveSyncErrorsAction } from "../../app/(console)/integration/sync-errors/actions.ts";
import {
  countFilterMatchesAction,
  removeCouplingsAction,
  runMatchBasedCouplingAction,
  saveMappingAction,
  setMappingPausedAction,
  synchronizeModifiedRecordsAction,
  useDefaultSetupAction,
} from "../../app/(console)/integration/table-mappings/actions.ts";
import { runAsUser, type SessionUser } from "../../lib/auth/authorize.ts";
import type { Db } from "../../lib/db/db-client.ts";
import type { Role } from "../../lib/db/generated/enums.ts";
import { ensureDefaultMappings } from "../../lib/integration/mapping-setup.ts";
import { testDb } from "../support/test-db.ts";

// The integration admin pages' server actions: refused on the server for roles that may not use them (nothing
// written), field-level messages for bad input (nothing written), and the outcome in the database otherwise.

let db: Db;

async function makeUser(role: Role): Promise<SessionUser> {
  const u = await db.user.create({ data: { email: `${role.toLowerCase()}-${randomUUID().slice(0, 8)}@ia-test.example`, name: `${role} person`, role, passwordHash: "x" } });
  return { id: u.id, email: u.email, name: u.name, role: u.role, locale: u.locale };
}

async function state() {
  const [audit, mapping, jobs, connections] = await Promise.all([
    db.auditEntry.count(),
    db.integrationTableMapping.findUniqueOrThrow({ where: { name: "CUSTOMER" }, select: { status: true, rowVersion: true, scheduleSeconds: true } }),
    db.syncJob.count(),
    db.dataverseConnection.findMany({ orderBy: { id: "asc" } }),
  ]);
  return { audit, mapping, jobs, connections };
}

beforeAll(async () => {
  db = testDb();
  await ensureDefaultMappings(db);
});

describe("integration admin actions", () => {
  it("refuses every mutating action to a viewer on the server, writing nothing", async () => {
    const viewer = await makeUser("VIEWER");
    const before = await state();
    const calls: (() => Promise<{ ok: boolean }>)[] = [
      () => synchronizeModifiedRecordsAction({ name: "CUSTOMER" }),
      () => setMappingPausedAction({ name: "CUSTOMER", isPaused: true }),
      () => useDefaultSetupAction({ names: ["CUSTOMER"] }),
      () => removeCouplingsAction({ name: "CUSTOMER" }),
      () => runMatchBasedCouplingAction({ name: "CUSTOMER", criteria: [{ erpField: "name" }] }),
      () => saveMappingAction({ name: "CUSTOMER", rowVersion: before.mapping.rowVersion, scheduleSeconds: 300 }),
      () => startFullSyncAction({}),
      () => resolveSyncErrorsAction({ action: "retryAll" }),
      () => saveConnectionAction({ environmentUrl: "https://contoso.crm4.dynamics.com", tenantId: "t", clientId: "c", clientSecret: "s" }),
      () => testConnectionAction({}),
      () => setConnectionEnabledAction({ isEnabled: false }),
    ];
    for (const call of calls) {
      const result = await runAsUser(viewer, call);
      expect(result).toMatchObject({ ok: false, code: "forbidden" });
    }
    expect(await state()).toEqual(before);
  });

  it("lets a user (not admin) retry errors but not manage mappings", async () => {
    const user = await makeUser("USER");
    expect(await runAsUser(user, () => setMappingPausedAction({ name: "CUSTOMER", isPaused: true }))).toMatchObject({ ok: false, code: "forbidden" });
    expect(await runAsUser(user, () => removeCouplingsAction({ name: "CUSTOMER" }))).toMatchObject({ ok: false, code: "forbidden" });
  });

  it("Pause and Resume change the mapping's status and are audited", async () => {
    const admin = await makeUser("ADMIN");
    expect(await runAsUser(admin, () => setMappingPausedAction({ name: "CUSTOMER", isPaused: true }))).toEqual({ ok: true, data: { status: "PAUSED" } });
    expect((await db.integrationTableMapping.findUniqueOrThrow({ where: { name: "CUSTOMER" } })).status).toBe("PAUSED");
    expect(await runAsUser(admin, () => setMappingPausedAction({ name: "CUSTOMER", isPaused: false }))).toEqual({ ok: true, data: { status: "READY" } });
    const audit = await db.auditEntry.findMany({ where: { userId: admin.id }, orderBy: { id: "asc" } });
    expect(audit.map((a) => a.action)).toEqual(["mapping.pause", "mapping.resume"]);
    expect(audit[0]).toMatchObject({ before: { status: "READY" }, after: { status: "PAUSED" } });
  });

  it("a mapping edit with a bad schedule answers a field message and stores nothing; a good one is stored and audited", async () => {
    const admin = await makeUser("ADMIN");
    const before = await state();
    const bad = await runAsUser(admin, () => saveMappingAction({ name: "CUSTOMER", rowVersion: before.mapping.rowVersion, scheduleSeconds: 1 }));
    expect(bad).toMatchObject({ ok: false, code: "invalid", fieldErrors: { scheduleSeconds: ["The schedule must be at least 5 seconds."] } });
    expect(await state()).toEqual(before);

    const next = before.mapping.scheduleSeconds === 240 ? 300 : 240;
    const good = await runAsUser(admin, () => saveMappingAction({ name: "CUSTOMER", rowVersion: before.mapping.rowVersion, scheduleSeconds: next }));
    expect(good).toEqual({ ok: true, data: { rowVersion: before.mapping.rowVersion + 1 } });
    const entry = await db.auditEntry.findFirstOrThrow({ where: { userId: admin.id, action: "mapping.update" } });
    expect(entry.before).toMatchObject({ scheduleSeconds: before.mapping.scheduleSeconds });
    expect(entry.after).toMatchObject({ scheduleSeconds: next });

    const stale = await runAsUser(admin, () => saveMappingAction({ name: "CUSTOMER", rowVersion: before.mapping.rowVersion, scheduleSeconds: 600 }));
    expect(stale).toMatchObject({ ok: false, code: "conflict" });
  });

  it("counts the ERP records a filter being edited selects, and reports an incomplete filter by field", async () => {
    const admin = await makeUser("ADMIN");
    const prefix = `IAF${randomUUID().slice(0, 4).toUpperCase()}`;
    await db.customer.createMany({ data: [1, 2, 3].map((n) => ({ no: `${prefix}${n}`, name: `Filter test ${n}` })) });
    const counted = await runAsUser(admin, () => countFilterMatchesAction({ name: "CUSTOMER", side: "erp", filter: [{ field: "no", operator: "startswith", value: prefix }] }));
    expect(counted).toEqual({ ok: true, data: { count: 3 } });
    const incomplete = await runAsUser(admin, () => countFilterMatchesAction({ name: "CUSTOMER", side: "erp", filter: [{ field: "no", operator: "startswith", value: "" }] }));
    expect(incomplete).toMatchObject({ ok: false, code: "invalid", fieldErrors: { "tableFilter.0.value": [expect.stringContaining("Enter a value")] } });
  });

  it("saving the connection validates the URL by field, keeps the secret encrypted and never returns it", async () => {
    const admin = await makeUser("ADMIN");
    const bad = await runAsUser(admin, () => saveConnectionAction({ environmentUrl: "not a url", tenantId: "", clientId: "c" }));
    expect(bad).toMatchObject({ ok: false, code: "invalid" });
    if (!bad.ok) expect(Object.keys(bad.fieldErrors ?? {}).sort()).toEqual(["environmentUrl", "tenantId"]);
    const existing = await db.dataverseConnection.findFirst({ orderBy: { createdAt: "asc" } });
    const saved = await runAsUser(admin, () =>
      saveConnectionAction({ environmentUrl: existing?.environmentUrl ?? "https://contoso.crm4.dynamics.com", tenantId: existing?.tenantId ?? "tenant", clientId: existing?.clientId ?? "client", clientSecret: existing ? "" : "s3cret-value" }),
    );
    expect(saved.ok).toBe(true);
    expect(JSON.stringify(saved)).not.toContain("s3cret-value");
    const row = await db.dataverseConnection.findFirstOrThrow({ orderBy: { createdAt: "asc" } });
    if (existing) expect(row.clientSecretEnc).toBe(existing.clientSecretEnc);
    else expect(row.clientSecretEnc).not.toContain("s3cret-value");
  });
});
