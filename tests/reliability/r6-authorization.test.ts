import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runAsUser } from "../../lib/auth/authorize.ts";
import { PERMISSIONS, roleHasPermission, type Permission } from "../../lib/auth/permissions.ts";
import { testDb } from "../support/test-db.ts";
import { callRoute, createRoleUser, databaseFingerprint, isActionResult, loadActions, loadRoutes, ROOT, type Action, type RoleUser, type RouteHandler } from "./app-surface.ts";
import { startReliabilityEnv, useConnection, type ReliabilityEnv } from "./reliability-fixtures.ts";

// R6 authorization (issue 6): every server action and every API route handler × every role (viewer, user, admin).
// A role without the permission is refused on the server (action: {ok:false, code:"forbidden"}; route: 403) and
// nothing is written; a role with it gets past the check (it is sent input that is not even an object, so it is
// refused as invalid — still nothing written). The permission of a route is read from its source (the argument of
// apiRoute/opsRoute); the permission of an action comes from the table below, which must list every exported action
// (a new one fails this test until it is added) and must agree with the action's own requirePermission("…") call
// wherever the action makes it directly.

const ACTION_PERMISSIONS: Record<string, Permission> = {
  // ERP records
  createCustomer: "erp.write",
  updateCustomer: "erp.write",
  deleteCustomer: "erp.write",
  createContact: "erp.write",
  updateContact: "erp.write",
  deleteContact: "erp.write",
  findCustomerOptions: "erp.read",
  createSalesperson: "erp.write",
  updateSalesperson: "erp.write",
  deleteSalesperson: "erp.write",
  createCurrency: "erp.write",
  updateCurrency: "erp.write",
  deleteCurrency: "erp.write",
  // coupling actions on customer and contact cards and lists (one set; the table is part of the input)
  couplingDialogAction: "coupling.manage",
  searchDataverseRecordsAction: "coupling.manage",
  previewCouplingAction: "coupling.manage",
  setUpCouplingAction: "coupling.manage",
  recommendSynchronizationAction: "sync.run",
  synchronizeRecordsAction: "sync.run",
  deleteCouplingsAction: "coupling.manage",
  matchCriteriaAction: "coupling.manage",
  previewRecordMatchAction: "coupling.manage",
  startRecordMatchAction: "coupling.manage",
  // integration administration
  synchronizeModifiedRecordsAction: "sync.run",
  setMappingPausedAction: "mapping.manage",
  useDefaultSetupAction: "mapping.manage",
  removeCouplingsAction: "couplings.remove-all",
  previewMatchBasedCouplingAction: "mapping.manage",
  runMatchBasedCouplingAction: "mapping.manage",
  jobProgressAction: "integration.read",
  saveMappingAction: "mapping.manage",
  countFilterMatchesAction: "integration.read",
  startFullSyncAction: "full-sync.run",
  resolveSyncErrorsAction: "sync-errors.resolve",
  compareCouplingAction: "integration.read",
  saveConnectionAction: "connection.manage",
  testConnectionAction: "connection.manage",
  setConnectionEnabledAction: "connection.manage",
  // users, tokens, profile
  createUserAction: "users.manage",
  changeUserRoleAction: "users.manage",
  setUserActiveAction: "users.manage",
  resetUserPasswordAction: "users.manage",
  createOwnApiTokenAction: "api-tokens.manage-own",
  revokeApiTokenAction: "api-tokens.manage-own",
  setOwnLocaleAction: "profile.update-own",
};

const ROLES = ["VIEWER", "USER", "ADMIN"] as const;
const NOT_AN_OBJECT = "not an object";

let env: ReliabilityEnv;
let users: Record<(typeof ROLES)[number], RoleUser>;
let actions: Action[];
let routes: RouteHandler[];

beforeAll(async () => {
  const db = testDb();
  env = await startReliabilityEnv({ db });
  await useConnection(db, env.emulator.url);
  const suffix = Date.now().toString(36);
  users = { VIEWER: await createRoleUser(db, "VIEWER", suffix), USER: await createRoleUser(db, "USER", suffix), ADMIN: await createRoleUser(db, "ADMIN", suffix) };
  actions = await loadActions();
  routes = await loadRoutes();
});

afterAll(async () => {
  await env?.close();
});

/** The permission an exported action checks itself, when its body calls requirePermission directly. */
function declaredPermission(action: Action): string | null {
  const source = fs.readFileSync(path.join(ROOT, action.file), "utf8");
  const start = source.search(new RegExp(`export (?:async )?function ${action.name}\\b`));
  if (start < 0) return null;
  const next = source.slice(start + 1).search(/\nexport /);
  const body = source.slice(start, next < 0 ? undefined : start + 1 + next);
  return /requirePermission\("([^"]+)"\)/.exec(body)?.[1] ?? null;
}

describe("R6 server actions × roles", () => {
  it("every exported action is listed with its permission, and the table agrees with the source", () => {
    expect(actions.length).toBeGreaterThan(40);
    const names = actions.map((a) => a.name);
    expect(names.filter((n, i) => names.indexOf(n) !== i), "action names exported twice").toEqual([]);
    expect(actions.filter((a) => !(a.name in ACTION_PERMISSIONS)).map((a) => `${a.file}: ${a.name}`), "actions missing from ACTION_PERMISSIONS").toEqual([]);
    for (const a of actions) {
      expect(Object.keys(PERMISSIONS)).toContain(ACTION_PERMISSIONS[a.name]);
      const declared = declaredPermission(a);
      if (declared) expect(declared, `${a.file}: ${a.name}`).toBe(ACTION_PERMISSIONS[a.name]);
    }
  });

  for (const role of ROLES) {
    it(`as ${role}: refused exactly where lib/auth/permissions.ts says so, and a refusal writes nothing`, async () => {
      const db = testDb();
      const wrong: string[] = [];
      for (const action of actions) {
        const permission = ACTION_PERMISSIONS[action.name];
        if (!permission) continue;
        const before = await databaseFingerprint(db);
        let result: unknown;
        try {
          result = await runAsUser(users[role], () => action.call(NOT_AN_OBJECT));
        } catch (error) {
          wrong.push(`${action.name}: threw ${(error as Error).message}`);
          continue;
        }
        if (!isActionResult(result)) {
          wrong.push(`${action.name}: did not return an ActionResult`);
          continue;
        }
        if (roleHasPermission(role, permission)) {
          if (result.code === "forbidden" || result.code === "unauthenticated") wrong.push(`${action.name}: refused ${role} (${result.message}), who has ${permission}`);
        } else if (result.ok || result.code !== "forbidden") {
          wrong.push(`${action.name}: let ${role} through without ${permission} (${JSON.stringify(result).slice(0, 200)})`);
        }
        const after = await databaseFingerprint(db);
        const changed = Object.keys(after).filter((t) => after[t] !== before[t]);
        if (changed.length > 0) wrong.push(`${action.name} as ${role}: wrote to ${changed.join(", ")}`);
      }
      expect(wrong).toEqual([]);
    });
  }
});

describe("R6 API routes × roles", () => {
  it("every mutating route handler declares a permission from the table", () => {
    expect(routes.length).toBeGreaterThan(15);
    for (const route of routes) {
      if (route.method === "GET" && route.permission === null) continue;
      expect(Object.keys(PERMISSIONS), `${route.method} ${route.url}`).toContain(route.permission);
    }
  });

  for (const role of ROLES) {
    it(`as ${role}: 403 exactly where lib/auth/permissions.ts says so, never a 5xx, and a refusal writes nothing`, async () => {
      const db = testDb();
      const wrong: string[] = [];
      for (const route of routes) {
        if (!route.permission) continue;
        const before = await databaseFingerprint(db);
        const response = await probeRoute(route, users[role].token);
        const label = `${route.method} ${route.url} as ${role}`;
        if (roleHasPermission(role, route.permission as Permission)) {
          if (response.status === 401 || response.status === 403 || response.status >= 500) wrong.push(`${label}: ${response.status} (has ${route.permission})`);
        } else if (response.status !== 403) {
          wrong.push(`${label}: ${response.status}, expected 403 (lacks ${route.permission})`);
        } else {
          const body = (await response.json()) as { error?: { code?: string } };
          if (body.error?.code !== "forbidden") wrong.push(`${label}: 403 without the forbidden envelope`);
        }
        const after = await databaseFingerprint(db);
        const changed = Object.keys(after).filter((t) => after[t] !== before[t]);
        if (changed.length > 0) wrong.push(`${label}: wrote to ${changed.join(", ")}`);
      }
      expect(wrong).toEqual([]);
    });
  }

  it("without a valid token every route with a permission answers 401", async () => {
    for (const route of routes) {
      if (!route.permission) continue;
      expect((await probeRoute(route, "cc_not-a-token")).status, `${route.method} ${route.url}`).toBe(401);
    }
  });
});

function probeRoute(route: RouteHandler, token: string): Promise<Response> {
  return callRoute(route, { token, body: JSON.stringify(NOT_AN_OBJECT) });
}
