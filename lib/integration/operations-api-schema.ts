import { z } from "zod";
import { matchCriterionSchema } from "../queue/job-payloads.ts";
import { ERP_TABLES, SYNC_DIRECTIONS } from "./mapping-schema.ts";
import { SYNC_ERROR_ACTIONS } from "./sync-errors-service.ts";

// The zod schemas of API v1's integration endpoints (mappings, couplings, synchronize, jobs, records, sync errors):
// route handlers parse input and output with them, and /api/v1/openapi.json is generated from them.

const strictError = (issue: { code?: string; keys?: string[] }) =>
  issue.code === "unrecognized_keys" ? `Unknown field${(issue.keys ?? []).length > 1 ? "s" : ""}: ${(issue.keys ?? []).join(", ")}.` : undefined;

export const erpTableParam = z
  .string({ error: `The table is one of ${ERP_TABLES.join(", ").toLowerCase()}.` })
  .trim()
  .toUpperCase()
  .pipe(z.enum(ERP_TABLES, { error: `The table is one of ${ERP_TABLES.join(", ").toLowerCase()}.` }));

const recordNo = z.string({ error: "Enter the record's No. or Code." }).trim().min(1, "Enter the record's No. or Code.").max(20, "At most 20 characters.");

export const waitQuerySchema = z.object({
  wait: z
    .enum(["true", "false", "1", "0"], { error: "wait is true or false." })
    .optional()
    .transform((v) => v === "true" || v === "1"),
});

const pageShape = {
  page: z.coerce.number({ error: "page is a whole number." }).int("page is a whole number.").min(1, "page starts at 1.").default(1),
  pageSize: z.coerce.number({ error: "pageSize is a whole number." }).int("pageSize is a whole number.").min(1, "pageSize is at least 1.").max(200, "pageSize is at most 200.").default(50),
};

export const syncNowDirectionSchema = z.enum(["toDataverse", "fromDataverse", "bidirectional"], { error: "direction is toDataverse, fromDataverse or bidirectional." });

// ───────────── outputs shared by the action endpoints ─────────────

export const countersSchema = z.object({
  inserted: z.number().int(),
  modified: z.number().int(),
  deleted: z.number().int(),
  unchanged: z.number().int(),
  skipped: z.number().int(),
  failed: z.number().int(),
  coupled: z.number().int(),
  uncoupled: z.number().int(),
});

export const jobSummarySchema = z.object({
  id: z.uuid(),
  type: z.enum(["SYNCHRONIZATION", "COUPLING", "UNCOUPLING"]),
  mapping: z.string(),
  direction: z.enum(["TO_INTEGRATION_TABLE", "FROM_INTEGRATION_TABLE"]).nullable(),
  trigger: z.string(),
  status: z.enum(["QUEUED", "RUNNING", "SUCCEEDED", "FAILED", "CANCELLED"]),
  counters: countersSchema,
  progress: z.object({ total: z.number().int().nullable(), done: z.number().int(), etaSeconds: z.number().int().nullable() }),
  message: z.string().nullable(),
  queuedAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  /** Failed automatic runs in a row, with the same failure, that this row stands for (1: just this run). */
  repeatCount: z.number().int().min(1),
  /** Start of the latest of them (startedAt is the first); null unless repeatCount > 1. */
  lastAttemptAt: z.string().nullable(),
});

export const jobErrorSchema = z.object({
  id: z.uuid(),
  couplingId: z.string().nullable(),
  source: z.object({ table: z.string(), id: z.string().nullable(), ref: z.string().nullable() }),
  destination: z.object({ table: z.string().nullable(), id: z.string().nullable(), ref: z.string().nullable() }),
  errorClass: z.string(),
  message: z.string(),
  detail: z.string().nullable(),
  signature: z.string(),
  at: z.string(),
});

export const jobDetailSchema = jobSummarySchema.extend({ errors: z.array(jobErrorSchema), records: z.number().int() });

export const recordOutcomeSchema = z.object({
  jobId: z.string().nullable(),
  erpId: z.string().nullable(),
  no: z.string().nullable(),
  dataverseId: z.string().nullable(),
  outcome: z.string(),
  message: z.string().nullable(),
});

export const queuedRunSchema = z.object({
  queue: z.string(),
  queueJobId: z.string(),
  /** The SyncJob row to poll at /api/v1/jobs/{id}; null for a run of both passes (its rows appear when it starts). */
  syncJobId: z.uuid().nullable(),
});

/** Every action endpoint answers this: finished (`?wait=true`) with jobs and per-record outcomes, or queued. */
export const actionResponseSchema = z.object({
  status: z.enum(["completed", "queued"]),
  message: z.string(),
  jobs: z.array(jobSummarySchema),
  queued: z.array(queuedRunSchema),
  outcomes: z.array(recordOutcomeSchema),
});

// ───────────── mappings ─────────────

export const mappingSummarySchema = z.object({
  name: z.string(),
  erpTable: z.enum(ERP_TABLES),
  dataverseEntity: z.string(),
  direction: z.enum(SYNC_DIRECTIONS),
  isEnabled: z.boolean(),
  syncOnlyCoupledRecords: z.boolean(),
  status: z.string(),
  scheduleSeconds: z.number().int(),
  couplings: z.number().int(),
  lastRunAt: z.string().nullable(),
  rowVersion: z.number().int(),
  /** Automatic runs failing in a row (they back off): since when, how many, the next automatic attempt, the last error. */
  failing: z
    .object({ since: z.string(), attempts: z.number().int(), lastAt: z.string().nullable(), nextAttemptAt: z.string().nullable(), message: z.string().nullable() })
    .nullable(),
});

export const fieldMappingOutSchema = z.object({
  id: z.uuid(),
  erpField: z.string().nullable(),
  dataverseAttribute: z.string().nullable(),
  direction: z.enum(SYNC_DIRECTIONS),
  constantValue: z.string().nullable(),
  transformation: z.unknown().nullable(),
  clearValueOnFailedSync: z.boolean(),
  notNull: z.boolean(),
  isEnabled: z.boolean(),
  useForMatchBasedCoupling: z.boolean(),
  caseSensitiveMatching: z.boolean(),
  matchPriority: z.number().int(),
  isUserDefined: z.boolean(),
  sortOrder: z.number().int(),
});

export const mappingDetailSchema = mappingSummarySchema.extend({
  tableFilter: z.unknown(),
  integrationTableFilter: z.unknown(),
  updateConflictResolution: z.string(),
  deletionConflictResolution: z.string(),
  dependencies: z.array(z.string()),
  syncAfterMatchBasedCoupling: z.boolean(),
  createNewIfNoMatch: z.boolean(),
  fieldMappings: z.array(fieldMappingOutSchema),
});

export const mappingListSchema = z.object({ items: z.array(mappingSummarySchema) });

/** PATCH: any settings plus (optionally) the complete list of field mappings; rowVersion guards against lost updates. */
export const mappingPatchSchema = z.strictObject(
  {
    rowVersion: z.number({ error: "rowVersion is required: send the rowVersion you read." }).int().min(1),
    direction: z.unknown().optional(),
    tableFilter: z.unknown().optional(),
    integrationTableFilter: z.unknown().optional(),
    syncOnlyCoupledRecords: z.unknown().optional(),
    updateConflictResolution: z.unknown().optional(),
    deletionConflictResolution: z.unknown().optional(),
    dependencies: z.unknown().optional(),
    syncAfterMatchBasedCoupling: z.unknown().optional(),
    createNewIfNoMatch: z.unknown().optional(),
    isEnabled: z.unknown().optional(),
    scheduleSeconds: z.unknown().optional(),
    fieldMappings: z.unknown().optional(),
  },
  { error: strictError },
);

export const runBodySchema = z.strictObject({ direction: syncNowDirectionSchema.optional() }, { error: strictError });

export const emptyBodySchema = z.strictObject({}, { error: strictError });

export const matchBodySchema = z.strictObject(
  {
    criteria: z.array(matchCriterionSchema).min(1, "Choose at least one field to match on.").max(50).optional(),
    syncAfterCoupling: z.boolean({ error: "syncAfterCoupling is true or false." }).optional(),
    createNewIfNoMatch: z.boolean({ error: "createNewIfNoMatch is true or false." }).optional(),
    dryRun: z.boolean({ error: "dryRun is true or false." }).default(false),
    saveCriteria: z
      .boolean({ error: "saveCriteria is true or false." })
      .default(false)
      .describe("Also save criteria, createNewIfNoMatch and syncAfterCoupling as the mapping's defaults (not on a dry run). Without it they apply to this run only."),
    /** Only these ERP records (No./Code); absent: every uncoupled record of the mapping. */
    nos: z.array(recordNo).min(1).max(10_000).optional(),
  },
  { error: strictError },
);

const candidateSchema = z.object({ dataverseId: z.string(), name: z.string() });
export const matchReportSchema = z.object({
  dryRun: z.boolean(),
  mapping: z.string(),
  criteria: z.array(z.object({ erpField: z.string(), caseSensitive: z.boolean(), priority: z.number().int() })),
  matched: z.array(z.object({ erpId: z.string(), no: z.string(), dataverseId: z.string(), name: z.string(), priority: z.number().int() })),
  ambiguous: z.array(z.object({ erpId: z.string(), no: z.string(), priority: z.number().int(), candidates: z.array(candidateSchema) })),
  unmatched: z.array(z.object({ erpId: z.string(), no: z.string(), action: z.enum(["create", "none"]), message: z.string() })),
  alreadyCoupled: z.number().int(),
  jobId: z.string().nullable(),
  jobs: z.array(z.object({ id: z.string(), direction: z.string(), status: z.string() })),
  counters: z.object({ coupled: z.number().int(), inserted: z.number().int(), failed: z.number().int() }),
});

export const matchResponseSchema = z.object({
  status: z.enum(["completed", "queued"]),
  message: z.string(),
  report: matchReportSchema.nullable(),
  queued: z.array(queuedRunSchema),
});

export const fullSyncLineSchema = z.object({
  mapping: z.string(),
  direction: z.string(),
  dependencies: z.array(z.string()),
  erpCount: z.number().int(),
  dataverseCount: z.number().int(),
  recommendation: z.enum(["FULL_SYNCHRONIZATION", "COUPLE_RECORDS", "NO_RECORDS_FOUND"]),
  isRunning: z.boolean(),
  jobs: z.array(jobSummarySchema),
});

export const fullSyncReviewSchema = z.object({ lines: z.array(fullSyncLineSchema) });

// ───────────── couplings ─────────────

export const couplingSchema = z.object({
  id: z.uuid(),
  mapping: z.string(),
  table: z.enum(ERP_TABLES),
  erpId: z.uuid(),
  no: z.string(),
  dataverseEntity: z.string(),
  dataverseId: z.string(),
  state: z.string(),
  isSkipped: z.boolean(),
  errorClass: z.string().nullable(),
  errorMessage: z.string().nullable(),
  lastToResult: z.string(),
  lastFromResult: z.string(),
  lastToAt: z.string().nullable(),
  lastFromAt: z.string().nullable(),
  createdAt: z.string(),
});

export const couplingListQuerySchema = z.strictObject({ table: erpTableParam.optional(), no: recordNo.optional(), ...pageShape }, { error: strictError });
export const couplingListSchema = z.object({ items: z.array(couplingSchema), total: z.number().int(), page: z.number().int(), pageSize: z.number().int() });

export const couplingCreateSchema = z
  .strictObject(
    {
      table: erpTableParam,
      no: recordNo,
      dataverseId: z.guid({ error: "dataverseId must be a GUID like 00000000-0000-0000-0000-000000000000." }).optional(),
      createNew: z.literal(true, { error: "createNew can only be true." }).optional(),
      syncAfterCoupling: z.enum(["none", "erp", "dataverse"], { error: "syncAfterCoupling is none, erp or dataverse." }).default("none"),
    },
    { error: strictError },
  )
  .superRefine((body, ctx) => {
    if (Boolean(body.dataverseId) === Boolean(body.createNew)) {
      ctx.addIssue({ code: "custom", path: ["dataverseId"], message: "Give either dataverseId or createNew: true." });
    }
  });

export const couplingCreateResponseSchema = actionResponseSchema.extend({ coupling: couplingSchema.nullable() });

export const uncoupleResponseSchema = z.object({ erpId: z.string(), no: z.string(), dataverseId: z.string().nullable(), outcome: z.string(), message: z.string() });

export const synchronizeBodySchema = z.strictObject(
  {
    table: erpTableParam,
    nos: z.array(recordNo, { error: "nos is a list of record numbers." }).min(1, "Give at least one record number.").max(10_000, "At most 10,000 records."),
    direction: syncNowDirectionSchema.optional(),
  },
  { error: strictError },
);

// ───────────── jobs, records ─────────────

export const jobListQuerySchema = z.strictObject(
  {
    mapping: z.string().trim().max(20).optional(),
    type: z.enum(["SYNCHRONIZATION", "COUPLING", "UNCOUPLING"], { error: "type is SYNCHRONIZATION, COUPLING or UNCOUPLING." }).optional(),
    status: z.enum(["QUEUED", "RUNNING", "SUCCEEDED", "FAILED", "CANCELLED"], { error: "status is QUEUED, RUNNING, SUCCEEDED, FAILED or CANCELLED." }).optional(),
    ...pageShape,
  },
  { error: strictError },
);
export const jobListSchema = z.object({ items: z.array(jobSummarySchema), total: z.number().int(), page: z.number().int(), pageSize: z.number().int() });

export const syncLogSchema = z.object({
  table: z.enum(ERP_TABLES),
  no: z.string(),
  coupling: couplingSchema.nullable(),
  entries: z.array(z.object({ jobId: z.string(), erpId: z.string().nullable(), dataverseId: z.string().nullable(), outcome: z.string(), message: z.string().nullable(), at: z.string() })),
});

// ───────────── sync errors ─────────────

export const syncErrorListQuerySchema = z.strictObject(
  {
    mapping: z.string().trim().max(20).optional(),
    signature: z.string().trim().max(64).optional(),
    errorClass: z.enum(["TRANSIENT", "PERMANENT", "WAITING_FOR_PARENT", "CONFLICT", "DELETION_CONFLICT", "SKIPPED"], { error: "errorClass is not valid." }).optional(),
    ...pageShape,
  },
  { error: strictError },
);

export const syncErrorRowSchema = z.object({
  id: z.uuid(),
  mapping: z.string(),
  table: z.enum(ERP_TABLES),
  erpId: z.string(),
  no: z.string().nullable(),
  erpExists: z.boolean(),
  dataverseEntity: z.string(),
  dataverseId: z.string(),
  dataverseName: z.string().nullable(),
  dataverseExists: z.boolean().nullable(),
  errorClass: z.string().nullable(),
  isSkipped: z.boolean(),
  message: z.string().nullable(),
  signature: z.string().nullable(),
  failedAt: z.string().nullable(),
  conflict: z.unknown(),
});

export const syncErrorListSchema = z.object({
  items: z.array(syncErrorRowSchema),
  groups: z.array(z.object({ signature: z.string(), errorClass: z.string().nullable(), count: z.number().int(), message: z.string().nullable() })),
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
});

export const syncErrorActionBodySchema = z
  .strictObject(
    {
      action: z.enum(SYNC_ERROR_ACTIONS, { error: `action is one of ${SYNC_ERROR_ACTIONS.join(", ")}.` }),
      ids: z.array(z.uuid({ error: "Each id is an error (coupling) id." })).max(10_000).optional(),
      version: z.enum(["erp", "dataverse"], { error: "version is erp or dataverse." }).optional(),
      mapping: z.string().trim().max(20).optional(),
    },
    { error: strictError },
  )
  .superRefine((body, ctx) => {
    const needsIds = body.action !== "retryAll" && body.action !== "findForDeleted";
    if (needsIds && !body.ids?.length) ctx.addIssue({ code: "custom", path: ["ids"], message: "Choose at least one error." });
    if (body.action === "synchronize" && !body.version) ctx.addIssue({ code: "custom", path: ["version"], message: "Choose which version to keep: erp or dataverse." });
  });

export const syncErrorActionResponseSchema = actionResponseSchema.extend({
  action: z.enum(SYNC_ERROR_ACTIONS),
  results: z.array(z.object({ couplingId: z.string(), no: z.string().nullable(), outcome: z.string(), message: z.string() })),
});

export const errorEnvelopeSchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.record(z.string(), z.array(z.string())).optional() }),
});
