import type { ActionResult } from "../../lib/actions/action-result.ts";
import type { MatchReport } from "../../lib/integration/match-based-coupling.ts";
import type { RecordRecommendation } from "../../lib/integration/synchronize-now.ts";
import type { CouplingDialogState, CouplingPermissions, DataverseCandidate, FieldComparisonRow, MatchCriteriaOptions, OperationOutcome, SyncStatus } from "./coupling-types.ts";

export type CouplingTableName = "CUSTOMER" | "CONTACT";

type Results = {
  dialog: CouplingDialogState;
  search: DataverseCandidate[];
  preview: { fields: FieldComparisonRow[]; name: string };
  setUp: OperationOutcome;
  recommend: RecordRecommendation & { direction: string };
  synchronize: OperationOutcome;
  deleteCouplings: OperationOutcome;
  matchCriteria: MatchCriteriaOptions;
  previewMatch: MatchReport;
  startMatch: OperationOutcome;
};

/** The coupling server actions, one set for both tables: every input names its table (checked on the server). */
export type CouplingActionSet = { [K in keyof Results]: (input: unknown) => Promise<ActionResult<Results[K]>> };

/** The same actions bound to one table, as the coupling components call them. */
export type CouplingActions = { [K in keyof Results]: (input?: Record<string, unknown>) => Promise<ActionResult<Results[K]>> };

export function bindCouplingTable(set: CouplingActionSet, table: CouplingTableName): CouplingActions {
  const bound = {} as Record<keyof Results, (input?: Record<string, unknown>) => Promise<ActionResult<unknown>>>;
  for (const key of Object.keys(set) as (keyof Results)[]) bound[key] = (input) => set[key]({ ...input, table });
  return bound as CouplingActions;
}

/** What a list needs for its coupling column and selection actions (the visible page's couplings only). */
export type ListCoupling = {
  /** The status of each coupled record on the page, by ERP id; a record without an entry is not coupled. */
  statuses: Record<string, SyncStatus>;
  permissions: CouplingPermissions;
  mappingDirection: string | null;
  actions: CouplingActionSet;
};
