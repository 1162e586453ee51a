import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runAsUser } from "../../lib/auth/authorize.ts";
import { testDb } from "../support/test-db.ts";
import { actionFiles, callRoute, createRoleUser, databaseFingerprint, isActionResult, loadActions, loadRoutes, ROOT, type Action, type RoleUser, type RouteHandler } from "./app-surface.ts";
import { isLong, startReliabilityEnv, useConnection, type ReliabilityEnv } from "./reliability-fixtures.ts";
import path from "node:path";

// R5 bad input (issue 6): every server action and every API route handler, called as an admin (so the permission
// check passes and the input reaches validation) with fast-check-generated invalid payloads — wrong types, over-long
// strings, SQL/OData/HTML injection strings in names, filters, search terms and route parameters, broken JSON:
// - an action never throws: it returns an ActionResult; a route never answers 5xx;
// - a refusal writes nothing (database fingerprint unchanged) and says why: "invalid" comes with field-level
//   messages (fieldErrors / error.details); no stack traces in messages;
// - if a payload happens to be acceptable the call may write — that is not a refusal — and the next call is
//   compared with the new state.
// Counts: 8 payloads per action and per route handler in `npm test`, 40 with --long.
// Replay: the seed is printed; RELIABILITY_SEED=<seed> reruns the same payloads (fast-check also prints the seed and
// path of a shrunk counterexample per action or route).

const PER_TARGET = Number(process.env.RELIABILITY_RUNS ?? (isLong ? 40 : 8));
const SEED = process.env.RELIABILITY_SEED ? Number(process.env.RELIABILITY_SEED) : Date.now() ^ (Math.random() * 0x7fffffff);
const CODES = new Set(["unauthenticated", "forbidden", "invalid", "not_found", "conflict", "rate_limited"]);

const injection = fc.constantFrom(
  "' OR 1=1 --",
  `"; DROP TABLE "Customer"; --`,
  "'); DELETE FROM \"Coupling\"; --",
  "') or true or ('",
  "name eq 'x' or 1 eq 1",
  "startswith(name,'a') or statecode eq 0",
  "%27%20or%201%20eq%201",
  "$filter=accountid ne null&$top=5000",
  "<script>alert(1)</script>",
  "{{7*7}}${jndi:ldap://x}",
  "../../../etc/passwd",
  "\u0000\u0001\u001f",
  "\\'\\\"\\\\",
  "%_*?[]",
  "null",
  "undefined",
  "00000000-0000-0000-0000-000000000000",
  "NaN",
  "-1",
  "🙂".repeat(40),
);
const overLong = fc.oneof(fc.string({ minLength: 260, maxLength: 1200 }), fc.constant("X".repeat(100_000)));
const scalar = fc.oneof(fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.string({ maxLength: 12 }), injection, overLong);
const FIELD_NAMES = [
  "id", "ids", "no", "nos", "name", "city", "email", "phoneNo", "code", "table", "mapping", "mappingId", "mappingName", "dataverseId",
  "dataverseIds", "erpIds", "direction", "filter", "tableFilter", "integrationTableFilter", "search", "query", "q", "page", "pageSize",
  "sort", "enabled", "paused", "role", "password", "locale", "customerNo", "customerId", "records", "action", "couplingIds", "fields",
  "criteria", "rowVersion", "expectedRowVersion", "environmentUrl", "tenantId", "clientId", "clientSecret", "status", "jobIds",
  "syncAfterCoupling", "version", "firstName", "surname", "description", "symbol", "blocked", "creditLimit",
];
const fieldName = fc.constantFrom(...FIELD_NAMES);
const value = fc.oneof(scalar, fc.array(scalar, { maxLength: 4 }), fc.dictionary(fieldName, scalar, { maxKeys: 3 }));
/** A payload: something that is not an object, or an object of plausible field names with implausible values. */
const payload = fc.oneof(scalar, fc.array(value, { maxLength: 3 }), fc.dictionary(fieldName, value, { minKeys: 1, maxKeys: 6 }));
const rawBody = fc.oneof(
  payload.map((p) => JSON.stringify(p) ?? "null"),
  fc.constantFrom("{", "{\"name\":", "[1,2", "not json", "", "\u0000", "{\"__proto__\":{\"admin\":true}}", "{\"constructor\":{\"prototype\":{}}}"),
);
const query = fc.dictionary(fieldName, fc.oneof(injection, overLong.map((s) => s.slice(0, 3000)), fc.string({ maxLength: 8 })), { maxKeys: 4 });
const routeParam = fc.oneof(injection, fc.string({ maxLength: 30 }), overLong.map((s) => s.slice(0, 500)));

let env: ReliabilityEnv;
let admin: RoleUser;
let actions: Action[];
let routes: RouteHandler[];

beforeAll(async () => {
  const db = testDb();
  env = await startReliabilityEnv({ db });
  await useConnection(db, env.emulator.url);
  admin = await createRoleUser(db, "ADMIN", `fuzz${Date.now().toString(36)}`);
  actions = await loadActions();
  routes = await loadRoutes();
  console.log(`R5 bad input: ${PER_TARGET} payloads per target, seed ${SEED}`);
});

afterAll(async () => {
  await env?.close();
});

function hasFieldMessages(fieldErrors: unknown): boolean {
  if (typeof fieldErrors !== "object" || fieldErrors === null) return false;
  const entries = Object.entries(fieldErrors as Record<string, unknown>);
  return entries.length > 0 && entries.every(([, messages]) => Array.isArray(messages) && messages.length > 0 && messages.every((m) => typeof m === "string" && m.length > 0));
}

const looksLikeStack = (message: string) => /\n\s+at .+:\d+:\d+/.test(message) || /prisma\.|PrismaClient|TypeError|ReferenceError/.test(message);

describe("R5 server actions with invalid payloads (as admin)", () => {
  for (const file of actionFiles) {
    const relative = path.relative(ROOT, file);
    it(`${relative}: no exception, refusals write nothing and name the fields`, async () => {
      const db = testDb();
      const mine = actions.filter((a) => a.file === relative);
      expect(mine.length).toBeGreaterThan(0);
      let baseline = await databaseFingerprint(db);
      for (const action of mine) {
        await fc.assert(
          fc.asyncProperty(payload, async (input) => {
            let result: unknown;
            try {
              result = await runAsUser(admin, () => action.call(input));
            } catch (error) {
              throw new Error(`${action.name} threw: ${(error as Error).stack ?? String(error)}`);
            }
            const after = await databaseFingerprint(db);
            const changed = Object.keys(after).filter((t) => after[t] !== baseline[t]);
            baseline = after;
            if (!isActionResult(result)) throw new Error(`${action.name} returned ${JSON.stringify(result)?.slice(0, 200)}, not an ActionResult`);
            if (result.ok) return;
            if (!CODES.has(String(result.code))) throw new Error(`${action.name}: unknown code ${result.code}`);
            if (typeof result.message !== "string" || result.message.length === 0 || looksLikeStack(result.message)) throw new Error(`${action.name}: message ${JSON.stringify(result.message)}`);
            if (changed.length > 0) throw new Error(`${action.name} refused (${result.code}: ${result.message}) but wrote to ${changed.join(", ")}`);
            if (result.code === "invalid" && !hasFieldMessages(result.fieldErrors)) {
              throw new Error(`${action.name}: "invalid" without field-level messages: ${result.message}`);
            }
          }),
          { numRuns: PER_TARGET, seed: SEED, endOnFailure: true },
        );
      }
    });
  }
});

describe("R5 API routes with invalid bodies, queries and route parameters (as admin)", () => {
  it("every route handler: never a 5xx, refusals write nothing, 400s name the fields of a JSON body", async () => {
    const db = testDb();
    expect(routes.length).toBeGreaterThan(15);
    let baseline = await databaseFingerprint(db);
    // Public handlers without input (health probe — 503 means "degraded" there — and the OpenAPI document) aside.
    for (const route of routes.filter((r) => r.permission !== null)) {
      // The nastiest route parameters every time, not only when the dice pick them (a NUL once crashed record lookups).
      for (const nasty of ["\u0000", "A\u0000B", "' OR 1=1 --", "X".repeat(5_000), "%00", "../.."]) {
        if (route.paramNames.length === 0) break;
        const response = await callRoute(route, { token: admin.token, body: "{}", params: Object.fromEntries(route.paramNames.map((p) => [p, nasty])) });
        expect(response.status, `${route.method} ${route.url} with ${JSON.stringify(nasty.slice(0, 20))}: ${response.status >= 500 ? await response.text() : ""}`).toBeLessThan(500);
        baseline = await databaseFingerprint(db);
      }
      // And a NUL in every query parameter a list may take (one once answered 500 on GET /api/v1/contacts).
      for (const name of route.method === "GET" ? [...FIELD_NAMES, "signature", "type", "errorClass"] : []) {
        const response = await callRoute(route, { token: admin.token, query: new URLSearchParams({ [name]: "A\u0000B" }).toString() });
        expect(response.status, `${route.method} ${route.url}?${name}=A%00B: ${response.status >= 500 ? await response.text() : ""}`).toBeLessThan(500);
      }
      await fc.assert(
        fc.asyncProperty(rawBody, query, fc.array(routeParam, { minLength: 3, maxLength: 3 }), async (body, q, params) => {
          const search = new URLSearchParams(q).toString();
          const routeParams = Object.fromEntries(route.paramNames.map((p, i) => [p, params[i]]));
          const response = await callRoute(route, { token: admin.token, body, query: search, params: routeParams });
          const label = `${route.method} ${route.url}`;
          const after = await databaseFingerprint(db);
          const changed = Object.keys(after).filter((t) => after[t] !== baseline[t]);
          baseline = after;
          if (response.status >= 500) throw new Error(`${label}: ${response.status} ${await response.text()}`);
          if (response.status < 400) return;
          const envelope = (await response.json()) as { error?: { code?: string; message?: string; details?: unknown } };
          if (!envelope.error?.code || !envelope.error.message || looksLikeStack(envelope.error.message)) throw new Error(`${label}: ${response.status} without a proper error envelope: ${JSON.stringify(envelope).slice(0, 300)}`);
          if (changed.length > 0) throw new Error(`${label}: refused with ${response.status} but wrote to ${changed.join(", ")}`);
          let isJsonBody = true;
          try {
            JSON.parse(body);
          } catch {
            isJsonBody = false;
          }
          const usesBody = route.method !== "GET" && route.method !== "DELETE";
          if (response.status === 400 && envelope.error.code === "invalid" && usesBody && isJsonBody && !hasFieldMessages(envelope.error.details)) {
            throw new Error(`${label}: 400 without field-level details: ${envelope.error.message}`);
          }
        }),
        { numRuns: PER_TARGET, seed: SEED, endOnFailure: true },
      );
    }
  });
});
