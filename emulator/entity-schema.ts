// Table definitions of the emulated org: the columns of reference §9 with their Dataverse types, lengths and lookups.

export type AttributeType =
  | "String"
  | "Memo"
  | "Integer"
  | "BigInt"
  | "Money"
  | "Decimal"
  | "Double"
  | "Boolean"
  | "DateTime"
  | "Uniqueidentifier"
  | "Lookup"
  | "Customer"
  | "Owner"
  | "State"
  | "Status"
  | "Picklist";

export type EdmType =
  | "Edm.String"
  | "Edm.Int32"
  | "Edm.Int64"
  | "Edm.Decimal"
  | "Edm.Double"
  | "Edm.Boolean"
  | "Edm.DateTimeOffset"
  | "Edm.Guid";

export type LookupTarget = { entity: string; navigation: string };

export type AttributeDef = {
  logicalName: string;
  type: AttributeType;
  displayName: string;
  maxLength?: number;
  minValue?: number;
  maxValue?: number;
  requiredLevel?: "None" | "ApplicationRequired" | "SystemRequired" | "Recommended";
  isValidForCreate: boolean;
  isValidForUpdate: boolean;
  options?: Record<number, string>;
  targets?: LookupTarget[];
  isPrimaryId?: boolean;
  isPrimaryName?: boolean;
};

export type EntityDef = {
  logicalName: string;
  schemaName: string;
  entitySetName: string;
  primaryIdAttribute: string;
  primaryNameAttribute: string;
  objectTypeCode: number;
  ownership: "UserOwned" | "OrganizationOwned";
  metadataId: string;
  attributes: AttributeDef[];
  alternateKeys: { name: string; attributes: string[] }[];
  changeTrackingEnabled: boolean;
  // Web API property name (e.g. "_primarycontactid_value", "name") -> attribute.
  properties: Map<string, AttributeDef>;
  // Single-valued navigation property -> lookup attribute and target.
  navigations: Map<string, { attribute: AttributeDef; target: string }>;
  addressParts: string[];
};

const stateOptions = { 0: "Active", 1: "Inactive" };
const statusOptions = { 1: "Active", 2: "Inactive" };

function str(logicalName: string, displayName: string, maxLength: number, extra: Partial<AttributeDef> = {}): AttributeDef {
  return { logicalName, displayName, type: "String", maxLength, isValidForCreate: true, isValidForUpdate: true, ...extra };
}

function memo(logicalName: string, displayName: string, maxLength: number, extra: Partial<AttributeDef> = {}): AttributeDef {
  return { logicalName, displayName, type: "Memo", maxLength, isValidForCreate: true, isValidForUpdate: true, ...extra };
}

function readOnly(logicalName: string, displayName: string, type: AttributeType, extra: Partial<AttributeDef> = {}): AttributeDef {
  return { logicalName, displayName, type, isValidForCreate: false, isValidForUpdate: false, ...extra };
}

function lookup(logicalName: string, displayName: string, type: "Lookup" | "Customer" | "Owner", targets: LookupTarget[], extra: Partial<AttributeDef> = {}): AttributeDef {
  return { logicalName, displayName, type, targets, isValidForCreate: true, isValidForUpdate: true, ...extra };
}

const addressParts = [
  "address1_line1",
  "address1_line2",
  "address1_line3",
  "address1_city",
  "address1_stateorprovince",
  "address1_postalcode",
  "address1_country",
];

function addressColumns(): AttributeDef[] {
  return [
    str("address1_line1", "Address 1: Street 1", 250),
    str("address1_line2", "Address 1: Street 2", 250),
    str("address1_line3", "Address 1: Street 3", 250),
    str("address1_city", "Address 1: City", 80),
    str("address1_stateorprovince", "Address 1: State/Province", 50),
    str("address1_postalcode", "Address 1: ZIP/Postal Code", 20),
    str("address1_country", "Address 1: Country/Region", 80),
    memo("address1_composite", "Address 1", 1000, { isValidForCreate: false, isValidForUpdate: false }),
  ];
}

function systemColumns(ownership: EntityDef["ownership"]): AttributeDef[] {
  const columns: AttributeDef[] = [
    { logicalName: "statecode", displayName: "Status", type: "State", options: stateOptions, isValidForCreate: false, isValidForUpdate: true, requiredLevel: "SystemRequired" },
    { logicalName: "statuscode", displayName: "Status Reason", type: "Status", options: statusOptions, isValidForCreate: true, isValidForUpdate: true },
    readOnly("createdon", "Created On", "DateTime"),
    readOnly("modifiedon", "Modified On", "DateTime"),
    readOnly("versionnumber", "Version Number", "BigInt"),
    lookup("createdby", "Created By", "Lookup", [{ entity: "systemuser", navigation: "createdby" }], { isValidForCreate: false, isValidForUpdate: false }),
    lookup("modifiedby", "Modified By", "Lookup", [{ entity: "systemuser", navigation: "modifiedby" }], { isValidForCreate: false, isValidForUpdate: false }),
  ];
  if (ownership === "UserOwned") {
    columns.push(lookup("ownerid", "Owner", "Owner", [{ entity: "systemuser", navigation: "ownerid" }], { requiredLevel: "SystemRequired" }));
  }
  return columns;
}

function define(base: Omit<EntityDef, "properties" | "navigations" | "addressParts">): EntityDef {
  const properties = new Map<string, AttributeDef>();
  const navigations = new Map<string, { attribute: AttributeDef; target: string }>();
  for (const attribute of base.attributes) {
    if (attribute.targets) {
      properties.set(`_${attribute.logicalName}_value`, attribute);
      for (const target of attribute.targets) navigations.set(target.navigation, { attribute, target: target.entity });
      continue;
    }
    properties.set(attribute.logicalName, attribute);
  }
  const parts = addressParts.filter((part) => properties.has(part));
  return { ...base, properties, navigations, addressParts: parts };
}

export const entityDefs: EntityDef[] = [
  define({
    logicalName: "account",
    schemaName: "Account",
    entitySetName: "accounts",
    primaryIdAttribute: "accountid",
    primaryNameAttribute: "name",
    objectTypeCode: 1,
    ownership: "UserOwned",
    metadataId: "70816501-edb9-4740-a16c-6a5efbc05d84",
    changeTrackingEnabled: true,
    alternateKeys: [{ name: "accountnumber_key", attributes: ["accountnumber"] }],
    attributes: [
      { logicalName: "accountid", displayName: "Account", type: "Uniqueidentifier", isValidForCreate: true, isValidForUpdate: false, isPrimaryId: true },
      str("name", "Account Name", 160, { requiredLevel: "ApplicationRequired", isPrimaryName: true }),
      str("accountnumber", "Account Number", 20),
      str("telephone1", "Main Phone", 50),
      str("telephone2", "Other Phone", 50),
      str("fax", "Fax", 50),
      str("emailaddress1", "Email", 100),
      str("websiteurl", "Website", 200),
      ...addressColumns(),
      memo("description", "Description", 2000),
      { logicalName: "revenue", displayName: "Annual Revenue", type: "Money", minValue: 0, maxValue: 100000000000000, isValidForCreate: true, isValidForUpdate: true },
      { logicalName: "creditlimit", displayName: "Credit Limit", type: "Money", minValue: 0, maxValue: 100000000000000, isValidForCreate: true, isValidForUpdate: true },
      { logicalName: "customertypecode", displayName: "Relationship Type", type: "Picklist", options: { 1: "Competitor", 2: "Consultant", 3: "Customer", 4: "Investor", 5: "Partner", 6: "Influencer", 7: "Press", 8: "Prospect", 9: "Reseller", 10: "Supplier", 11: "Vendor", 12: "Other" }, isValidForCreate: true, isValidForUpdate: true },
      lookup("primarycontactid", "Primary Contact", "Lookup", [{ entity: "contact", navigation: "primarycontactid" }]),
      lookup("parentaccountid", "Parent Account", "Lookup", [{ entity: "account", navigation: "parentaccountid" }]),
      lookup("transactioncurrencyid", "Currency", "Lookup", [{ entity: "transactioncurrency", navigation: "transactioncurrencyid" }]),
      ...systemColumns("UserOwned"),
    ],
  }),
  define({
    logicalName: "contact",
    schemaName: "Contact",
    entitySetName: "contacts",
    primaryIdAttribute: "contactid",
    primaryNameAttribute: "fullname",
    objectTypeCode: 2,
    ownership: "UserOwned",
    metadataId: "608861bc-50a4-4c5f-a02c-21fe1943e2cf",
    changeTrackingEnabled: true,
    alternateKeys: [],
    attributes: [
      { logicalName: "contactid", displayName: "Contact", type: "Uniqueidentifier", isValidForCreate: true, isValidForUpdate: false, isPrimaryId: true },
      str("firstname", "First Name", 50, { requiredLevel: "Recommended" }),
      str("middlename", "Middle Name", 50),
      str("lastname", "Last Name", 50, { requiredLevel: "ApplicationRequired" }),
      str("salutation", "Salutation", 100),
      str("fullname", "Full Name", 160, { isValidForCreate: false, isValidForUpdate: false, isPrimaryName: true }),
      str("jobtitle", "Job Title", 100),
      str("emailaddress1", "Email", 100),
      str("telephone1", "Business Phone", 50),
      str("mobilephone", "Mobile Phone", 50),
      str("fax", "Fax", 50),
      str("websiteurl", "Website", 200),
      ...addressColumns(),
      memo("description", "Description", 2000),
      lookup("parentcustomerid", "Company Name", "Customer", [
        { entity: "account", navigation: "parentcustomerid_account" },
        { entity: "contact", navigation: "parentcustomerid_contact" },
      ]),
      lookup("transactioncurrencyid", "Currency", "Lookup", [{ entity: "transactioncurrency", navigation: "transactioncurrencyid" }]),
      ...systemColumns("UserOwned"),
    ],
  }),
  define({
    logicalName: "systemuser",
    schemaName: "SystemUser",
    entitySetName: "systemusers",
    primaryIdAttribute: "systemuserid",
    primaryNameAttribute: "fullname",
    objectTypeCode: 8,
    ownership: "OrganizationOwned",
    metadataId: "e2eb6a4a-3e57-4ce3-8f4a-6f6b1a4c2ad7",
    changeTrackingEnabled: true,
    alternateKeys: [],
    attributes: [
      { logicalName: "systemuserid", displayName: "User", type: "Uniqueidentifier", isValidForCreate: true, isValidForUpdate: false, isPrimaryId: true },
      str("firstname", "First Name", 64),
      str("lastname", "Last Name", 64),
      str("fullname", "Full Name", 200, { isValidForCreate: false, isValidForUpdate: false, isPrimaryName: true }),
      str("domainname", "User Name", 1024),
      str("internalemailaddress", "Primary Email", 100),
      str("title", "Title", 128),
      str("mobilephone", "Mobile Phone", 64),
      { logicalName: "applicationid", displayName: "Application ID", type: "Uniqueidentifier", isValidForCreate: true, isValidForUpdate: true },
      { logicalName: "azureactivedirectoryobjectid", displayName: "Azure AD Object ID", type: "Uniqueidentifier", isValidForCreate: true, isValidForUpdate: true },
      { logicalName: "isdisabled", displayName: "Status", type: "Boolean", isValidForCreate: true, isValidForUpdate: true },
      { logicalName: "islicensed", displayName: "User Licensed", type: "Boolean", isValidForCreate: true, isValidForUpdate: true },
      { logicalName: "accessmode", displayName: "Access Mode", type: "Picklist", options: { 0: "Read-Write", 1: "Administrative", 2: "Read", 3: "Support User", 4: "Non-interactive", 5: "Delegated Admin" }, isValidForCreate: true, isValidForUpdate: true },
      readOnly("createdon", "Created On", "DateTime"),
      readOnly("modifiedon", "Modified On", "DateTime"),
      readOnly("versionnumber", "Version Number", "BigInt"),
      lookup("createdby", "Created By", "Lookup", [{ entity: "systemuser", navigation: "createdby" }], { isValidForCreate: false, isValidForUpdate: false }),
      lookup("modifiedby", "Modified By", "Lookup", [{ entity: "systemuser", navigation: "modifiedby" }], { isValidForCreate: false, isValidForUpdate: false }),
    ],
  }),
  define({
    logicalName: "transactioncurrency",
    schemaName: "TransactionCurrency",
    entitySetName: "transactioncurrencies",
    primaryIdAttribute: "transactioncurrencyid",
    primaryNameAttribute: "currencyname",
    objectTypeCode: 9105,
    ownership: "OrganizationOwned",
    metadataId: "e1b1c8e6-5d2a-4a0f-9f1e-3c1b6c7d8e90",
    changeTrackingEnabled: true,
    alternateKeys: [],
    attributes: [
      { logicalName: "transactioncurrencyid", displayName: "Currency", type: "Uniqueidentifier", isValidForCreate: true, isValidForUpdate: false, isPrimaryId: true },
      str("currencyname", "Currency Name", 100, { requiredLevel: "SystemRequired", isPrimaryName: true }),
      str("isocurrencycode", "Currency Code", 5, { requiredLevel: "SystemRequired" }),
      str("currencysymbol", "Currency Symbol", 10, { requiredLevel: "SystemRequired" }),
      { logicalName: "exchangerate", displayName: "Exchange Rate", type: "Decimal", minValue: 0.0000000001, maxValue: 100000000000, isValidForCreate: true, isValidForUpdate: true, requiredLevel: "SystemRequired" },
      { logicalName: "currencyprecision", displayName: "Currency Precision", type: "Integer", minValue: 0, maxValue: 4, isValidForCreate: true, isValidForUpdate: true },
      ...systemColumns("OrganizationOwned"),
    ],
  }),
];

export const entityByLogicalName = new Map(entityDefs.map((def) => [def.logicalName, def]));
export const entityBySetName = new Map(entityDefs.map((def) => [def.entitySetName, def]));

export function edmTypeOf(attribute: AttributeDef): EdmType {
  switch (attribute.type) {
    case "String":
    case "Memo":
      return "Edm.String";
    case "Integer":
    case "State":
    case "Status":
    case "Picklist":
      return "Edm.Int32";
    case "BigInt":
      return "Edm.Int64";
    case "Money":
    case "Decimal":
      return "Edm.Decimal";
    case "Double":
      return "Edm.Double";
    case "Boolean":
      return "Edm.Boolean";
    case "DateTime":
      return "Edm.DateTimeOffset";
    default:
      return "Edm.Guid";
  }
}

export function isLookup(attribute: AttributeDef): boolean {
  return attribute.targets !== undefined;
}

export function lookupProperty(attribute: AttributeDef): string {
  return `_${attribute.logicalName}_value`;
}

// The hidden member of a stored row that remembers which table a lookup value points at (needed for polymorphic lookups).
export function lookupTypeField(attribute: AttributeDef): string {
  return `_${attribute.logicalName}_type`;
}
