import { z } from "zod";
import type { Permission } from "../auth/permissions.ts";
import * as s from "./operations-api-schema.ts";

// The OpenAPI 3.1 document of API v1's integration endpoints, generated from the zod schemas the route handlers parse
// with (z.toJSONSchema), so the document cannot drift from what the handlers accept and answer.

type Operation = {
  method: "get" | "post" | "patch" | "delete";
  path: string;
  summary: string;
  permission: Permission;
  params?: string[];
  query?: z.ZodType;
  body?: z.ZodType;
  responses: Record<number, { description: string; schema?: z.ZodType }>;
  wait?: boolean;
};

const action = (schema: z.ZodType = s.actionResponseSchema) => ({
  200: { description: "Finished (with ?wait=true): jobs and per-record outcomes.", schema },
  202: { description: "Queued: the job ids to poll at /api/v1/jobs/{id}.", schema },
});

const OPERATIONS: Operation[] = [
  { method: "get", path: "/api/v1/mappings", summary: "List the integration table mappings.", permission: "integration.read", responses: { 200: { description: "The mappings.", schema: s.mappingListSchema } } },
  { method: "get", path: "/api/v1/mappings/{name}", summary: "One mapping with its field mappings.", permission: "integration.read", params: ["name"], responses: { 200: { description: "The mapping.", schema: s.mappingDetailSchema } } },
  {
    method: "patch",
    path: "/api/v1/mappings/{name}",
    summary: "Change a mapping's settings and/or replace its field mappings (validated as a whole; audited).",
    permission: "mapping.manage",
    params: ["name"],
    body: s.mappingPatchSchema,
    responses: { 200: { description: "The changed mapping.", schema: s.mappingDetailSchema } },
  },
  { method: "post", path: "/api/v1/mappings/{name}/run", summary: "Run a synchronization of the whole mapping.", permission: "sync.run", params: ["name"], body: s.runBodySchema, responses: action(), wait: true },
  { method: "get", path: "/api/v1/mappings/{name}/full-sync", summary: "Full synchronization review: counts and recommendation.", permission: "integration.read", params: ["name"], responses: { 200: { description: "The review line.", schema: s.fullSyncReviewSchema } } },
  { method: "post", path: "/api/v1/mappings/{name}/full-sync", summary: "Full synchronization of the mapping.", permission: "full-sync.run", params: ["name"], body: s.emptyBodySchema, responses: action(), wait: true },
  {
    method: "post",
    path: "/api/v1/mappings/{name}/match-based-coupling",
    summary:
      "Match-based coupling; dryRun answers exact matches, ambiguous records and records without a match, writing nothing. Criteria, createNewIfNoMatch and syncAfterCoupling apply to this run only unless saveCriteria is true.",
    permission: "mapping.manage",
    params: ["name"],
    body: s.matchBodySchema,
    responses: action(s.matchResponseSchema),
    wait: true,
  },
  { method: "post", path: "/api/v1/mappings/{name}/remove-couplings", summary: "Remove every coupling of the mapping.", permission: "couplings.remove-all", params: ["name"], body: s.emptyBodySchema, responses: action(), wait: true },
  { method: "get", path: "/api/v1/couplings", summary: "List couplings.", permission: "integration.read", query: s.couplingListQuerySchema, responses: { 200: { description: "Couplings.", schema: s.couplingListSchema } } },
  {
    method: "post",
    path: "/api/v1/couplings",
    summary: "Set Up Coupling to a Dataverse record, or create it in Dataverse and couple.",
    permission: "coupling.manage",
    body: s.couplingCreateSchema,
    responses: { 201: { description: "Coupled.", schema: s.couplingCreateResponseSchema }, 202: { description: "Coupled; synchronization (or Create New) queued.", schema: s.couplingCreateResponseSchema } },
    wait: true,
  },
  { method: "delete", path: "/api/v1/couplings/{table}/{no}", summary: "Delete Coupling (both records stay).", permission: "coupling.manage", params: ["table", "no"], responses: { 200: { description: "Uncoupled.", schema: s.uncoupleResponseSchema } } },
  { method: "post", path: "/api/v1/synchronize", summary: "Synchronize Now for one or many records.", permission: "sync.run", body: s.synchronizeBodySchema, responses: action(), wait: true },
  { method: "get", path: "/api/v1/jobs", summary: "The synchronization job log.", permission: "integration.read", query: s.jobListQuerySchema, responses: { 200: { description: "Jobs.", schema: s.jobListSchema } } },
  { method: "get", path: "/api/v1/jobs/{id}", summary: "One job with counters, progress and errors.", permission: "integration.read", params: ["id"], responses: { 200: { description: "The job.", schema: s.jobDetailSchema } } },
  { method: "get", path: "/api/v1/records/{table}/{no}/sync-log", summary: "A record's Synchronization Log.", permission: "integration.read", params: ["table", "no"], responses: { 200: { description: "The log.", schema: s.syncLogSchema } } },
  { method: "get", path: "/api/v1/sync-errors", summary: "Couplings in error, grouped by signature.", permission: "integration.read", query: s.syncErrorListQuerySchema, responses: { 200: { description: "Errors.", schema: s.syncErrorListSchema } } },
  {
    method: "post",
    path: "/api/v1/sync-errors/actions",
    summary: "Retry, Retry All, Synchronize (choose version), Restore Records, Delete Records, Remove Coupling, Find for Deleted.",
    permission: "sync-errors.resolve",
    body: s.syncErrorActionBodySchema,
    responses: action(s.syncErrorActionResponseSchema),
    wait: true,
  },
];

function jsonSchema(schema: z.ZodType, io: "input" | "output") {
  return z.toJSONSchema(schema, { io, unrepresentable: "any", target: "draft-2020-12" });
}

const ERROR_STATUSES: Record<number, string> = {
  400: "Bad input: field-level messages in error.details; nothing was written.",
  401: "Missing or invalid API token.",
  403: "The token's user has a role without the permission.",
  404: "Not found.",
  409: "Conflict (already coupled, changed meanwhile).",
  422: "Well-formed, but not possible in the current state.",
  429: "Rate limited (Dataverse throttling).",
};

export function openApiDocument() {
  const paths: Record<string, Record<string, unknown>> = {};
  const errorSchema = jsonSchema(s.errorEnvelopeSchema, "output");
  for (const op of OPERATIONS) {
    const parameters: unknown[] = (op.params ?? []).map((name) => ({ name, in: "path", required: true, schema: { type: "string" } }));
    if (op.wait) parameters.push({ name: "wait", in: "query", required: false, schema: { type: "string", enum: ["true", "false"] }, description: "Answer only when the jobs finished." });
    if (op.query) {
      const q = jsonSchema(op.query, "input") as { properties?: Record<string, unknown>; required?: string[] };
      for (const [name, schema] of Object.entries(q.properties ?? {})) parameters.push({ name, in: "query", required: q.required?.includes(name) ?? false, schema });
    }
    const responses: Record<string, unknown> = {};
    for (const [status, r] of Object.entries(op.responses)) {
      responses[status] = r.schema ? { description: r.description, content: { "application/json": { schema: jsonSchema(r.schema, "output") } } } : { description: r.description };
    }
    for (const [status, description] of Object.entries(ERROR_STATUSES)) responses[status] = { description, content: { "application/json": { schema: errorSchema } } };
    paths[op.path] ??= {};
    paths[op.path][op.method] = {
      summary: op.summary,
      description: `Requires the permission ${op.permission}.`,
      "x-permission": op.permission,
      parameters,
      ...(op.body ? { requestBody: { required: true, content: { "application/json": { schema: jsonSchema(op.body, "input") } } } } : {}),
      responses,
      security: [{ bearer: [] }],
    };
  }
  return {
    openapi: "3.1.0",
    info: { title: "Coupling console API", version: "1", description: "ERP ↔ Dataverse coupling and synchronization. Bearer API tokens: `npm run console -- token create`." },
    components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
    paths,
  };
}

export const OPENAPI_OPERATIONS = OPERATIONS.map((op) => ({ method: op.method, path: op.path, permission: op.permission }));
