import type { CouplingActionSet } from "../../../components/coupling/coupling-action-props.ts";
import {
  couplingDialogAction,
  deleteCouplingsAction,
  matchCriteriaAction,
  previewCouplingAction,
  previewRecordMatchAction,
  recommendSynchronizationAction,
  searchDataverseRecordsAction,
  setUpCouplingAction,
  startRecordMatchAction,
  synchronizeRecordsAction,
} from "./coupling-actions.ts";

// The one set of coupling server actions the customer and contact pages hand to the coupling components, which add
// their table to every call (bindCouplingTable).
export const couplingActionSet: CouplingActionSet = {
  dialog: couplingDialogAction,
  search: searchDataverseRecordsAction,
  preview: previewCouplingAction,
  setUp: setUpCouplingAction,
  recommend: recommendSynchronizationAction,
  synchronize: synchronizeRecordsAction,
  deleteCouplings: deleteCouplingsAction,
  matchCriteria: matchCriteriaAction,
  previewMatch: previewRecordMatchAction,
  startMatch: startRecordMatchAction,
};
