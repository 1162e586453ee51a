import { ActionError, actionError } from "../actions/action-result.ts";
import { renderText, serverMessage, type MessageParam, type ServerMessage } from "../actions/server-message.ts";
import type { Db } from "../db/db-client.ts";
import type { ErpTable, SyncJobTrigger } from "../db/generated/enums.ts";
import { ERP_KEY_FIELDS, ERP_TABLE_NOUNS } from "./field-catalog.ts";
import {
  compareRecords,
  erpDelegate,
  erpKeyOf,
  erpNameText,
  fetchDataverseRecord,
  findErpRecord,
  mappingForTable,
  UnprocessableError,
  type LoadedMapping,
  type OperationDeps,
} from "./operation-context.ts";
import { recommendSyncDirection, type SyncNowChoice, type SyncNowRecommendation } from "./sync-decision.ts";
import { runSync, type RunDirection, type RunRequest, type RunResult } from "./sync-run.ts";

// Synchronize Now (BC §2i). One record: the recommended direction (Send if only the ERP record changed since the
// last sync, Get if only the Dataverse record did, Merge otherwise) unless the caller chose; Merge runs the To pass
// then the From pass, both forced. Many records: Send or Get for all (a Bidirectional mapping needs the choice);
// every record whose target changed since the last sync, or that is not coupled, is skipped and counted by the run
// (decide's bulk rule), never overwritten.

export type SyncNowDirection = "toDataverse" | "fromDataverse" | "bidirectional";

const CHOICE_OF: Record<SyncNowDirection, SyncNowChoice> = { toDataverse: "send", fromDataverse: "get", bidirectional: "merge" };
const DIRECTION_OF: Record<SyncNowChoice, RunDirection | undefined> = { send: "TO_INTEGRATION_TABLE", get: "FROM_INTEGRATION_TABLE", merge: undefined };

/** `message` is the prompt in English; `text` describes it, for the reader's language. */
export type RecordRecommendation =
  | { isCoupled: false; message: string; text: ServerMessage }
  | { isCoupled: true; isSkipped: boolean; dataverseExists: boolean; recommendation: SyncNowRecommendation; message: string; text: ServerMessage };

const prompt = (text: ServerMessage) => ({ message: renderText("en", text), text });

/** What the Synchronize Now dialog offers for one record (§2i). */
export async function recommendForRecord(deps: OperationDeps, input: { table: ErpTable; erpId: string }): Promise<RecordRecommendation> {
  const mapping = await mappingForTable(deps.db, input.table);
  const erp = await findErpRecord(deps.db, input.table, input.erpId);
  if (!erp) throw actionError("not_found", serverMessage("errors.recordGone", { record: { key: `recordNouns.${input.table}` } }));
  const record = erpNameText(input.table, erp);
  const coupling = await deps.db.coupling.findUnique({ where: { erpTable_erpId: { erpTable: input.table, erpId: erp.id } } });
  if (!coupling) return { isCoupled: false, ...prompt(serverMessage("outcomes.syncNotCoupled", { record })) };
  const dataverse = await fetchDataverseRecord(deps.client, coupling.dataverseEntity, coupling.dataverseId);
  if (!dataverse) {
    const fallback: SyncNowRecommendation = {
      options: optionsOf(mapping),
      recommended: optionsOf(mapping)[0],
      erpChanged: false,
      dataverseChanged: true,
      conflicts: [],
      targetIsNewer: false,
    };
    return { isCoupled: true, isSkipped: coupling.isSkipped, dataverseExists: false, recommendation: fallback, ...prompt(serverMessage("outcomes.syncDataverseGone", { record })) };
  }
  const { resolveLookup } = await compareRecords(deps.db, mapping, erp, dataverse, deps.client);
  const recommendation = recommendSyncDirection({ mapping: mapping.policy, fieldMappings: mapping.fieldMappings, erp, dataverse, snapshot: coupling.snapshot, resolveLookup });
  return { isCoupled: true, isSkipped: coupling.isSkipped, dataverseExists: true, recommendation, ...prompt(promptOf(record, recommendation)) };
}

function optionsOf(mapping: LoadedMapping): SyncNowChoice[] {
  if (mapping.row.direction === "TO_INTEGRATION_TABLE") return ["send"];
  if (mapping.row.direction === "FROM_INTEGRATION_TABLE") return ["get"];
  return ["send", "get", "merge"];
}

function promptOf(record: MessageParam, r: SyncNowRecommendation): ServerMessage {
  if (r.conflicts.length > 0) return serverMessage("outcomes.syncConflict", { record, fields: r.conflicts.map((c) => c.label).join(", ") });
  if (r.targetIsNewer) return serverMessage("outcomes.syncTargetNewer", { record });
  if (r.recommended === "send") return serverMessage("outcomes.syncSend", { record });
  if (r.recommended === "get") return serverMessage("outcomes.syncGet", { record });
  return serverMessage("outcomes.syncMerge", { record });
}

const CANNOT = { send: "errors.mappingCannotSend", get: "errors.mappingCannotGet", merge: "errors.mappingCannotMerge" } as const;
const OPTION_NAME: Record<SyncNowChoice, string> = { send: "toDataverse", get: "fromDataverse", merge: "bidirectional" };

function useOptions(options: SyncNowChoice[]): ServerMessage {
  const names = options.map((o) => OPTION_NAME[o]);
  if (names.length === 1) return serverMessage("fields.useOption", { option: names[0] });
  return serverMessage("fields.useOptions", { options: names.slice(0, -1).join(", "), last: names[names.length - 1] });
}

export type SynchronizeNowInput = { table: ErpTable; erpIds: string[]; direction?: SyncNowDirection; trigger?: SyncJobTrigger; requestedById?: string };

export type SynchronizeNowPlan = { mapping: LoadedMapping; request: RunRequest; choice: SyncNowChoice };

/** Validates the request and decides direction, force and bulk; throws the user-facing refusal. Writes nothing. */
export async function planSynchronizeNow(deps: OperationDeps, input: SynchronizeNowInput): Promise<SynchronizeNowPlan> {
  const { db } = deps;
  const mapping = await mappingForTable(db, input.table);
  const noun = { key: `tableNouns.${input.table}` } as const;
  const recordNoun = { key: `recordNouns.${input.table}` } as const;
  const ids = [...new Set(input.erpIds)];
  if (ids.length === 0) throw actionError("invalid", serverMessage("errors.chooseRecord"), { nos: [serverMessage("errors.chooseRecord")] });
  const isBulk = ids.length > 1;
  const options = optionsOf(mapping);
  let choice: SyncNowChoice;
  if (input.direction) {
    choice = CHOICE_OF[input.direction];
    if (!options.includes(choice)) {
      throw new UnprocessableError(serverMessage(CANNOT[choice], { name: mapping.row.name, direction: { key: `directions.${mapping.row.direction}` } }), {
        direction: [useOptions(options)],
      });
    }
    if (isBulk && choice === "merge") {
      throw actionError("invalid", serverMessage("errors.chooseDirection"), { direction: [serverMessage("errors.chooseDirectionField")] });
    }
  } else if (isBulk) {
    if (options.length > 1) {
      throw actionError("invalid", serverMessage("errors.chooseDirection"), { direction: [serverMessage("errors.chooseDirectionField")] });
    }
    choice = options[0];
  } else {
    const recommendation = await recommendForRecord(deps, { table: input.table, erpId: ids[0] });
    if (!recommendation.isCoupled) throw new UnprocessableError(serverMessage("errors.notCoupledSetUp", { record: recordNoun }));
    choice = recommendation.recommendation.recommended;
  }

  const records = await Promise.all(ids.map((id) => findErpRecord(db, input.table, id)));
  const missing = ids.filter((_, i) => !records[i]);
  if (missing.length > 0) throw actionError("not_found", serverMessage("errors.selectedGone", { count: missing.length, noun }));
  const couplings = await db.coupling.findMany({ where: { erpTable: input.table, erpId: { in: ids } } });
  if (!isBulk) {
    const coupling = couplings[0];
    const no = erpKeyOf(input.table, records[0]!);
    if (!coupling) throw new UnprocessableError(serverMessage("errors.notCoupledSetUpNo", { record: recordNoun, no }));
    if (coupling.isSkipped) throw new UnprocessableError(serverMessage("errors.skippedOne", { record: recordNoun, no }));
  } else if (couplings.length > 0 && couplings.every((c) => c.isSkipped) && couplings.length === ids.length) {
    throw new UnprocessableError(serverMessage("errors.skippedAll", { noun }));
  }
  return {
    mapping,
    choice,
    request: {
      mappingId: mapping.row.id,
      direction: DIRECTION_OF[choice],
      trigger: input.trigger ?? "MANUAL",
      scope: { erpIds: ids, dataverseIds: couplings.map((c) => c.dataverseId) },
      force: true,
      bulk: isBulk,
      requestedById: input.requestedById,
    },
  };
}

export async function synchronizeNow(deps: OperationDeps, input: SynchronizeNowInput): Promise<SynchronizeNowPlan & { result: RunResult }> {
  const plan = await planSynchronizeNow(deps, input);
  const result = await runSync(deps, plan.request);
  return { ...plan, result };
}

/** Ids of ERP records by their No./Code (missing keys are named in one not_found error); only the API asks, in English. */
export async function erpIdsByKeys(db: Db, table: ErpTable, keys: readonly string[]): Promise<{ id: string; no: string }[]> {
  const key = ERP_KEY_FIELDS[table];
  const wanted = [...new Set(keys.map((k) => k.trim().toUpperCase()))];
  const rows = await erpDelegate(db, table).findMany({ where: { [key]: { in: wanted } } });
  const byKey = new Map(rows.map((r) => [String(r[key]), r.id]));
  const missing = wanted.filter((k) => !byKey.has(k));
  if (missing.length > 0) {
    throw new ActionError("not_found", `${missing.length === 1 ? `The ${ERP_TABLE_NOUNS[table]} ${missing[0]} does` : `The ${ERP_TABLE_NOUNS[table]} records ${missing.slice(0, 10).join(", ")} do`} not exist.`);
  }
  return wanted.map((no) => ({ id: byKey.get(no)!, no }));
}
