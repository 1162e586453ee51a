"use server";

import type { ActionResult } from "../../../lib/actions/action-result.ts";
import type { MatchReport } from "../../../lib/integration/match-based-coupling.ts";
import type { RecordRecommendation } from "../../../lib/integration/synchronize-now.ts";
import type {
  CouplingDialogState,
  DataverseCandidate,
  FieldComparisonRow,
  MatchCriteriaOptions,
  OperationOutcome,
} from "../../../components/coupling/coupling-types.ts";
import * as ops from "../customers/coupling-operations.ts";

// The coupling server actions of contacts: each checks its permission first (inside the operation), validates the
// plain object it is given, and calls lib/integration.

const TABLE = "CONTACT";

export async function contactCouplingDialog(input: unknown): Promise<ActionResult<CouplingDialogState>> {
  return ops.couplingDialogState(TABLE, input);
}

export async function searchContactDataverse(input: unknown): Promise<ActionResult<DataverseCandidate[]>> {
  return ops.searchDataverse(TABLE, input);
}

export async function previewContactCoupling(input: unknown): Promise<ActionResult<{ fields: FieldComparisonRow[]; name: string }>> {
  return ops.previewCoupling(TABLE, input);
}

export async function setUpContactCoupling(input: unknown): Promise<ActionResult<OperationOutcome>> {
  return ops.setUpCoupling(TABLE, input);
}

export async function recommendContactSynchronization(input: unknown): Promise<ActionResult<RecordRecommendation & { direction: string }>> {
  return ops.recommendSynchronization(TABLE, input);
}

export async function synchronizeContacts(input: unknown): Promise<ActionResult<OperationOutcome>> {
  return ops.synchronizeRecords(TABLE, input);
}

export async function deleteContactCouplings(input: unknown): Promise<ActionResult<OperationOutcome>> {
  return ops.deleteCouplings(TABLE, input);
}


export async function contactMatchCriteria(): Promise<ActionResult<MatchCriteriaOptions>> {
  return ops.matchCriteriaOptions(TABLE);
}

export async function previewContactMatchBasedCoupling(input: unknown): Promise<ActionResult<MatchReport>> {
  return ops.previewMatchBasedCoupling(TABLE, input);
}

export async function startContactMatchBasedCoupling(input: unknown): Promise<ActionResult<OperationOutcome>> {
  return ops.startMatchBasedCoupling(TABLE, input);
}
