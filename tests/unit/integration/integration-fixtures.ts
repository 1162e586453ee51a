import { defaultTableMapping } from "../../../lib/integration/default-mappings.ts";
import {
  compareFields,
  lookupResolver,
  type DataverseRecord,
  type ErpRecord,
  type LookupAnswer,
  type LookupQuery,
  type Snapshot,
} from "../../../lib/integration/field-transfer.ts";
import type { FieldMappingDef, TableMappingDef } from "../../../lib/integration/mapping-schema.ts";
import type { MappingPolicy } from "../../../lib/integration/sync-decision.ts";

// Shared records and helpers for the integration unit tests: a customer ↔ account pair on the default CUSTOMER
// mapping, a contact ↔ contact pair on CONTACT, and the couplings their lookups translate through.

export const CUSTOMER_ID = "7f1c1b0e-0000-4000-8000-000000000010";
export const ACCOUNT_ID = "a1a1a1a1-0000-4000-8000-000000000010";
export const CONTACT_ID = "c0c0c0c0-0000-4000-8000-000000000001";
export const DV_CONTACT_ID = "d0d0d0d0-0000-4000-8000-000000000001";
export const USER_ID = "5e5e5e5e-0000-4000-8000-000000000001";
export const EUR_ID = "e0e0e0e0-0000-4000-8000-000000000001";
export const UNCOUPLED_ACCOUNT_ID = "bbbbbbbb-0000-4000-8000-000000000099";

export function mapping(name: string): TableMappingDef {
  const m = defaultTableMapping(name);
  if (!m) throw new Error(`no default mapping ${name}`);
  return m;
}

export function policy(name: string, over: Partial<MappingPolicy> = {}): MappingPolicy {
  const m = mapping(name);
  return {
    name: m.name,
    erpTable: m.erpTable,
    dataverseEntity: m.dataverseEntity,
    direction: m.direction,
    syncOnlyCoupledRecords: m.syncOnlyCoupledRecords,
    updateConflictResolution: m.updateConflictResolution,
    deletionConflictResolution: m.deletionConflictResolution,
    ...over,
  };
}

export function customer(over: ErpRecord = {}): ErpRecord {
  return {
    id: CUSTOMER_ID,
    no: "C00010",
    name: "Contoso Ltd",
    address: "Main Street 1",
    address2: "",
    postCode: "10115",
    city: "Berlin",
    county: "",
    countryRegionCode: "DE",
    phoneNo: "+49 30 1234",
    mobilePhoneNo: "",
    email: "info@contoso.example",
    faxNo: "",
    homePage: "",
    currencyCode: "EUR",
    salespersonCode: "JR",
    creditLimit: "2500.50",
    primaryContactNo: "",
    blocked: "NONE",
    ...over,
  };
}

export function account(over: DataverseRecord = {}): DataverseRecord {
  return {
    accountid: ACCOUNT_ID,
    name: "Contoso Ltd",
    address1_line1: "Main Street 1",
    address1_line2: null,
    address1_postalcode: "10115",
    address1_city: "Berlin",
    address1_stateorprovince: null,
    address1_country: "DE",
    telephone1: "+49 30 1234",
    emailaddress1: "info@contoso.example",
    fax: null,
    websiteurl: null,
    transactioncurrencyid: EUR_ID,
    ownerid: USER_ID,
    creditlimit: 2500.5,
    primarycontactid: null,
    statecode: 0,
    ...over,
  };
}

export function contact(over: ErpRecord = {}): ErpRecord {
  return {
    id: CONTACT_ID,
    no: "CT0001",
    firstName: "Jane",
    middleName: "",
    surname: "Doe",
    name: "Jane Doe",
    jobTitle: "Buyer",
    customerId: CUSTOMER_ID,
    address: "",
    address2: "",
    postCode: "",
    city: "Berlin",
    county: "",
    countryRegionCode: "DE",
    email: "jane@contoso.example",
    phoneNo: "",
    mobilePhoneNo: "",
    salutationCode: "",
    ...over,
  };
}

export function salesperson(over: ErpRecord = {}): ErpRecord {
  return { id: "22222222-0000-4000-8000-000000000001", code: "JR", name: "Jim Roe", email: "", phoneNo: "", ...over };
}

export function dvContact(over: DataverseRecord = {}): DataverseRecord {
  return {
    contactid: DV_CONTACT_ID,
    firstname: "Jane",
    middlename: null,
    lastname: "Doe",
    fullname: "Jane Doe",
    jobtitle: "Buyer",
    parentcustomerid: ACCOUNT_ID,
    address1_city: "Berlin",
    address1_country: "DE",
    emailaddress1: "jane@contoso.example",
    ...over,
  };
}

/** The couplings the default lookups translate through: salesperson JR, currency EUR, customer C00010. */
export const couplings: [LookupQuery, LookupAnswer][] = [
  [{ mapping: "SALESPEOPLE", erpKey: "code", from: "erp", value: "JR" }, { status: "coupled", value: USER_ID }],
  [{ mapping: "SALESPEOPLE", erpKey: "code", from: "dataverse", value: USER_ID }, { status: "coupled", value: "JR" }],
  [{ mapping: "CURRENCY", erpKey: "code", from: "erp", value: "EUR" }, { status: "coupled", value: EUR_ID }],
  [{ mapping: "CURRENCY", erpKey: "code", from: "dataverse", value: EUR_ID }, { status: "coupled", value: "EUR" }],
  [{ mapping: "CUSTOMER", erpKey: "id", from: "erp", value: CUSTOMER_ID }, { status: "coupled", value: ACCOUNT_ID }],
  [{ mapping: "CUSTOMER", erpKey: "id", from: "dataverse", value: ACCOUNT_ID }, { status: "coupled", value: CUSTOMER_ID }],
];

export const resolve = lookupResolver(couplings);

/** The snapshot of a pair that agreed at the last sync: each mapped field's value on both sides. */
export function snapshotOf(name: string, erp: ErpRecord, dataverse: DataverseRecord, fieldMappings: FieldMappingDef[] = mapping(name).fieldMappings): Snapshot {
  const m = mapping(name);
  const states = compareFields({
    context: { erpTable: m.erpTable, dataverseEntity: m.dataverseEntity },
    fieldMappings,
    erp,
    dataverse,
    resolveLookup: resolve,
  });
  return Object.fromEntries(states.map((s) => [s.key, { e: s.erp, d: s.dataverse }]));
}
