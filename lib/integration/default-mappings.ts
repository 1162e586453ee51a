import type { SyncDirection, TemplateSide } from "../db/generated/enums.ts";
import type { FieldMappingDef, TableMappingDef, Transformation } from "./mapping-schema.ts";
import type { TableFilter } from "./table-filter.ts";

// The seed definitions of the four default mappings (BC §2l, CSD `ResetConfiguration`), adapted to our ERP fields
// (prisma/schema.prisma) and the Dataverse columns of reference §9. Plain data: the seed inserts it, and "Use Default
// Synchronization Setup" restores one mapping from it (settings, field mappings, templates), keeping its couplings.
//
// Deliberate differences from BC, mapping by mapping:
// - All: schedule every 60 s instead of BC's 30 min (ERP edits also trigger a run within seconds, see issue 4); no
//   CompanyId filter (we couple one ERP company to one org); no OwnerIdType / ParentCustomerIdType constants — the Web
//   API sets the lookup type through the navigation property (`ownerid@odata.bind: /systemusers(..)`).
// - CUSTOMER: no CustomerTypeCode filter — our ERP has no vendors sharing the account table, and accounts created by
//   hand in Dataverse usually leave Relationship Type blank, so BC's filter would hide them. No Shipment Method,
//   Shipping Agent, Payment Terms (our customers have none) and no Address1_PrimaryContactName (no "Contact" text field).
//   Blank Currency Code ↔ null transactioncurrencyid (BC maps blank to the Dataverse currency of the LCY code; we have
//   no LCY setup). Primary Contact No. clears primarycontactid when the contact is not coupled yet and sends it once it is.
// - CONTACT: parent through the Customer column (Contact.customerId ↔ parentcustomerid via CUSTOMER couplings)
//   instead of BC's Company No. hooks; the ERP filter "Customer is not empty" replaces "Type = Person, Company No. <> ''"
//   (all our contacts are persons). Job Title is mapped (BC leaves it out); Salesperson Code, Currency Code, Fax,
//   Home Page and Pager are not (our contacts have no such fields).
// - SALESPEOPLE: "not an application user" is `accessmode ne 4` (Non-interactive) rather than BC's IsIntegrationUser,
//   which not every org exposes. Salespeople created from Dataverse get their Code from the number series (the I/O
//   layer's job, like BC's "SP NO. 00001").
// - CURRENCY: a Dataverse config template supplies exchangerate = 1 and currencyprecision = 2, because a
//   transactioncurrency cannot be created without an exchange rate and our currencies carry none (BC §3.15 fails
//   there). Natural match by ISO code (BC's currency hook) is declared in `naturalMatch`.

export type DefaultConfigTemplate = {
  side: TemplateSide;
  code: string;
  priority: number;
  filter: TableFilter;
  values: Record<string, string | number | boolean | null>;
};

/**
 * A code-level hook (row 2 of SYNC-SEMANTICS): couple an uncoupled record to the one uncoupled record with the same key
 * — in either pass of the mapping itself, and on the fly when another mapping's lookup meets an uncoupled record of it.
 */
export type NaturalMatchRule = { erpField: string; dataverseAttribute: string; isCaseSensitive: boolean };

export type DefaultTableMapping = TableMappingDef & {
  configTemplates: DefaultConfigTemplate[];
  naturalMatch: NaturalMatchRule | null;
};

/** In dependency order: a full synchronization may run them in this order. */
export const DEFAULT_MAPPING_NAMES = ["SALESPEOPLE", "CURRENCY", "CUSTOMER", "CONTACT"] as const;
export type DefaultMappingName = (typeof DEFAULT_MAPPING_NAMES)[number];

const BI: SyncDirection = "BIDIRECTIONAL";
const TO: SyncDirection = "TO_INTEGRATION_TABLE";
const FROM: SyncDirection = "FROM_INTEGRATION_TABLE";

type FieldOptions = Partial<Omit<FieldMappingDef, "erpField" | "dataverseAttribute" | "direction" | "sortOrder">>;

function fields(rows: [string | null, string | null, SyncDirection, FieldOptions?][]): FieldMappingDef[] {
  return rows.map(([erpField, dataverseAttribute, direction, options], index) => ({
    erpField,
    dataverseAttribute,
    direction,
    constantValue: null,
    transformation: null,
    clearValueOnFailedSync: false,
    notNull: false,
    isEnabled: true,
    useForMatchBasedCoupling: false,
    caseSensitiveMatching: false,
    matchPriority: 0,
    isUserDefined: false,
    ...options,
    sortOrder: (index + 1) * 10,
  }));
}

const lookup = (mapping: DefaultMappingName, erpKey: "id" | "no" | "code"): Transformation => ({ lookup: { mapping, erpKey } });

const common = {
  syncOnlyCoupledRecords: true,
  updateConflictResolution: "NONE",
  deletionConflictResolution: "NONE",
  syncAfterMatchBasedCoupling: false,
  createNewIfNoMatch: false,
  isEnabled: true,
  scheduleSeconds: 60,
} as const;

function build(): Record<DefaultMappingName, DefaultTableMapping> {
  return {
    SALESPEOPLE: {
      ...common,
      name: "SALESPEOPLE",
      erpTable: "SALESPERSON",
      dataverseEntity: "systemuser",
      direction: FROM,
      tableFilter: [],
      integrationTableFilter: [
        { field: "isdisabled", operator: "eq", value: false },
        { field: "islicensed", operator: "eq", value: true },
        { field: "accessmode", operator: "ne", value: 4 },
      ],
      dependencies: [],
      fieldMappings: fields([
        ["email", "internalemailaddress", FROM, { useForMatchBasedCoupling: true }],
        ["name", "fullname", FROM],
        ["phoneNo", "mobilephone", FROM],
      ]),
      configTemplates: [],
      naturalMatch: null,
    },
    CURRENCY: {
      ...common,
      name: "CURRENCY",
      erpTable: "CURRENCY",
      dataverseEntity: "transactioncurrency",
      direction: TO,
      tableFilter: [],
      integrationTableFilter: [],
      dependencies: [],
      fieldMappings: fields([
        ["code", "isocurrencycode", TO, { useForMatchBasedCoupling: true }],
        ["symbol", "currencysymbol", TO],
        ["description", "currencyname", TO],
      ]),
      configTemplates: [{ side: "DATAVERSE", code: "DEFAULT", priority: 0, filter: [], values: { exchangerate: 1, currencyprecision: 2 } }],
      naturalMatch: { erpField: "code", dataverseAttribute: "isocurrencycode", isCaseSensitive: false },
    },
    CUSTOMER: {
      ...common,
      name: "CUSTOMER",
      erpTable: "CUSTOMER",
      dataverseEntity: "account",
      direction: BI,
      tableFilter: [{ field: "blocked", operator: "eq", value: "NONE" }],
      integrationTableFilter: [{ field: "statecode", operator: "eq", value: 0 }],
      dependencies: ["SALESPEOPLE", "CURRENCY"],
      fieldMappings: fields([
        ["salespersonCode", "ownerid", TO, { notNull: true, transformation: lookup("SALESPEOPLE", "code") }],
        ["name", "name", BI, { useForMatchBasedCoupling: true }],
        ["address", "address1_line1", BI],
        ["address2", "address1_line2", BI],
        ["postCode", "address1_postalcode", BI],
        ["city", "address1_city", BI],
        ["countryRegionCode", "address1_country", BI],
        ["county", "address1_stateorprovince", BI],
        ["currencyCode", "transactioncurrencyid", BI, { transformation: lookup("CURRENCY", "code") }],
        ["email", "emailaddress1", BI],
        ["faxNo", "fax", BI],
        ["homePage", "websiteurl", BI],
        ["phoneNo", "telephone1", BI],
        ["creditLimit", "creditlimit", TO],
        ["primaryContactNo", "primarycontactid", BI, { clearValueOnFailedSync: true, transformation: lookup("CONTACT", "no") }],
        // BC adds these two as extras, disabled.
        ["no", "accountnumber", TO, { isEnabled: false }],
        ["mobilePhoneNo", "telephone2", BI, { isEnabled: false }],
      ]),
      configTemplates: [],
      naturalMatch: null,
    },
    CONTACT: {
      ...common,
      name: "CONTACT",
      erpTable: "CONTACT",
      dataverseEntity: "contact",
      direction: BI,
      tableFilter: [{ field: "customerId", operator: "notEmpty" }],
      integrationTableFilter: [
        { field: "parentcustomerid", operator: "notEmpty" },
        { field: "statecode", operator: "eq", value: 0 },
      ],
      dependencies: ["CUSTOMER"],
      fieldMappings: fields([
        ["customerId", "parentcustomerid", BI, { transformation: lookup("CUSTOMER", "id") }],
        ["firstName", "firstname", BI, { useForMatchBasedCoupling: true }],
        ["middleName", "middlename", BI],
        ["surname", "lastname", BI, { useForMatchBasedCoupling: true }],
        ["jobTitle", "jobtitle", BI],
        ["address", "address1_line1", BI],
        ["address2", "address1_line2", BI],
        ["postCode", "address1_postalcode", BI],
        ["city", "address1_city", BI],
        ["county", "address1_stateorprovince", BI],
        ["countryRegionCode", "address1_country", BI],
        ["email", "emailaddress1", BI, { useForMatchBasedCoupling: true, matchPriority: 1 }],
        ["phoneNo", "telephone1", BI],
        ["mobilePhoneNo", "mobilephone", BI],
        // BC adds Salutation Code as an extra, disabled.
        ["salutationCode", "salutation", BI, { isEnabled: false }],
      ]),
      configTemplates: [],
      naturalMatch: null,
    },
  };
}

/** Fresh copies of all default mappings (callers may mutate them). */
export function defaultTableMappings(): DefaultTableMapping[] {
  const all = build();
  return DEFAULT_MAPPING_NAMES.map((name) => all[name]);
}

/** One default mapping by name, for "Use Default Synchronization Setup"; undefined for a user-defined mapping. */
export function defaultTableMapping(name: string): DefaultTableMapping | undefined {
  const all = build();
  return (DEFAULT_MAPPING_NAMES as readonly string[]).includes(name) ? all[name as DefaultMappingName] : undefined;
}

/** The natural-match rule of a mapping (row 2), if it has one. */
export function naturalMatchRule(name: string): NaturalMatchRule | null {
  return defaultTableMapping(name)?.naturalMatch ?? null;
}
