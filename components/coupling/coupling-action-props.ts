import type { ActionResult } from "../../lib/actions/action-result.ts";
import type { MatchReport } from "../../lib/integration/match-based-coupling.ts";
import type { RecordRecommendation } from "../../lib/integration/synchronize-now.ts";
import type { CouplingDialogState, CouplingPermissions, DataverseCandidate, FieldComparisonRow, MatchCriteriaOptions, OperationOutcome, RowCoupling } from "./coupling-types.ts";

// The server actions a page binds for its table (customers or contacts) and hands to the coupling components.
export type CouplingActions = {
  dialog: (input: unknown) => Promise<ActionResult<CouplingDialogState>>;
  search: (input: unknown) => Promise<ActionResult<DataverseCandidate[]>>;
  preview: (input: unknown) => Promise<ActionResult<{ fields: FieldComparisonRow[]; name: string }>>;
  setUp: (input: unknown) => Promise<ActionResult<OperationOutcome>>;
  recommend: (input: unknown) => Promise<ActionResult<RecordRecommendation & { direction: string }>>;
  synchronize: (input: unknown) => Promise<ActionResult<OperationOutcome>>;
  deleteCouplings: (input: unknown) => Promise<ActionResult<OperationOutcome>>;
  matchCriteria: () => Promise<ActionResult<MatchCriteriaOptions>>;
  previewMatch: (input: unknown) => Promise<ActionResult<MatchReport>>;
  startMatch: (input: unknown) => Promise<ActionResult<OperationOutcome>>;
};

export type CouplingTableName = "CUSTOMER" | "CONTACT";

/** What a list needs for its coupling column and selection actions (the visible page's couplings only). */
export type ListCoupling = {
  couplings: Record<string, RowCoupling>;
  permissions: CouplingPermissions;
  mappingDirection: string | null;
  actions: CouplingActions;
};
