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

// The coupling server actions of customers: each checks its permission first (inside the operation), validates the
// plain object it is given, and calls lib/integration.

const TABLE = "CUSTOMER";

export async function customerCouplingDialog(input: unknown): Promise<ActionResult<CouplingDialogState>> {
  return ops.couplingDialogState(TABLE, input);
}

export async function searchCustomerDataverse(input: unknown): Promise<ActionResult<DataverseCandidate[]>> {
  return ops.searchDataverse(TABLE, input);
}

export async function previewCustomerCoupling(input: unknown): Promise<ActionResult<{ fields: FieldComparisonRow[]; name: string }>> {
  return ops.previewCoupling(TABLE, input);
}

export async function setUpCustomerCoupling(input: unknown): Promise<ActionResult<OperationOutcome>> {
  return ops.setUpCoupling(TABLE, input);
}

export async function recommendCustomerSynchronization(input: unknown): Promise<ActionResult<RecordRecommendation & { direction: string }>> {
  return ops.recommendSynchronization(TABLE, input);
}

export async function synchronizeCustomers(input: unknown): Promise<ActionResult<OperationOutcome>> {
  return ops.synchronizeRecords(TABLE, input);
}

export async function deleteCustomerCouplings(input: unknown): Promise<ActionResult<OperationOutcome>> {
  return ops.deleteCouplings(TABLE, input);
}


export async function customerMatchCriteria(): Promise<ActionResult<MatchCriteriaOptions>> {
  return ops.matchCriteriaOptions(TABLE);
}

export async function previewCustomerMatchBasedCoupling(input: unknown): Promise<ActionResult<MatchReport>> {
  return ops.previewMatchBasedCoupling(TABLE, input);
}

export async function startCustomerMatchBasedCoupling(input: unknown): Promise<ActionResult<OperationOutcome>> {
  return ops.startMatchBasedCoupling(TABLE, input);
}
