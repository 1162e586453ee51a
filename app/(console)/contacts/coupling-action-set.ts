import {
  contactCouplingDialog,
  contactMatchCriteria,
  deleteContactCouplings,
  previewContactCoupling,
  previewContactMatchBasedCoupling,
  recommendContactSynchronization,
  searchContactDataverse,
  setUpContactCoupling,
  startContactMatchBasedCoupling,
  synchronizeContacts,
} from "./coupling-actions.ts";

// The coupling server actions of contacts, as the one set the coupling components take.
export const contactCouplingActions = {
  dialog: contactCouplingDialog,
  search: searchContactDataverse,
  preview: previewContactCoupling,
  setUp: setUpContactCoupling,
  recommend: recommendContactSynchronization,
  synchronize: synchronizeContacts,
  deleteCouplings: deleteContactCouplings,
  matchCriteria: contactMatchCriteria,
  previewMatch: previewContactMatchBasedCoupling,
  startMatch: startContactMatchBasedCoupling,
};
