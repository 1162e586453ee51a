import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as couplingItem from "../../app/api/v1/couplings/[table]/[no]/route.ts";
import * as couplings from "../../app/api/v1/couplings/route.ts";
import * as jobItem from "../../app/api/v1/jobs/[id]/route.ts";
import * as jobs from "../../app/api/v1/jobs/route.ts";
import * as fullSync from "../../app/api/v1/mappings/[name]/full-sync/route.ts";
import * as matchCoupling from "../../app/api/v1/mappings/[name]/match-based-coupling/route.ts";
import * as removeCouplings from "../../app/api/v1/mappings/[name]/remove-couplings/route.ts";
import * as mappingItem from "../../app/api/v1/mappings/[name]/route.ts";
import * as run from "../../app/api/v1/mappings/[name]/run/route.ts";
import * as mappings from "../../app/api/v1/mappings/route.ts";
import * as openapi from "../../app/api/v1/openapi.json/route.ts";
import * as syncLog from "../../app/api/v1/records/[table]/[no]/sync-log/route.ts";
import * as syncErrorActions from "../../app/api/v1/sync-errors/actions/route.ts";
import * as syncErrors from "../../app/api/v1/sync-errors/route.ts";
import * as synchronize from "../../app/api/v1/synchronize/route.ts";
import { apiRequest, createCustomer, createRoleUsers, resetCustomerMapping, routeParams, startOpsEnv, type OpsEnv, type RoleUsers } from "./ops-fixtures.ts";

// Every integration route × every role: refused with 403 exactly where lib/auth/permissions.ts says so. An allowed
// role is sent bad input (or a harmless read), so passing the permission check is visible without side effects.

let env: OpsEnv;
let users: RoleUsers;
let customerNo: string;

beforeAll(async () => {
  env = await startOpsEnv();
  users = await createRoleUsers(env.db);
  await resetCustomerMapping(env.db);
  customerNo = (await createCustomer(env.db, { name: "Authorization probe" })).no;
});

afterAll(async () => {
  await env.close();
});

type Role = "viewer" | "user" | "admin";
type Handler = (request: Request, route: { params: Promise<never> }) => Promise<Response>;
type Case = { name: string; minimum: Role; call: (token: string) => Promise<Response> };

const call = (handler: unknown, method: string, path: string, params: Record<string, string>, body?: unknown) => (token: string) =>
  (handler as Handler)(apiRequest(method, path, { token, body }), routeParams(params) as { params: Promise<never> });

const BAD = { unexpected: true };

const cases = (): Case[] => [
  { name: "GET /mappings", minimum: "viewer", call: call(mappings.GET, "GET", "/api/v1/mappings", {}) },
  { name: "GET /mappings/{name}", minimum: "viewer", call: call(mappingItem.GET, "GET", "/api/v1/mappings/CUSTOMER", { name: "CUSTOMER" }) },
  { name: "PATCH /mappings/{name}", minimum: "admin", call: call(mappingItem.PATCH, "PATCH", "/api/v1/mappings/CUSTOMER", { name: "CUSTOMER" }, BAD) },
  { name: "POST /mappings/{name}/run", minimum: "user", call: call(run.POST, "POST", "/api/v1/mappings/CUSTOMER/run", { name: "CUSTOMER" }, BAD) },
  { name: "GET /mappings/{name}/full-sync", minimum: "viewer", call: call(fullSync.GET, "GET", "/api/v1/mappings/CURRENCY/full-sync", { name: "CURRENCY" }) },
  { name: "POST /mappings/{name}/full-sync", minimum: "admin", call: call(fullSync.POST, "POST", "/api/v1/mappings/CUSTOMER/full-sync", { name: "CUSTOMER" }, BAD) },
  { name: "POST /mappings/{name}/match-based-coupling", minimum: "admin", call: call(matchCoupling.POST, "POST", "/api/v1/mappings/CUSTOMER/match-based-coupling", { name: "CUSTOMER" }, BAD) },
  { name: "POST /mappings/{name}/remove-couplings", minimum: "admin", call: call(removeCouplings.POST, "POST", "/api/v1/mappings/CUSTOMER/remove-couplings", { name: "CUSTOMER" }, BAD) },
  { name: "GET /couplings", minimum: "viewer", call: call(couplings.GET, "GET", "/api/v1/couplings?table=customer", {}) },
  { name: "POST /couplings", minimum: "user", call: call(couplings.POST, "POST", "/api/v1/couplings", {}, BAD) },
  { name: "DELETE /couplings/{table}/{no}", minimum: "user", call: call(couplingItem.DELETE, "DELETE", "/api/v1/couplings/nope/X", { table: "nope", no: "X" }) },
  { name: "POST /synchronize", minimum: "user", call: call(synchronize.POST, "POST", "/api/v1/synchronize", {}, BAD) },
  { name: "GET /jobs", minimum: "viewer", call: call(jobs.GET, "GET", "/api/v1/jobs", {}) },
  { name: "GET /jobs/{id}", minimum: "viewer", call: call(jobItem.GET, "GET", "/api/v1/jobs/00000000-0000-0000-0000-000000000000", { id: "00000000-0000-0000-0000-000000000000" }) },
  { name: "GET /records/{table}/{no}/sync-log", minimum: "viewer", call: (token) => call(syncLog.GET, "GET", `/api/v1/records/customer/${customerNo}/sync-log`, { table: "customer", no: customerNo })(token) },
  { name: "GET /sync-errors", minimum: "viewer", call: call(syncErrors.GET, "GET", "/api/v1/sync-errors?pageSize=5", {}) },
  { name: "POST /sync-errors/actions", minimum: "user", call: call(syncErrorActions.POST, "POST", "/api/v1/sync-errors/actions", {}, BAD) },
];

const RANK: Record<Role, number> = { viewer: 0, user: 1, admin: 2 };

describe("API v1 integration routes: authorization per role", () => {
  for (const role of ["viewer", "user", "admin"] as const) {
    it(`as ${role}: 403 exactly where the permissions table says so`, async () => {
      const before = await env.db.auditEntry.count();
      for (const c of cases()) {
        const response = await c.call(users[role].token);
        if (RANK[role] < RANK[c.minimum]) {
          expect(response.status, `${c.name} as ${role}`).toBe(403);
          expect(await response.json()).toMatchObject({ error: { code: "forbidden" } });
        } else {
          expect([401, 403], `${c.name} as ${role} (got ${response.status})`).not.toContain(response.status);
          expect(response.status, `${c.name} as ${role}`).toBeLessThan(500);
        }
      }
      expect(await env.db.auditEntry.count()).toBe(before);
    });
  }

  it("answers 401 without a valid token", async () => {
    for (const c of cases()) expect((await c.call("cc_not-a-token")).status, c.name).toBe(401);
  });

  it("serves the OpenAPI 3.1 document generated from the schemas", async () => {
    const response = openapi.GET();
    const doc = await response.json();
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(["/api/v1/couplings", "/api/v1/synchronize", "/api/v1/sync-errors/actions", "/api/v1/mappings/{name}/match-based-coupling"]));
    const body = doc.paths["/api/v1/couplings"].post.requestBody.content["application/json"].schema;
    expect(body.properties).toMatchObject({ table: expect.any(Object), no: expect.any(Object), dataverseId: expect.any(Object), syncAfterCoupling: expect.any(Object) });
    expect(doc.paths["/api/v1/couplings"].post["x-permission"]).toBe("coupling.manage");
  });
});
