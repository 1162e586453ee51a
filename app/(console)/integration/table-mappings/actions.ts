"use server";

import { z } from "zod";
import type { ActionResult } from "../../../../lib/actions/action-result.ts";
import { fieldText } from "../../../../lib/actions/server-message.ts";
import { runAction as run } from "../../../../lib/integration/console-action.ts";
import { requirePermission } from "../../../../lib/auth/authorize.ts";
import { getDb } from "../../../../lib/db/db-client.ts";
import { createJob, jobSummaries, type JobSummary } from "../../../../lib/integration/job-queries.ts";
import { countFilterMatches, setMappingPaused } from "../../../../lib/integration/mapping-admin-service.ts";
import { patchMapping } from "../../../../lib/integration/mapping-edit-service.ts";
import { restoreDefaultMapping } from "../../../../lib/integration/mapping-setup.ts";
import { localizeMatchReport, runMatchBasedCoupling, validateMatchRequest, type MatchReport } from "../../../../lib/integration/match-based-coupling.ts";
import { actorOf, loadMappingByName } from "../../../../lib/integration/operation-context.ts";
import { operationDeps } from "../../../../lib/integration/operations-api.ts";
import { mappingPatchSchema } from "../../../../lib/integration/operations-api-schema.ts";
import { enqueueMappingRun } from "../../../../lib/integration/run-dispatch.ts";
import { claimUncouplingJob } from "../../../../lib/integration/uncoupling-service.ts";
import { defaultTableMappings } from "../../../../lib/integration/default-mappings.ts";
import { matchCriterionSchema } from "../../../../lib/queue/job-payloads.ts";
import { enqueue } from "../../../../lib/queue/enqueue.ts";

// Thin server actions of the Integration Table Mappings page and the mapping editor: permission first, then zod,
// then lib/integration. Each takes a plain object so tests can call them through runAsUser.

const nameSchema = z.strictObject({ name: z.string({ error: fieldText("fields.chooseMapping") }).trim().min(1, fieldText("fields.chooseMapping")).max(20) });

function parse<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  return schema.parse(input);
}


export async function synchronizeModifiedRecordsAction(input: unknown): Promise<ActionResult<{ message: string }>> {
  return run(async () => {
    const user = await requirePermission("sync.run");
    const { name } = parse(nameSchema, input);
    const mapping = await loadMappingByName(getDb(), name);
    await enqueueMappingRun({ mappingId: mapping.row.id, trigger: "MANUAL", requestedById: user.id });
    return { message: mapping.row.name };
  });
}

export async function setMappingPausedAction(input: unknown): Promise<ActionResult<{ status: string }>> {
  return run(async () => {
    const user = await requirePermission("mapping.manage");
    const { name, isPaused } = parse(nameSchema.extend({ isPaused: z.boolean({ error: fieldText("fields.isPausedBoolean") }) }), input);
    return { status: await setMappingPaused(getDb(), actorOf(user), name, isPaused) };
  });
}

/** Use Default Synchronization Setup: the chosen mappings, or every default mapping when none is named. */
export async function useDefaultSetupAction(input: unknown): Promise<ActionResult<{ names: string[] }>> {
  return run(async () => {
    const user = await requirePermission("mapping.manage");
    const { names } = parse(z.strictObject({ names: z.array(z.string().trim().min(1).max(20)).max(50).optional() }), input);
    const targets = names?.length ? names : defaultTableMappings().map((d) => d.name);
    for (const name of targets) await restoreDefaultMapping(getDb(), name, actorOf(user));
    return { names: targets };
  });
}

export async function removeCouplingsAction(input: unknown): Promise<ActionResult<{ jobId: string }>> {
  return run(async () => {
    const user = await requirePermission("couplings.remove-all");
    const { name } = parse(nameSchema, input);
    const db = getDb();
    const mapping = await loadMappingByName(db, name);
    const jobId = await claimUncouplingJob(db, { mappingId: mapping.row.id, all: true, requestedById: user.id, trigger: "MANUAL" });
    await enqueue("uncoupling", { mappingId: mapping.row.id, all: true, requestedById: user.id, jobId });
    return { jobId };
  });
}

const matchSchema = nameSchema.extend({
  criteria: z.array(matchCriterionSchema).min(1, fieldText("fields.chooseMatchField")).max(50),
  createNewIfNoMatch: z.boolean().default(false),
  syncAfterCoupling: z.boolean().default(false),
});

export async function previewMatchBasedCouplingAction(input: unknown): Promise<ActionResult<MatchReport>> {
  return run(async () => {
    const user = await requirePermission("mapping.manage");
    const body = parse(matchSchema, input);
    const db = getDb();
    const mapping = await loadMappingByName(db, body.name);
    const request = { mappingId: mapping.row.id, criteria: body.criteria, createNewIfNoMatch: body.createNewIfNoMatch, synchronizeAfterCoupling: body.syncAfterCoupling, requestedById: user.id, trigger: "MANUAL" as const };
    await validateMatchRequest(db, request);
    return localizeMatchReport(await runMatchBasedCoupling(await operationDeps(db), actorOf(user), { ...request, dryRun: true }));
  });
}

export async function runMatchBasedCouplingAction(input: unknown): Promise<ActionResult<{ jobId: string }>> {
  return run(async () => {
    const user = await requirePermission("mapping.manage");
    const body = parse(matchSchema, input);
    const db = getDb();
    const mapping = await loadMappingByName(db, body.name);
    await validateMatchRequest(db, { mappingId: mapping.row.id, criteria: body.criteria, createNewIfNoMatch: body.createNewIfNoMatch });
    const jobId = await createJob(db, { type: "COUPLING", mappingId: mapping.row.id, trigger: "MANUAL", requestedById: user.id, scope: { matchBased: true } });
    await enqueue("match-coupling", {
      mappingId: mapping.row.id,
      criteria: body.criteria,
      createNewIfNoMatch: body.createNewIfNoMatch,
      synchronizeAfterCoupling: body.syncAfterCoupling,
      requestedById: user.id,
      jobId,
    });
    return { jobId };
  });
}

/** Progress of jobs this page started (Remove Couplings, Match-Based Coupling). */
export async function jobProgressAction(input: unknown): Promise<ActionResult<JobSummary[]>> {
  return run(async () => {
    await requirePermission("integration.read");
    const { ids } = parse(z.strictObject({ ids: z.array(z.uuid()).min(1).max(50) }), input);
    return jobSummaries(getDb(), ids);
  });
}

export async function saveMappingAction(input: unknown): Promise<ActionResult<{ rowVersion: number }>> {
  return run(async () => {
    const user = await requirePermission("mapping.manage");
    const { name, ...rest } = parse(z.looseObject({ name: z.string().trim().min(1).max(20) }), input);
    const patch = mappingPatchSchema.safeParse(rest);
    if (!patch.success) throw patch.error;
    const after = await patchMapping(getDb(), actorOf(user), name, patch.data);
    return { rowVersion: after.rowVersion };
  });
}

export async function countFilterMatchesAction(input: unknown): Promise<ActionResult<{ count: number }>> {
  return run(async () => {
    await requirePermission("integration.read");
    const body = parse(nameSchema.extend({ side: z.enum(["erp", "dataverse"]), filter: z.array(z.unknown()).max(20) }), input);
    const db = getDb();
    const deps = body.side === "dataverse" ? await operationDeps(db) : { db, client: null as never };
    return { count: await countFilterMatches(deps, body.name, body.side, body.filter) };
  });
}
