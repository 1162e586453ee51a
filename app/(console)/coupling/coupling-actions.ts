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
import * as ops from "./coupling-operations.ts";

// The coupling server actions of customers and contacts: each takes the table ("CUSTOMER" | "CONTACT") in its input,
// checks its permission first (inside the operation), validates the plain object it is given, and calls
// lib/integration.

export async function couplingDialogAction(input: unknown): Promise<ActionResult<CouplingDialogState>> {
  return ops.couplingDialogState(input);
}

export async function searchDataverseRecordsAction(input: unknown): Promise<ActionResult<DataverseCandidate[]>> {
  return ops.searchDataverse(input);
}

export async function previewCouplingAction(input: unknown): Promise<ActionResult<{ fields: FieldComparisonRow[]; name: string }>> {
  return ops.previewCoupling(input);
}

export async function setUpCouplingAction(input: unknown): Promise<ActionResult<OperationOutcome>> {
  return ops.setUpCoupling(input);
}

export async function recommendSynchronizationAction(input: unknown): Promise<ActionResult<RecordRecommendation & { direction: string }>> {
  return ops.recommendSynchronization(input);
}

export async function synchronizeRecordsAction(input: unknown): Promise<ActionResult<OperationOutcome>> {
  return ops.synchronizeRecords(input);
}

export async function deleteCouplingsAction(input: unknown): Promise<ActionResult<OperationOutcome>> {
  return ops.deleteCouplings(input);
}

export async function matchCriteriaAction(input: unknown): Promise<ActionResult<MatchCriteriaOptions>> {
  return ops.matchCriteriaOptions(input);
}

export async function previewRecordMatchAction(input: unknown): Promise<ActionResult<MatchReport>> {
  return ops.previewMatchBasedCoupling(input);
}

export async function startRecordMatchAction(input: unknown): Promise<ActionResult<OperationOutcome>> {
  return ops.startMatchBasedCoupling(input);
}
