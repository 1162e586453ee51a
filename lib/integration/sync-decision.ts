import type { DeletionConflictResolution, ErpTable, SyncDirection, UpdateConflictResolution } from "../db/generated/enums.ts";
import { DATAVERSE_ENTITIES, dataverseNoun, ERP_KEY_FIELDS, ERP_TABLE_NOUNS } from "./field-catalog.ts";
import { errorSignature } from "./error-signature.ts";
import {
  allowsPass,
  compareFields,
  parseSnapshot,
  sameValue,
  type Comparable,
  type DataverseRecord,
  type ErpRecord,
  type FieldState,
  type PassDirection,
  type ResolveLookup,
  type Snapshot,
  type SnapshotEntry,
  type TransferContext,
  type TransferError,
} from "./field-transfer.ts";
import type { FieldMappingDef } from "./mapping-schema.ts";

// The per-candidate decision of SYNC-SEMANTICS.md ("Per candidate", rows 1–11, the Synchronize Now rules and the
// skipped rule) as one pure function. It reads values that the I/O layer loaded and returns what to do: the outcome,
// the job counter, the fields to write, the coupling's new snapshot, and — for failures — the error class and a
// message that says what to do. It never talks to a database or to Dataverse.
//
// Change detection is by value against the coupling's snapshot (ΔE, ΔD), not by timestamps as in BC §2b.3: versions
// are only a shortcut the I/O layer may use to skip loading a pair whose versions both equal the recorded ones.

export type MappingPolicy = {
  name: string;
  erpTable: ErpTable;
  dataverseEntity: string;
  direction: SyncDirection;
  syncOnlyCoupledRecords: boolean;
  updateConflictResolution: UpdateConflictResolution;
  deletionConflictResolution: DeletionConflictResolution;
};

export type CouplingInput = {
  isSkipped: boolean;
  /** Coupling.snapshot as stored (parsed here). */
  snapshot: unknown;
  /** The previous attempt's result in this pass's direction (Coupling.lastToResult / lastFromResult). */
  lastResult: "NONE" | "SUCCESS" | "FAILURE";
  /** Coupling.errorSignature of the previous failure. */
  errorSignature: string | null;
};

/** What a natural-match hook (e.g. currency by ISO code) found among UNCOUPLED records of the other side. */
export type NaturalMatch =
  | { status: "none" }
  | { status: "one"; id: string; record: ErpRecord | DataverseRecord }
  | { status: "many"; count: number; criterion: string };

export type DecideInput = {
  pass: PassDirection;
  mapping: MappingPolicy;
  fieldMappings: readonly FieldMappingDef[];
  /** The ERP record, or null when it does not exist (deleted, or not created yet). */
  erp: ErpRecord | null;
  /** The Dataverse record (logical names, lookups by logical name), or null when missing (404, $deletedEntity). */
  dataverse: DataverseRecord | null;
  /** Null when the pair is not coupled. */
  coupling: CouplingInput | null;
  /** Manual Synchronize Now, post-coupling sync, errors-page Synchronize (§2i): no unchanged/conflict/deletion-policy checks. */
  force?: boolean;
  /** Manual runs that may create (BC passes only-coupled = false for post-coupling and errors-page syncs). */
  overrideSyncOnlyCoupled?: boolean;
  /** Synchronize Now for many records: a record whose target changed since the last sync is skipped, never overwritten. */
  bulk?: boolean;
  naturalMatch?: NaturalMatch;
  resolveLookup: ResolveLookup;
  /** How to name the records in messages; derived from the records (No./Code, primary name) when left out. */
  refs?: { erp?: string; dataverse?: string };
  context?: Pick<TransferContext, "erpFields" | "dataverseAttributes">;
};

export type DecisionRow =
  | "1"
  | "2"
  | "3"
  | "4"
  | "5"
  | "6"
  | "7"
  | "8"
  | "9"
  | "10"
  | "11"
  /** A permanent field-transfer error (over-length, unmapped option, invalid value). */
  | "transfer"
  /** Synchronize Now for many: not coupled, or target changed since the last sync. */
  | "bulk"
  /** Coupled, but both records are gone. */
  | "both-missing";

export type DecisionOutcome =
  /** Nothing happens; counted as skipped. */
  | "skip"
  /** Not a candidate after all (row 3); not counted. */
  | "ignore"
  /** Create the record on `writeSide` with `writes`, couple, store `snapshot`, apply the config template. */
  | "insert"
  /** Couple to `matchedId`, then write `writes` to it (row 2). */
  | "couple"
  /** Delete the stale coupling, create the missing record on `writeSide`, couple again (row 5, Restore Records). */
  | "restore"
  /** Remove the coupling; both records (if any) stay (row 5, Remove Coupling). */
  | "uncouple"
  /** Write `writes` (never empty) to `writeSide` and store `snapshot`. */
  | "update"
  /** Nothing to write; store `snapshot` if not null and refresh versions as told. */
  | "unchanged"
  /** Write nothing (except coupling to `matchedId` if set); record `error`. */
  | "fail";

export type Counter = "inserted" | "modified" | "unchanged" | "skipped" | "failed" | "uncoupled";

export type ConflictField = {
  key: string;
  erpField: string | null;
  dataverseAttribute: string | null;
  label: string;
  dataverseLabel: string;
  /** The last agreed value (null when the field had none). */
  base: SnapshotEntry | null;
  erp: Comparable;
  dataverse: Comparable;
};

export type ClearedLookup = { key: string; mapping: string; parent: string };

export type ResolutionAction = "restore" | "delete" | "removeCoupling" | "synchronize" | "retry";

export type DecisionError = {
  /** SKIPPED when the skipped rule applied; `causeClass` keeps what actually failed. */
  class: "PERMANENT" | "WAITING_FOR_PARENT" | "CONFLICT" | "DELETION_CONFLICT" | "SKIPPED";
  causeClass: "PERMANENT" | "WAITING_FOR_PARENT" | "CONFLICT" | "DELETION_CONFLICT";
  message: string;
  /** Per-field details (transfer errors), for the errors page. */
  detail: string | null;
  /** errorSignature(message, causeClass): store on the coupling and the job error. */
  signature: string;
  /** Set Coupling.isSkipped: the same error as the previous attempt in this direction. */
  markSkipped: boolean;
  /** Mapping names of parents this record waits for (re-queue the pair when one of them couples). */
  waitingFor: string[];
};

export type Decision = {
  row: DecisionRow;
  outcome: DecisionOutcome;
  counter: Counter | null;
  /** Where `writes` go. Dataverse writes are logical names (see toWebApiPayload); ERP writes field names (erpWritePayload). */
  writeSide: "erp" | "dataverse" | null;
  writes: Record<string, Comparable>;
  /** The coupling's snapshot after this decision; null = leave it as it is. */
  snapshot: Snapshot | null;
  /** Whether the recorded versions may move to the records' current ones (no change left unprocessed on that side). */
  refresh: { erpVersion: boolean; dataverseVersion: boolean };
  /** The opposite pass must look at this pair even if its version looks unchanged (changes left for it). */
  needsOppositePass: boolean;
  /** Row 2: the record of the other side to couple to. */
  matchedId: string | null;
  conflicts: ConflictField[];
  /** Lookups written empty under Clear Value on Failed Sync; the pair can be retried when the parent couples. */
  clearedLookups: ClearedLookup[];
  error: DecisionError | null;
  offeredActions: ResolutionAction[];
  /** One line for the record's Synchronization Log. */
  message: string;
};

const RETRYABLE_SKIP_CLASSES = new Set(["PERMANENT", "CONFLICT", "DELETION_CONFLICT"]);

type Side = "erp" | "dataverse";

type Ctx = {
  input: DecideInput;
  pass: PassDirection;
  source: Side;
  target: Side;
  fields: FieldState[];
  passFields: FieldState[];
  snapshot: Snapshot;
  erpNoun: string;
  dataverseNoun: string;
  erpRef: string;
  dataverseRef: string;
};

const mappingAllows = (direction: SyncDirection, pass: PassDirection) => direction === "BIDIRECTIONAL" || direction === pass;
const opposite = (pass: PassDirection): PassDirection => (pass === "TO_INTEGRATION_TABLE" ? "FROM_INTEGRATION_TABLE" : "TO_INTEGRATION_TABLE");
const sideOfSource = (pass: PassDirection): Side => (pass === "TO_INTEGRATION_TABLE" ? "erp" : "dataverse");
const otherSide = (side: Side): Side => (side === "erp" ? "dataverse" : "erp");

export function decide(input: DecideInput): Decision {
  if (!mappingAllows(input.mapping.direction, input.pass)) {
    throw new Error(`Mapping ${input.mapping.name} (${input.mapping.direction}) has no ${input.pass} pass.`);
  }
  const ctx = buildContext(input);
  const decision = decideRows(ctx);
  return applySkipRule(decision, input.coupling);
}

function buildContext(input: DecideInput): Ctx {
  const transferContext: TransferContext = { erpTable: input.mapping.erpTable, dataverseEntity: input.mapping.dataverseEntity, ...input.context };
  // Only field mappings that some pass of this mapping can use take part (a To field in a From-only mapping never moves).
  const usable = input.fieldMappings.filter(
    (fm) =>
      fm.isEnabled &&
      ((allowsPass(fm.direction, "TO_INTEGRATION_TABLE") && mappingAllows(input.mapping.direction, "TO_INTEGRATION_TABLE")) ||
        (allowsPass(fm.direction, "FROM_INTEGRATION_TABLE") && mappingAllows(input.mapping.direction, "FROM_INTEGRATION_TABLE"))),
  );
  const target = input.naturalMatch?.status === "one" && !input.coupling ? input.naturalMatch.record : undefined;
  const erp = input.pass === "FROM_INTEGRATION_TABLE" && target ? target : input.erp;
  const dataverse = input.pass === "TO_INTEGRATION_TABLE" && target ? target : input.dataverse;
  const fields = compareFields({ context: transferContext, fieldMappings: usable, erp, dataverse, resolveLookup: input.resolveLookup });
  const entity = DATAVERSE_ENTITIES[input.mapping.dataverseEntity];
  const erpRef = input.refs?.erp ?? String(erp?.[ERP_KEY_FIELDS[input.mapping.erpTable]] ?? erp?.id ?? "");
  const dvName = entity && dataverse ? dataverse[entity.primaryName] : undefined;
  const dataverseRef =
    input.refs?.dataverse ?? (dvName ? `'${String(dvName)}'` : String((entity && dataverse?.[entity.primaryId]) ?? ""));
  return {
    input,
    pass: input.pass,
    source: sideOfSource(input.pass),
    target: otherSide(sideOfSource(input.pass)),
    fields,
    passFields: fields.filter((f) => allowsPass(f.mapping.direction, input.pass)),
    snapshot: parseSnapshot(input.coupling?.snapshot),
    erpNoun: ERP_TABLE_NOUNS[input.mapping.erpTable],
    dataverseNoun: dataverseNoun(input.mapping.dataverseEntity),
    erpRef,
    dataverseRef,
  };
}

// ───────────── naming ─────────────

function recordName(ctx: Ctx, side: Side, withRef = true): string {
  if (side === "erp") return withRef && ctx.erpRef ? `the ${ctx.erpNoun} ${ctx.erpRef}` : `the ${ctx.erpNoun}`;
  return withRef && ctx.dataverseRef ? `the Dataverse ${ctx.dataverseNoun} ${ctx.dataverseRef}` : `the Dataverse ${ctx.dataverseNoun}`;
}

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

// Labels such as "Phone No." already end with a period.
const endSentence = (s: string) => (s.endsWith(".") ? s : `${s}.`);

function listLabels(labels: string[]): string {
  if (labels.length <= 1) return labels.join("");
  return `${labels.slice(0, -1).join(", ")} and ${labels[labels.length - 1]}`;
}

// ───────────── decision skeletons ─────────────

function base(row: DecisionRow, outcome: DecisionOutcome, counter: Counter | null, message: string): Decision {
  return {
    row,
    outcome,
    counter,
    writeSide: null,
    writes: {},
    snapshot: null,
    refresh: { erpVersion: false, dataverseVersion: false },
    needsOppositePass: false,
    matchedId: null,
    conflicts: [],
    clearedLookups: [],
    error: null,
    offeredActions: [],
    message,
  };
}

function failed(
  row: DecisionRow,
  causeClass: DecisionError["causeClass"],
  message: string,
  extra: { detail?: string | null; waitingFor?: string[]; offeredActions?: ResolutionAction[]; conflicts?: ConflictField[]; matchedId?: string | null } = {},
): Decision {
  return {
    ...base(row, "fail", "failed", message),
    matchedId: extra.matchedId ?? null,
    conflicts: extra.conflicts ?? [],
    offeredActions: extra.offeredActions ?? [],
    error: {
      class: causeClass,
      causeClass,
      message,
      detail: extra.detail ?? null,
      signature: errorSignature(message, causeClass),
      markSkipped: false,
      waitingFor: extra.waitingFor ?? [],
    },
  };
}

// ───────────── rows ─────────────

function decideRows(ctx: Ctx): Decision {
  const { input } = ctx;
  // Row 1 (§2b.1): a skipped coupling is left alone until Retry / Synchronize clears the flag.
  if (input.coupling?.isSkipped) {
    return base("1", "skip", "skipped", `Skipped: ${recordName(ctx, ctx.source)} is marked as skipped. Use Retry or Synchronize on the errors page.`);
  }
  if (!input.coupling) return decideUncoupled(ctx);
  return decideCoupled(ctx);
}

function sourceRecord(ctx: Ctx): ErpRecord | DataverseRecord | null {
  return ctx.source === "erp" ? ctx.input.erp : ctx.input.dataverse;
}

function targetRecord(ctx: Ctx): ErpRecord | DataverseRecord | null {
  return ctx.target === "erp" ? ctx.input.erp : ctx.input.dataverse;
}

function decideUncoupled(ctx: Ctx): Decision {
  const { input } = ctx;
  if (!sourceRecord(ctx)) return base("3", "ignore", null, "Ignored: the record no longer exists and is not coupled.");
  if (input.bulk) {
    return base("bulk", "skip", "skipped", `Skipped: ${recordName(ctx, ctx.source)} is not coupled. Set up a coupling first.`);
  }
  // Row 2: a natural match (BC `OnFindUncoupledDestinationRecord`) couples at once and then behaves like Force.
  const match = input.naturalMatch;
  if (match?.status === "one") {
    const forced = transfer(ctx, "force");
    // The pair is coupled even when the transfer fails, as in BC: the failure is then the coupled pair's.
    if (forced.kind === "error") return { ...forced.decision, matchedId: match.id };
    return {
      ...forced.decision,
      row: "2",
      outcome: "couple",
      counter: "modified",
      matchedId: match.id,
      message: `Coupled to ${recordName(ctx, ctx.target)} (natural match)${Object.keys(forced.decision.writes).length ? ` and updated ${fieldList(ctx, forced.decision.writes)}` : ""}.`,
    };
  }
  if (match?.status === "many") {
    // Ours: BC only handles exactly one match; creating another record when several already match would add a duplicate.
    return failed(
      "2",
      "PERMANENT",
      `${capitalize(recordName(ctx, ctx.source))} matches ${match.count} ${ctx.source === "erp" ? `Dataverse ${ctx.dataverseNoun}` : ctx.erpNoun} records by ${match.criterion}, so it cannot be coupled automatically. Couple it to the right one with Set Up Coupling.`,
    );
  }
  // Row 3: only coupled records are synchronized; an uncoupled one is simply not a candidate.
  if (input.mapping.syncOnlyCoupledRecords && !input.overrideSyncOnlyCoupled) {
    return base("3", "ignore", null, `Ignored: ${recordName(ctx, ctx.source)} is not coupled and the mapping synchronizes only coupled records.`);
  }
  // Row 4: create on the other side.
  const created = transfer(ctx, "insert");
  if (created.kind === "error") return created.decision;
  return {
    ...created.decision,
    row: "4",
    outcome: "insert",
    counter: "inserted",
    message: `Created ${recordName(ctx, ctx.target, false)} from ${recordName(ctx, ctx.source)}.`,
  };
}

function decideCoupled(ctx: Ctx): Decision {
  const { input } = ctx;
  const source = sourceRecord(ctx);
  const target = targetRecord(ctx);
  if (!source && !target) {
    return { ...base("both-missing", "uncouple", "uncoupled", "Removed the coupling: both records were deleted."), offeredActions: [] };
  }
  if (source && target && input.bulk && targetChanged(ctx)) {
    return base(
      "bulk",
      "skip",
      "skipped",
      `Skipped: ${recordName(ctx, ctx.target)} was changed since the last synchronization, so it was not overwritten. Synchronize it on its own to choose which version to keep.`,
    );
  }
  if (!target) return decideMissing(ctx, ctx.pass);
  if (!source) {
    // The deletion was seen from the deleted side (Dataverse delta `$deletedEntity`, ERP tombstone): ours — handled
    // now, as the survivor's pass would handle it (BC notices only when the survivor changes, §2d).
    return decideMissing(ctx, opposite(ctx.pass));
  }
  if (input.force) {
    const forced = transfer(ctx, "force");
    if (forced.kind === "error") return forced.decision;
    const writes = Object.keys(forced.decision.writes);
    return {
      ...forced.decision,
      row: "10",
      outcome: writes.length ? "update" : "unchanged",
      counter: writes.length ? "modified" : "unchanged",
      message: writes.length ? `Updated ${fieldList(ctx, forced.decision.writes)} of ${recordName(ctx, ctx.target)} (forced).` : "Unchanged: both records already agree.",
    };
  }
  return decideModify(ctx);
}

/** Rows 5 and 6, seen from the survivor's pass `survivorPass` (its source side exists, its target side is gone). */
function decideMissing(ctx: Ctx, survivorPass: PassDirection): Decision {
  const { input } = ctx;
  const survivor = sideOfSource(survivorPass);
  const missing = otherSide(survivor);
  const survivorName = recordName(ctx, survivor);
  const missingName = missing === "erp" ? `${ctx.erpNoun} it is coupled to was deleted in the ERP` : `Dataverse ${ctx.dataverseNoun} it is coupled to was deleted`;
  const missingNoun = missing === "erp" ? ctx.erpNoun : ctx.dataverseNoun;
  const survivorNoun = survivor === "erp" ? ctx.erpNoun : ctx.dataverseNoun;

  if (input.force) {
    // Row 6: a manual sync does not apply the deletion policy (§2d); it says what happened and offers the way out.
    return failed(
      "6",
      "DELETION_CONFLICT",
      `${capitalize(survivorName)} is coupled to a ${missing === "erp" ? ctx.erpNoun : `Dataverse ${ctx.dataverseNoun}`} that was deleted. Use Restore Records to recreate the ${missingNoun}, or Delete Records to delete the ${survivorNoun}.`,
      { offeredActions: ["restore", "delete", "removeCoupling"] },
    );
  }
  const policy = input.mapping.deletionConflictResolution;
  if (policy === "REMOVE_COUPLING") {
    return { ...base("5", "uncouple", "uncoupled", `Removed the coupling: the ${missingName}.`) };
  }
  if (policy === "RESTORE_RECORDS") {
    if (!mappingAllows(input.mapping.direction, survivorPass)) {
      return failed(
        "5",
        "DELETION_CONFLICT",
        `${capitalize(survivorName)} cannot be synchronized because the ${missingName}, and it cannot be restored because the mapping ${input.mapping.name} does not ${survivorPass === "TO_INTEGRATION_TABLE" ? "send data to Dataverse" : "get data from Dataverse"}. Delete the ${survivorNoun} or remove the coupling.`,
        { offeredActions: ["delete", "removeCoupling"] },
      );
    }
    const restoreCtx: Ctx = {
      ...ctx,
      pass: survivorPass,
      source: survivor,
      target: missing,
      passFields: ctx.fields.filter((f) => allowsPass(f.mapping.direction, survivorPass)),
      snapshot: {},
    };
    const created = transfer(restoreCtx, "insert");
    if (created.kind === "error") return created.decision;
    return {
      ...created.decision,
      row: "5",
      outcome: "restore",
      counter: "inserted",
      message: `Restored the deleted ${missing === "erp" ? ctx.erpNoun : `Dataverse ${ctx.dataverseNoun}`} from ${survivorName} and coupled them again.`,
    };
  }
  return failed(
    "5",
    "DELETION_CONFLICT",
    `${capitalize(survivorName)} cannot be synchronized because the ${missingName}. Restore the ${missingNoun} (Restore Records), delete the ${survivorNoun} (Delete Records), or remove the coupling.`,
    { offeredActions: ["restore", "delete", "removeCoupling"] },
  );
}

// ───────────── change sets ─────────────

/** Whether E and D agree on a field, compared in the pass's target form. */
function agrees(f: FieldState, pass: PassDirection): boolean {
  if (pass === "TO_INTEGRATION_TABLE") return f.erpAsDataverse.ok && sameValue(f.erpAsDataverse.value, f.dataverse);
  return f.dataverseAsErp.ok && sameValue(f.dataverseAsErp.value, f.erp);
}

/**
 * ΔE / ΔD membership. A field with no base in the snapshot (new field mapping, old coupling) counts as changed on the
 * pass's source side when the two sides disagree — never on both, so adding a field mapping never raises conflicts.
 */
function changedOn(ctx: Ctx, f: FieldState, side: Side): boolean {
  const s = ctx.snapshot[f.key];
  if (!s) return side === ctx.source && !agrees(f, ctx.pass);
  return side === "erp" ? !sameValue(f.erp, s.e) : !sameValue(f.dataverse, s.d);
}

function targetChanged(ctx: Ctx): boolean {
  return ctx.passFields.some((f) => ctx.snapshot[f.key] !== undefined && changedOn(ctx, f, ctx.target));
}

function decideModify(ctx: Ctx): Decision {
  const { input } = ctx;
  const changed = ctx.passFields.filter((f) => changedOn(ctx, f, ctx.source));
  if (changed.length === 0) {
    // Row 7: nothing mapped moved on the source side; fill the base of fields that have none and already agree.
    const filled = fillAgreedBases(ctx, { ...ctx.snapshot });
    const d = base("7", "unchanged", "unchanged", "Unchanged.");
    return finish(ctx, { ...d, snapshot: filled.changed ? filled.snapshot : null });
  }

  // Row 9: an update conflict is a Bidirectional field changed on both sides, to different values, in a Bidirectional mapping.
  const conflicts =
    input.mapping.direction === "BIDIRECTIONAL"
      ? changed.filter((f) => f.mapping.direction === "BIDIRECTIONAL" && changedOn(ctx, f, ctx.target) && !agrees(f, ctx.pass))
      : [];
  const conflictDetails = conflicts.map((f) => conflictField(ctx, f));
  let toWrite = changed;
  if (conflicts.length > 0) {
    const policy = input.mapping.updateConflictResolution;
    if (policy === "NONE") {
      return failed(
        "9",
        "CONFLICT",
        `${endSentence(`${capitalize(recordName(ctx, "erp"))} and ${recordName(ctx, "dataverse")} were both changed since the last synchronization, with different values for ${listLabels(conflicts.map((f) => f.erpLabel))}`)} Choose the version to keep with Synchronize on the errors page, or set the mapping's update-conflict resolution and use Retry All.`,
        { conflicts: conflictDetails, offeredActions: ["synchronize", "retry"] },
      );
    }
    const winner: Side = policy === "SEND_UPDATE_TO_INTEGRATION" ? "erp" : "dataverse";
    // The loser's pass leaves the conflicting fields (and their base) alone so the winner's pass overwrites them.
    if (winner !== ctx.source) toWrite = changed.filter((f) => !conflicts.includes(f));
  }

  const result = transfer(ctx, "modify", toWrite);
  if (result.kind === "error") return { ...result.decision, conflicts: conflictDetails };
  const writes = Object.keys(result.decision.writes);
  const row: DecisionRow = conflicts.length ? "9" : "8";
  const resolved = conflicts.length
    ? ` ${endSentence(`Conflict on ${listLabels(conflicts.map((f) => f.erpLabel))} resolved in favour of ${input.mapping.updateConflictResolution === "SEND_UPDATE_TO_INTEGRATION" ? "the ERP" : "Dataverse"}`)}`
    : "";
  return {
    ...result.decision,
    row,
    outcome: writes.length ? "update" : "unchanged",
    counter: writes.length ? "modified" : "unchanged",
    conflicts: conflictDetails,
    message: (writes.length ? `Updated ${fieldList(ctx, result.decision.writes)} of ${recordName(ctx, ctx.target)}.` : "Unchanged: both records already agree.") + resolved,
  };
}

function conflictField(ctx: Ctx, f: FieldState): ConflictField {
  return {
    key: f.key,
    erpField: f.mapping.erpField,
    dataverseAttribute: f.mapping.dataverseAttribute,
    label: f.erpLabel,
    dataverseLabel: f.dataverseLabel,
    base: ctx.snapshot[f.key] ?? null,
    erp: f.erp,
    dataverse: f.dataverse,
  };
}

function fieldList(ctx: Ctx, writes: Record<string, Comparable>): string {
  const labels = Object.keys(writes).map((name) => {
    const f = ctx.passFields.find((x) => (ctx.target === "dataverse" ? x.mapping.dataverseAttribute : x.mapping.erpField) === name);
    return f?.erpLabel ?? name;
  });
  return listLabels(labels);
}

function fillAgreedBases(ctx: Ctx, snapshot: Snapshot): { snapshot: Snapshot; changed: boolean } {
  let changed = false;
  for (const f of ctx.fields) {
    if (snapshot[f.key]) continue;
    const agreed = allowsPass(f.mapping.direction, "TO_INTEGRATION_TABLE") ? agrees(f, "TO_INTEGRATION_TABLE") : agrees(f, "FROM_INTEGRATION_TABLE");
    if (!agreed) continue;
    snapshot[f.key] = { e: f.erp, d: f.dataverse };
    changed = true;
  }
  return { snapshot, changed };
}

// ───────────── transfer ─────────────

type TransferResult = { kind: "ok"; decision: Decision } | { kind: "error"; decision: Decision };

/**
 * Builds the writes and the new snapshot for `mode`: insert (every pass field, blanks left out), force (every pass
 * field that differs) or modify (the given fields, where they differ). Lookup and value errors fail the whole pair.
 */
function transfer(ctx: Ctx, mode: "insert" | "force" | "modify", only?: FieldState[]): TransferResult {
  const fields = only ?? ctx.passFields;
  const toDataverse = ctx.target === "dataverse";
  const snapshot: Snapshot = mode === "insert" ? {} : { ...ctx.snapshot };
  const writes: Record<string, Comparable> = {};
  const errors: TransferError[] = [];
  const cleared: ClearedLookup[] = [];

  for (const f of fields) {
    const translation = toDataverse ? f.erpAsDataverse : f.dataverseAsErp;
    const current = toDataverse ? f.dataverse : f.erp;
    const targetName = (toDataverse ? f.mapping.dataverseAttribute : f.mapping.erpField)!;
    let desired: Comparable;
    if (translation.ok) {
      desired = translation.value;
    } else if (translation.error.isClearable) {
      // Row 11 with Clear Value on Failed Sync: write blank. The base stays "not agreed" ({e: null, d: null} while the
      // source holds a value), so the field is sent again once the parent is coupled.
      desired = null;
      cleared.push({ key: f.key, mapping: translation.error.parent?.mapping ?? "", parent: `${translation.error.parent?.noun ?? ""} ${translation.error.parent?.ref ?? ""}`.trim() });
      snapshot[f.key] = { e: null, d: null };
      if (mode === "insert" || sameValue(current, null)) continue;
      writes[targetName] = null;
      continue;
    } else {
      errors.push(translation.error);
      continue;
    }
    // Not Null (§1.2): a blank GUID is not written (e.g. an owner without a coupled salesperson keeps its owner).
    if (f.mapping.notNull && toDataverse && desired === null) {
      snapshot[f.key] = { e: f.erp, d: f.dataverse };
      continue;
    }
    if (mode === "insert") {
      if (desired !== null) writes[targetName] = desired;
    } else if (!sameValue(desired, current)) {
      writes[targetName] = desired;
    }
    snapshot[f.key] = toDataverse ? { e: f.erp, d: desired } : { e: desired, d: f.dataverse };
  }

  if (errors.length > 0) return { kind: "error", decision: transferFailure(ctx, errors) };
  const decision: Decision = {
    ...base("8", "update", "modified", ""),
    writeSide: ctx.target,
    writes,
    snapshot,
    clearedLookups: cleared,
  };
  if (mode !== "insert") fillAgreedBases(ctx, snapshot);
  return { kind: "ok", decision: finish(ctx, decision) };
}

function transferFailure(ctx: Ctx, errors: TransferError[]): Decision {
  const subject = capitalize(recordName(ctx, ctx.source));
  const permanent = errors.filter((e) => e.errorClass === "PERMANENT");
  const detail = errors.map((e) => `${e.fieldKey}: ${e.message}`).join("\n");
  if (permanent.length > 0) {
    const allLength = permanent.every((e) => e.kind === "overLength");
    const advice = allLength
      ? `Shorten the value in ${ctx.source === "erp" ? "the ERP" : "Dataverse"} — the record is retried automatically when it changes.`
      : "Correct the value or the field mapping, then use Retry.";
    return failed("transfer", "PERMANENT", `${subject} cannot be synchronized: ${permanent.map((e) => e.message).join("; ")}. ${advice}`, {
      detail,
      offeredActions: ["retry"],
    });
  }
  // Row 11: waiting for parent(s).
  const parents = errors.map((e) => e.message);
  // A parent the I/O layer could say more about (e.g. no ERP currency with that ISO code) carries its own advice.
  const plain = [...new Set(errors.filter((e) => !e.parent?.advice).map((e) => `the ${e.parent?.noun ?? "parent"}`))];
  const advised = [...new Set(errors.flatMap((e) => (e.parent?.advice ? [e.parent.advice] : [])))];
  const steps = [...(plain.length > 0 ? [`couple ${listLabels(plain)} first`] : []), ...advised];
  const sourceNoun = ctx.source === "erp" ? `the ${ctx.erpNoun}` : `the Dataverse ${ctx.dataverseNoun}`;
  return failed(
    "11",
    "WAITING_FOR_PARENT",
    `${subject} cannot be synchronized because ${listLabels(parents)}. ${capitalize(steps.join("; "))} — ${sourceNoun} will be retried automatically.`,
    { detail, waitingFor: [...new Set(errors.map((e) => e.parent?.mapping ?? "").filter(Boolean))], offeredActions: ["retry"] },
  );
}

/** Sets versions-refresh and opposite-pass flags from what is left unprocessed on each side after the decision. */
function finish(ctx: Ctx, decision: Decision): Decision {
  const snapshot = decision.snapshot ?? ctx.snapshot;
  const after = (f: FieldState, side: Side): Comparable => {
    const name = side === "dataverse" ? f.mapping.dataverseAttribute : f.mapping.erpField;
    if (decision.writeSide === side && name && name in decision.writes) return decision.writes[name];
    return side === "erp" ? f.erp : f.dataverse;
  };
  const pending = (side: Side, pass: PassDirection) =>
    ctx.fields.filter((f) => {
      if (!allowsPass(f.mapping.direction, pass)) return false;
      const s = snapshot[f.key];
      if (!s) return side === sideOfSource(pass) && !agrees(f, pass);
      return !sameValue(after(f, side), side === "erp" ? s.e : s.d);
    });
  const direction = ctx.input.mapping.direction;
  const pendingErp = mappingAllows(direction, "TO_INTEGRATION_TABLE") ? pending("erp", "TO_INTEGRATION_TABLE") : [];
  const pendingDataverse = mappingAllows(direction, "FROM_INTEGRATION_TABLE") ? pending("dataverse", "FROM_INTEGRATION_TABLE") : [];
  return {
    ...decision,
    refresh: { erpVersion: pendingErp.length === 0, dataverseVersion: pendingDataverse.length === 0 },
    needsOppositePass: ctx.pass === "TO_INTEGRATION_TABLE" ? pendingDataverse.length > 0 : pendingErp.length > 0,
  };
}

// ───────────── skipped rule ─────────────

/**
 * BC §2b.9: a failure identical to the previous attempt's failure in the same direction marks the coupling skipped
 * and counts as skipped. Waiting-for-parent is exempt (ours): it has its own automatic retry when the parent couples,
 * and skipping it would defeat that.
 */
function applySkipRule(decision: Decision, coupling: CouplingInput | null): Decision {
  const error = decision.error;
  if (!error || !coupling || !RETRYABLE_SKIP_CLASSES.has(error.causeClass)) return decision;
  if (coupling.lastResult !== "FAILURE" || coupling.errorSignature !== error.signature) return decision;
  return {
    ...decision,
    counter: "skipped",
    message: `${error.message} It failed the same way twice, so it is skipped until you use Retry or Synchronize on the errors page.`,
    error: {
      ...error,
      class: "SKIPPED",
      markSkipped: true,
      message: `${error.message} It failed the same way twice, so it is skipped until you use Retry or Synchronize on the errors page.`,
    },
  };
}

// ───────────── Synchronize Now ─────────────

export type SyncNowChoice = "send" | "get" | "merge";

export type SyncNowRecommendation = {
  /** Options to offer: all three for a Bidirectional mapping, else the mapping's one direction. */
  options: SyncNowChoice[];
  recommended: SyncNowChoice;
  erpChanged: boolean;
  dataverseChanged: boolean;
  /** Bidirectional fields changed on both sides to different values (show before the user picks). */
  conflicts: ConflictField[];
  /** A one-direction mapping whose target holds newer data: confirm before overwriting (default No, §2i). */
  targetIsNewer: boolean;
};

/**
 * Synchronize Now for one coupled record (§2i): Send if only E changed, Get if only D changed, Merge otherwise.
 * Merge = To pass then From pass, both Force (ERP wins Bidirectional fields).
 */
export function recommendSyncDirection(input: {
  mapping: MappingPolicy;
  fieldMappings: readonly FieldMappingDef[];
  erp: ErpRecord;
  dataverse: DataverseRecord;
  snapshot: unknown;
  resolveLookup: ResolveLookup;
  context?: Pick<TransferContext, "erpFields" | "dataverseAttributes">;
}): SyncNowRecommendation {
  const fields = compareFields({
    context: { erpTable: input.mapping.erpTable, dataverseEntity: input.mapping.dataverseEntity, ...input.context },
    fieldMappings: input.fieldMappings,
    erp: input.erp,
    dataverse: input.dataverse,
    resolveLookup: input.resolveLookup,
  });
  const snapshot = parseSnapshot(input.snapshot);
  const direction = input.mapping.direction;
  const relevant = fields.filter(
    (f) =>
      (allowsPass(f.mapping.direction, "TO_INTEGRATION_TABLE") && mappingAllows(direction, "TO_INTEGRATION_TABLE")) ||
      (allowsPass(f.mapping.direction, "FROM_INTEGRATION_TABLE") && mappingAllows(direction, "FROM_INTEGRATION_TABLE")),
  );
  // Without a base, a disagreement cannot be attributed to one side, so it counts for both.
  const disagree = (f: FieldState) => !agrees(f, allowsPass(f.mapping.direction, "TO_INTEGRATION_TABLE") ? "TO_INTEGRATION_TABLE" : "FROM_INTEGRATION_TABLE");
  const erpChangedFields = relevant.filter((f) => (snapshot[f.key] ? !sameValue(f.erp, snapshot[f.key].e) : disagree(f)));
  const dvChangedFields = relevant.filter((f) => (snapshot[f.key] ? !sameValue(f.dataverse, snapshot[f.key].d) : disagree(f)));
  const erpChanged = erpChangedFields.length > 0;
  const dataverseChanged = dvChangedFields.length > 0;
  const conflicts =
    direction === "BIDIRECTIONAL"
      ? erpChangedFields
          .filter((f) => f.mapping.direction === "BIDIRECTIONAL" && dvChangedFields.includes(f) && !agrees(f, "TO_INTEGRATION_TABLE"))
          .map((f): ConflictField => ({
            key: f.key,
            erpField: f.mapping.erpField,
            dataverseAttribute: f.mapping.dataverseAttribute,
            label: f.erpLabel,
            dataverseLabel: f.dataverseLabel,
            base: snapshot[f.key] ?? null,
            erp: f.erp,
            dataverse: f.dataverse,
          }))
      : [];
  if (direction === "TO_INTEGRATION_TABLE") {
    return { options: ["send"], recommended: "send", erpChanged, dataverseChanged, conflicts, targetIsNewer: dataverseChanged };
  }
  if (direction === "FROM_INTEGRATION_TABLE") {
    return { options: ["get"], recommended: "get", erpChanged, dataverseChanged, conflicts, targetIsNewer: erpChanged };
  }
  const recommended: SyncNowChoice = erpChanged && !dataverseChanged ? "send" : dataverseChanged && !erpChanged ? "get" : "merge";
  return { options: ["send", "get", "merge"], recommended, erpChanged, dataverseChanged, conflicts, targetIsNewer: false };
}

/** The passes a Synchronize Now choice runs, in order; every one with force. */
export function passesFor(choice: SyncNowChoice): PassDirection[] {
  if (choice === "send") return ["TO_INTEGRATION_TABLE"];
  if (choice === "get") return ["FROM_INTEGRATION_TABLE"];
  return ["TO_INTEGRATION_TABLE", "FROM_INTEGRATION_TABLE"];
}
