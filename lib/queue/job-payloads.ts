import { z } from "zod";
import { ActionError, fieldErrorsOf } from "../actions/action-result.ts";
import { SyncJobDirection, SyncJobTrigger } from "../db/generated/enums.ts";

// The typed job definitions: one zod schema per job kind. Payloads are checked twice — when they are enqueued (so
// a caller gets a field-level message and nothing is stored) and again in the worker (a job written by an older
// release, or by hand, must not reach a processor half-valid).

const uuid = z.uuid({ message: "Must be a record id (UUID)." });

const recordIds = z.array(uuid).max(10_000, { message: "At most 10,000 records per run." });

/** Which records a manual run covers; absent means the whole mapping (scheduled runs). */
export const syncScopeSchema = z
  .object({
    erpRecordIds: recordIds.optional(),
    dataverseRecordIds: z.array(z.guid({ message: "Must be a Dataverse id (GUID)." })).max(10_000).optional(),
    forceModify: z.boolean().optional(),
    /** Synchronize Now for many records: a record whose target changed since the last sync is skipped (§2i). */
    bulk: z.boolean().optional(),
    /** Manual runs that may create records although the mapping synchronizes only coupled ones (§2h, §2j). */
    overrideSyncOnlyCoupled: z.boolean().optional(),
  })
  .strict();

export const syncRunPayloadSchema = z
  .object({
    mappingId: uuid,
    /** Absent: every direction the mapping allows. */
    direction: z.enum(SyncJobDirection).optional(),
    trigger: z.enum(SyncJobTrigger),
    scope: syncScopeSchema.optional(),
    /** The SyncJob row claimed before enqueueing, when the caller already created one. */
    jobId: uuid.optional(),
    requestedById: uuid.optional(),
  })
  .strict();

export const couplingPayloadSchema = z
  .object({
    mappingId: uuid,
    erpRecordId: uuid,
    /** The Dataverse record to couple to; absent together with `createNew: true`. */
    dataverseId: z.guid({ message: "Must be a Dataverse id (GUID)." }).optional(),
    /** Create the record in Dataverse from the ERP record and couple them (Set Up Coupling, Create New). */
    createNew: z.boolean().optional(),
    /** Synchronize right after coupling, and in which direction. */
    synchronize: z.enum(SyncJobDirection).optional(),
    requestedById: uuid.optional(),
    jobId: uuid.optional(),
  })
  .strict()
  .refine((p) => Boolean(p.createNew) !== Boolean(p.dataverseId), {
    message: "Give either dataverseId or createNew: true, not both.",
    path: ["dataverseId"],
  });

export const uncouplingPayloadSchema = z
  .object({
    mappingId: uuid,
    /** Absent together with `all: true`: remove every coupling of the mapping. */
    couplingIds: z.array(uuid).min(1).max(10_000).optional(),
    all: z.boolean().optional(),
    requestedById: uuid.optional(),
    jobId: uuid.optional(),
  })
  .strict()
  .refine((p) => Boolean(p.all) !== Boolean(p.couplingIds), {
    message: "Give either couplingIds or all: true, not both.",
    path: ["couplingIds"],
  });

/** One match criterion: a field mapping (by its ERP field) to match on, its case sensitivity and its priority group. */
export const matchCriterionSchema = z
  .object({
    erpField: z.string().trim().min(1, { message: "Choose the ERP field to match on." }).max(60),
    caseSensitive: z.boolean().default(false),
    priority: z.number().int().min(0).max(1000).default(0),
  })
  .strict();

export const matchCouplingPayloadSchema = z
  .object({
    mappingId: uuid,
    /** Absent: every uncoupled ERP record of the mapping (within its table filter). */
    erpRecordIds: z.array(uuid).min(1).max(10_000).optional(),
    /** Absent: the criteria saved on the mapping's field mappings. */
    criteria: z.array(matchCriterionSchema).min(1).max(50).optional(),
    createNewIfNoMatch: z.boolean().optional(),
    synchronizeAfterCoupling: z.boolean().optional(),
    requestedById: uuid.optional(),
    jobId: uuid.optional(),
  })
  .strict();

export const fullSyncPayloadSchema = z
  .object({
    /** Absent: every enabled mapping, dependencies first. */
    mappingIds: z.array(uuid).min(1).optional(),
    requestedById: uuid.optional(),
  })
  .strict();

export const maintenancePayloadSchema = z
  .object({
    /** Finished BullMQ jobs older than this are deleted. */
    completedJobAgeSeconds: z.number().int().min(0).max(31_536_000).default(86_400),
    failedJobAgeSeconds: z.number().int().min(0).max(31_536_000).default(7 * 86_400),
    /** Heartbeats of workers not seen for this long (crashed processes) are deleted. */
    staleHeartbeatSeconds: z.number().int().min(15).max(31_536_000).default(3_600),
  })
  .strict();

/** A diagnostic job: proves a worker takes, retries and finishes jobs (tests, health checks, ops). */
export const pingPayloadSchema = z
  .object({
    echo: z.string().max(1_000).optional(),
    /** Simulated work, in milliseconds; cut short when the worker shuts down. */
    workMs: z.number().int().min(0).max(600_000).optional(),
    /** Fail the first N attempts on purpose, to exercise retries and backoff. */
    failAttempts: z.number().int().min(0).max(100).optional(),
  })
  .strict();

export const jobPayloadSchemas = {
  "sync-run": syncRunPayloadSchema,
  coupling: couplingPayloadSchema,
  uncoupling: uncouplingPayloadSchema,
  "match-coupling": matchCouplingPayloadSchema,
  "full-sync": fullSyncPayloadSchema,
  maintenance: maintenancePayloadSchema,
  ping: pingPayloadSchema,
} as const;

export type JobKind = keyof typeof jobPayloadSchemas;
export const jobKinds = Object.keys(jobPayloadSchemas) as JobKind[];

/** What a caller passes (defaults may be omitted). */
export type JobPayloadInput<K extends JobKind> = z.input<(typeof jobPayloadSchemas)[K]>;
/** What a processor receives (defaults applied). */
export type JobPayload<K extends JobKind> = z.output<(typeof jobPayloadSchemas)[K]>;

/** A payload that does not match its job kind's schema; carries field-level messages like any invalid input. */
export class JobPayloadError extends ActionError {
  override name = "JobPayloadError";

  constructor(
    readonly kind: string,
    fieldErrors: Record<string, string[]>,
  ) {
    const detail = Object.entries(fieldErrors)
      .map(([field, messages]) => `${field}: ${messages.join(" ")}`)
      .join("; ");
    super("invalid", `The ${kind} job payload is not valid (${detail}).`, fieldErrors);
  }
}

export function isJobKind(value: string): value is JobKind {
  return Object.hasOwn(jobPayloadSchemas, value);
}

export function parseJobPayload<K extends JobKind>(kind: K, data: unknown): JobPayload<K> {
  const parsed = jobPayloadSchemas[kind].safeParse(data);
  if (!parsed.success) throw new JobPayloadError(kind, fieldErrorsOf(parsed.error));
  return parsed.data as JobPayload<K>;
}
