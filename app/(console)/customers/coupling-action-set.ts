import {
  deleteCustomerCouplings,
  customerCouplingDialog,
  customerMatchCriteria,
  previewCustomerCoupling,
  previewCustomerMatchBasedCoupling,
  recommendCustomerSynchronization,
  searchCustomerDataverse,
  setUpCustomerCoupling,
  startCustomerMatchBasedCoupling,
  synchronizeCustomers,
} from "./coupling-actions.ts";

// The coupling server actions of customers, as the one set the coupling components take.
export const customerCouplingActions = {
  dialog: customerCouplingDialog,
  search: searchCustomerDataverse,
  preview: previewCustomerCoupling,
  setUp: setUpCustomerCoupling,
  recommend: recommendCustomerSynchronization,
  synchronize: synchronizeCustomers,
  deleteCouplings: deleteCustomerCouplings,
  matchCriteria: customerMatchCriteria,
  previewMatch: previewCustomerMatchBasedCoupling,
  startMatch: startCustomerMatchBasedCoupling,
};
