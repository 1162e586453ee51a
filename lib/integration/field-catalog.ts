import type { ErpTable } from "../db/generated/enums.ts";

// What the engine knows about the fields on both sides without asking anyone: ERP fields (types and lengths copied
// from prisma/schema.prisma) and the Dataverse columns the default mappings and filters use (reference §9, plus the
// standard columns BC maps that §9 does not list: fax, telephone2, creditlimit, middlename, salutation, and the
// systemuser / transactioncurrency columns). Lengths drive the over-length checks of field-transfer.ts; types drive
// normalisation, filter operators and the type-compatibility check of mapping-schema.ts. Metadata read from a real
// org (lib/dataverse) may replace the Dataverse half at run time: every consumer takes an attribute list argument.

export type ErpFieldType = "text" | "code" | "decimal" | "integer" | "boolean" | "enum" | "uuid";

export type ErpFieldDef = {
  name: string;
  label: string;
  type: ErpFieldType;
  maxLength?: number;
  enumValues?: readonly string[];
  /** Nullable in the database (only uuid foreign keys); text fields use "" for blank. */
  isNullable?: boolean;
  /** Not writable by a sync (the record's key or bookkeeping). */
  isReadOnly?: boolean;
};

export type DataverseAttributeType =
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

/** The attribute metadata the engine needs; lib/dataverse's metadata reader can produce the same shape. */
export type DataverseAttribute = {
  logicalName: string;
  type: DataverseAttributeType;
  maxLength?: number;
  label?: string;
  /** Lookup targets (entity logical names) for Lookup / Customer / Owner attributes. */
  targets?: readonly string[];
  isReadOnly?: boolean;
};

export type DataverseEntityDef = {
  logicalName: string;
  entitySet: string;
  primaryId: string;
  primaryName: string;
  /** What users call one record of it ("account", "user"). */
  noun: string;
  attributes: readonly DataverseAttribute[];
};

const text = (name: string, label: string, maxLength: number): ErpFieldDef => ({ name, label, type: "text", maxLength });
const code = (name: string, label: string, maxLength: number): ErpFieldDef => ({ name, label, type: "code", maxLength });

const addressFields: ErpFieldDef[] = [
  text("address", "Address", 100),
  text("address2", "Address 2", 50),
  text("postCode", "Post Code", 20),
  text("city", "City", 30),
  text("county", "County", 30),
  code("countryRegionCode", "Country/Region Code", 10),
];

export const ERP_FIELDS: Record<ErpTable, readonly ErpFieldDef[]> = {
  CUSTOMER: [
    { name: "id", label: "System ID", type: "uuid", isReadOnly: true },
    { ...code("no", "No.", 20), isReadOnly: true },
    text("name", "Name", 100),
    ...addressFields,
    text("phoneNo", "Phone No.", 30),
    text("mobilePhoneNo", "Mobile Phone No.", 30),
    text("email", "E-Mail", 80),
    text("faxNo", "Fax No.", 30),
    text("homePage", "Home Page", 80),
    code("currencyCode", "Currency Code", 10),
    code("salespersonCode", "Salesperson Code", 20),
    { name: "creditLimit", label: "Credit Limit (LCY)", type: "decimal" },
    code("primaryContactNo", "Primary Contact No.", 20),
    { name: "blocked", label: "Blocked", type: "enum", enumValues: ["NONE", "SHIP", "INVOICE", "ALL"] },
  ],
  CONTACT: [
    { name: "id", label: "System ID", type: "uuid", isReadOnly: true },
    { ...code("no", "No.", 20), isReadOnly: true },
    text("firstName", "First Name", 30),
    text("middleName", "Middle Name", 30),
    text("surname", "Surname", 30),
    // Kept equal to the name parts by lib/erp; a sync writes the parts.
    { ...text("name", "Name", 100), isReadOnly: true },
    text("jobTitle", "Job Title", 100),
    { name: "customerId", label: "Customer", type: "uuid", isNullable: true },
    ...addressFields,
    text("email", "E-Mail", 80),
    text("phoneNo", "Phone No.", 30),
    text("mobilePhoneNo", "Mobile Phone No.", 30),
    code("salutationCode", "Salutation Code", 10),
  ],
  SALESPERSON: [
    { name: "id", label: "System ID", type: "uuid", isReadOnly: true },
    { ...code("code", "Code", 20), isReadOnly: true },
    text("name", "Name", 50),
    text("email", "E-Mail", 80),
    text("phoneNo", "Phone No.", 30),
  ],
  CURRENCY: [
    { name: "id", label: "System ID", type: "uuid", isReadOnly: true },
    { ...code("code", "Code", 10), isReadOnly: true },
    text("description", "Description", 30),
    text("symbol", "Symbol", 10),
  ],
};

export const ERP_TABLE_NOUNS: Record<ErpTable, string> = {
  CUSTOMER: "customer",
  CONTACT: "contact",
  SALESPERSON: "salesperson",
  CURRENCY: "currency",
};

/** The human key users know a record by (No. or Code). */
export const ERP_KEY_FIELDS: Record<ErpTable, string> = {
  CUSTOMER: "no",
  CONTACT: "no",
  SALESPERSON: "code",
  CURRENCY: "code",
};

const str = (logicalName: string, maxLength: number, label?: string): DataverseAttribute => ({
  logicalName,
  type: "String",
  maxLength,
  label,
});

const address1: DataverseAttribute[] = [
  str("address1_line1", 250, "Address 1: Street 1"),
  str("address1_line2", 250, "Address 1: Street 2"),
  str("address1_line3", 250, "Address 1: Street 3"),
  str("address1_city", 80, "Address 1: City"),
  str("address1_stateorprovince", 50, "Address 1: State/Province"),
  str("address1_postalcode", 20, "Address 1: ZIP/Postal Code"),
  str("address1_country", 80, "Address 1: Country/Region"),
];

const record: DataverseAttribute[] = [
  { logicalName: "statecode", type: "State", label: "Status" },
  { logicalName: "statuscode", type: "Status", label: "Status Reason" },
  { logicalName: "createdon", type: "DateTime", isReadOnly: true },
  { logicalName: "modifiedon", type: "DateTime", isReadOnly: true },
  { logicalName: "versionnumber", type: "BigInt", isReadOnly: true },
];

const owned: DataverseAttribute[] = [
  { logicalName: "ownerid", type: "Owner", targets: ["systemuser", "team"], label: "Owner" },
  { logicalName: "transactioncurrencyid", type: "Lookup", targets: ["transactioncurrency"], label: "Currency" },
];

export const DATAVERSE_ENTITIES: Record<string, DataverseEntityDef> = {
  account: {
    logicalName: "account",
    entitySet: "accounts",
    primaryId: "accountid",
    primaryName: "name",
    noun: "account",
    attributes: [
      { logicalName: "accountid", type: "Uniqueidentifier", isReadOnly: true },
      str("name", 160, "Account Name"),
      str("accountnumber", 20, "Account Number"),
      str("telephone1", 50, "Main Phone"),
      str("telephone2", 50, "Other Phone"),
      str("fax", 50, "Fax"),
      str("emailaddress1", 100, "Email"),
      str("websiteurl", 200, "Website"),
      ...address1,
      { logicalName: "description", type: "Memo", maxLength: 2000 },
      { logicalName: "creditlimit", type: "Money", label: "Credit Limit" },
      { logicalName: "revenue", type: "Money", label: "Annual Revenue" },
      { logicalName: "customertypecode", type: "Picklist", label: "Relationship Type" },
      { logicalName: "primarycontactid", type: "Lookup", targets: ["contact"], label: "Primary Contact" },
      { logicalName: "parentaccountid", type: "Lookup", targets: ["account"], label: "Parent Account" },
      ...owned,
      ...record,
    ],
  },
  contact: {
    logicalName: "contact",
    entitySet: "contacts",
    primaryId: "contactid",
    primaryName: "fullname",
    noun: "contact",
    attributes: [
      { logicalName: "contactid", type: "Uniqueidentifier", isReadOnly: true },
      str("firstname", 50, "First Name"),
      str("middlename", 50, "Middle Name"),
      str("lastname", 50, "Last Name"),
      { ...str("fullname", 160, "Full Name"), isReadOnly: true },
      str("jobtitle", 100, "Job Title"),
      str("salutation", 100, "Salutation"),
      str("emailaddress1", 100, "Email"),
      str("telephone1", 50, "Business Phone"),
      str("mobilephone", 50, "Mobile Phone"),
      str("fax", 50, "Fax"),
      str("websiteurl", 200, "Website"),
      ...address1,
      { logicalName: "description", type: "Memo", maxLength: 2000 },
      { logicalName: "parentcustomerid", type: "Customer", targets: ["account", "contact"], label: "Company Name" },
      ...owned,
      ...record,
    ],
  },
  systemuser: {
    logicalName: "systemuser",
    entitySet: "systemusers",
    primaryId: "systemuserid",
    primaryName: "fullname",
    noun: "user",
    attributes: [
      { logicalName: "systemuserid", type: "Uniqueidentifier", isReadOnly: true },
      str("firstname", 64, "First Name"),
      str("lastname", 64, "Last Name"),
      { ...str("fullname", 200, "Full Name"), isReadOnly: true },
      str("internalemailaddress", 100, "Primary Email"),
      str("mobilephone", 64, "Mobile Phone"),
      str("title", 128, "Title"),
      { logicalName: "isdisabled", type: "Boolean", label: "Status" },
      { logicalName: "islicensed", type: "Boolean", label: "User Licensed" },
      { logicalName: "accessmode", type: "Picklist", label: "Access Mode" },
      { logicalName: "createdon", type: "DateTime", isReadOnly: true },
      { logicalName: "modifiedon", type: "DateTime", isReadOnly: true },
      { logicalName: "versionnumber", type: "BigInt", isReadOnly: true },
    ],
  },
  transactioncurrency: {
    logicalName: "transactioncurrency",
    entitySet: "transactioncurrencies",
    primaryId: "transactioncurrencyid",
    primaryName: "currencyname",
    noun: "currency",
    attributes: [
      { logicalName: "transactioncurrencyid", type: "Uniqueidentifier", isReadOnly: true },
      str("currencyname", 100, "Currency Name"),
      str("isocurrencycode", 5, "Currency Code"),
      str("currencysymbol", 10, "Currency Symbol"),
      { logicalName: "exchangerate", type: "Decimal", label: "Exchange Rate" },
      { logicalName: "currencyprecision", type: "Integer", label: "Currency Precision" },
      ...record,
    ],
  },
};

export function erpFieldsOf(table: ErpTable): readonly ErpFieldDef[] {
  return ERP_FIELDS[table];
}

export function findErpField(table: ErpTable, name: string): ErpFieldDef | undefined {
  return ERP_FIELDS[table].find((f) => f.name === name);
}

export function dataverseAttributesOf(entity: string): readonly DataverseAttribute[] {
  return DATAVERSE_ENTITIES[entity]?.attributes ?? [];
}

export function findDataverseAttribute(attributes: readonly DataverseAttribute[], logicalName: string): DataverseAttribute | undefined {
  return attributes.find((a) => a.logicalName === logicalName);
}

export function dataverseNoun(entity: string): string {
  return DATAVERSE_ENTITIES[entity]?.noun ?? entity;
}

export function isLookupType(type: DataverseAttributeType): boolean {
  return type === "Lookup" || type === "Customer" || type === "Owner";
}

export function isNumericType(type: DataverseAttributeType): boolean {
  return type === "Integer" || type === "BigInt" || type === "Money" || type === "Decimal" || type === "Double";
}

export function isOptionType(type: DataverseAttributeType): boolean {
  return type === "Picklist" || type === "State" || type === "Status";
}

export function isTextType(type: DataverseAttributeType): boolean {
  return type === "String" || type === "Memo";
}

export function isGuidType(type: DataverseAttributeType): boolean {
  return type === "Uniqueidentifier" || isLookupType(type);
}
