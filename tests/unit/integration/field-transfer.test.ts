import { describe, expect, it } from "vitest";
import { ERP_FIELDS, DATAVERSE_ENTITIES } from "../../../lib/integration/field-catalog.ts";
import {
  agreedSnapshot,
  changesSince,
  compareFields,
  erpWritePayload,
  fieldKey,
  fromWebApiRow,
  lookupQueries,
  lookupResolver,
  lookupTargetsOf,
  normalizeDataverseValue,
  normalizeErpValue,
  parseSnapshot,
  passFieldMappings,
  sameValue,
  toWebApiPayload,
  type FieldState,
} from "../../../lib/integration/field-transfer.ts";
import type { FieldMappingDef } from "../../../lib/integration/mapping-schema.ts";
import { defaultTableMappings } from "../../../lib/integration/default-mappings.ts";
import { account, ACCOUNT_ID, contact, customer, CUSTOMER_ID, dvContact, EUR_ID, mapping, resolve, USER_ID } from "./integration-fixtures.ts";

const field = (table: keyof typeof ERP_FIELDS, name: string) => ERP_FIELDS[table].find((f) => f.name === name)!;
const attr = (entity: string, name: string) => DATAVERSE_ENTITIES[entity].attributes.find((a) => a.logicalName === name)!;

function fm(over: Partial<FieldMappingDef>): FieldMappingDef {
  return {
    erpField: null,
    dataverseAttribute: null,
    direction: "BIDIRECTIONAL",
    constantValue: null,
    transformation: null,
    clearValueOnFailedSync: false,
    notNull: false,
    isEnabled: true,
    useForMatchBasedCoupling: false,
    caseSensitiveMatching: false,
    matchPriority: 0,
    isUserDefined: true,
    sortOrder: 0,
    ...over,
  };
}

function stateOf(fieldMapping: FieldMappingDef, erp: Record<string, unknown> | null, dataverse: Record<string, unknown> | null, table = "CUSTOMER" as const, entity = "account"): FieldState {
  const [state] = compareFields({ context: { erpTable: table, dataverseEntity: entity }, fieldMappings: [fieldMapping], erp, dataverse, resolveLookup: resolve });
  return state;
}

describe("normalisation to comparable values", () => {
  const erpRows: [string, ReturnType<typeof field>, unknown, unknown][] = [
    ["text is trimmed", field("CUSTOMER", "name"), "  Contoso  ", "Contoso"],
    ["blank text is null", field("CUSTOMER", "address2"), "", null],
    ["whitespace-only text is null", field("CUSTOMER", "address2"), "   ", null],
    ["code is upper-cased", field("CUSTOMER", "countryRegionCode"), " de ", "DE"],
    ["decimal string is a number", field("CUSTOMER", "creditLimit"), "2500.50", 2500.5],
    ["Prisma Decimal-like object is a number", field("CUSTOMER", "creditLimit"), { toString: () => "10.10" }, 10.1],
    ["blank non-nullable decimal is 0, as stored", field("CUSTOMER", "creditLimit"), null, 0],
    ["uuid is lower-cased", field("CONTACT", "customerId"), CUSTOMER_ID.toUpperCase(), CUSTOMER_ID],
    ["blank nullable uuid is null", field("CONTACT", "customerId"), null, null],
    ["enum stays its member name", field("CUSTOMER", "blocked"), "all", "ALL"],
  ];
  for (const [name, f, raw, expected] of erpRows) {
    it(`ERP: ${name}`, () => expect(normalizeErpValue(f, raw)).toEqual(expected));
  }

  const dvRows: [string, ReturnType<typeof attr>, unknown, unknown][] = [
    ["string is trimmed", attr("account", "name"), " Contoso ", "Contoso"],
    ["empty string ≡ null", attr("account", "telephone1"), "", null],
    ["money is a number", attr("account", "creditlimit"), "2500.50", 2500.5],
    ["lookup GUID is lower-cased, braces dropped", attr("account", "ownerid"), `{${USER_ID.toUpperCase()}}`, USER_ID],
    ["option is a number", attr("account", "statecode"), "1", 1],
    ["boolean stays boolean", attr("systemuser", "isdisabled"), false, false],
  ];
  for (const [name, a, raw, expected] of dvRows) {
    it(`Dataverse: ${name}`, () => expect(normalizeDataverseValue(a, raw)).toEqual(expected));
  }

  it("decimals compare numerically", () => {
    expect(sameValue(2500.5, 2500.5)).toBe(true);
    expect(sameValue(normalizeErpValue(field("CUSTOMER", "creditLimit"), "2500.50"), normalizeDataverseValue(attr("account", "creditlimit"), 2500.5))).toBe(true);
    expect(sameValue(0.1 + 0.2, 0.3)).toBe(true);
    expect(sameValue(1, 2)).toBe(false);
    expect(sameValue(null, undefined)).toBe(true);
  });
});

describe("translation between the sides", () => {
  it("a Bidirectional text field translates both ways", () => {
    const s = stateOf(fm({ erpField: "city", dataverseAttribute: "address1_city" }), customer({ city: " Hamburg " }), account({ address1_city: "Potsdam" }));
    expect(s).toMatchObject({ key: "city:address1_city", erp: "Hamburg", dataverse: "Potsdam", erpAsDataverse: { ok: true, value: "Hamburg" }, dataverseAsErp: { ok: true, value: "Potsdam" } });
  });

  it("text steps run on the way to their side", () => {
    const s = stateOf(
      fm({ erpField: "name", dataverseAttribute: "name", transformation: { toDataverse: ["uppercase"], toErp: ["lowercase"] } }),
      customer({ name: "Contoso" }),
      account({ name: "FABRIKAM" }),
    );
    expect(s.erpAsDataverse).toEqual({ ok: true, value: "CONTOSO" });
    expect(s.dataverseAsErp).toEqual({ ok: true, value: "fabrikam" });
  });

  it("a value map translates both ways, case-insensitively on text", () => {
    const map = fm({ erpField: "blocked", dataverseAttribute: "statuscode", transformation: { valueMap: [{ erp: "NONE", dataverse: 1 }, { erp: "ALL", dataverse: 2 }] } });
    expect(stateOf(map, customer({ blocked: "ALL" }), account({ statuscode: 1 }))).toMatchObject({ erpAsDataverse: { ok: true, value: 2 }, dataverseAsErp: { ok: true, value: "NONE" } });
  });

  it("a value with no entry in the value map is a permanent error that says what to do", () => {
    const map = fm({ erpField: "blocked", dataverseAttribute: "statuscode", transformation: { valueMap: [{ erp: "NONE", dataverse: 1 }] } });
    const s = stateOf(map, customer({ blocked: "SHIP" }), account({ statuscode: 7 }));
    expect(s.erpAsDataverse).toMatchObject({ ok: false, error: { kind: "unmappedValue", errorClass: "PERMANENT" } });
    expect(s.erpAsDataverse.ok ? "" : s.erpAsDataverse.error.message).toBe('the value "SHIP" of Blocked has no counterpart for account.statuscode — add it to the field mapping\'s value map');
    expect(s.dataverseAsErp).toMatchObject({ ok: false, error: { kind: "unmappedValue" } });
  });

  it("a constant is what E holds for a To constant-only mapping", () => {
    const s = stateOf(fm({ dataverseAttribute: "customertypecode", direction: "TO_INTEGRATION_TABLE", constantValue: "3" }), customer(), account({ customertypecode: null }));
    expect(s).toMatchObject({ key: ":customertypecode", erp: "3", dataverse: null, erpAsDataverse: { ok: true, value: 3 } });
  });

  it("a constant is what D holds for a From constant-only mapping", () => {
    const s = stateOf(fm({ erpField: "blocked", direction: "FROM_INTEGRATION_TABLE", constantValue: "none" }), customer({ blocked: "ALL" }), account());
    expect(s).toMatchObject({ key: "blocked:", erp: "ALL", dataverse: "none", dataverseAsErp: { ok: true, value: "NONE" } });
  });

  it("only enabled mappings of the pass's directions take part", () => {
    const all = mapping("CUSTOMER").fieldMappings;
    expect(passFieldMappings(all, "TO_INTEGRATION_TABLE").map(fieldKey)).toContain("creditLimit:creditlimit");
    expect(passFieldMappings(all, "FROM_INTEGRATION_TABLE").map(fieldKey)).not.toContain("creditLimit:creditlimit");
    expect(passFieldMappings(all, "TO_INTEGRATION_TABLE").map(fieldKey)).not.toContain("no:accountnumber");
  });
});

describe("lookups through couplings", () => {
  const owner = mapping("CUSTOMER").fieldMappings.find((f) => f.dataverseAttribute === "ownerid")!;
  const currency = mapping("CUSTOMER").fieldMappings.find((f) => f.dataverseAttribute === "transactioncurrencyid")!;
  const parent = mapping("CONTACT").fieldMappings.find((f) => f.dataverseAttribute === "parentcustomerid")!;

  it("Salesperson Code → ownerid through SALESPEOPLE", () => {
    expect(stateOf(owner, customer({ salespersonCode: "jr" }), account()).erpAsDataverse).toEqual({ ok: true, value: USER_ID });
  });

  it("transactioncurrencyid → Currency Code through CURRENCY", () => {
    expect(stateOf(currency, customer(), account({ transactioncurrencyid: EUR_ID.toUpperCase() })).dataverseAsErp).toEqual({ ok: true, value: "EUR" });
  });

  it("Customer → parentcustomerid through CUSTOMER, both ways", () => {
    const s = stateOf(parent, contact(), dvContact(), "CONTACT" as never, "contact");
    expect(s.erpAsDataverse).toEqual({ ok: true, value: ACCOUNT_ID });
    expect(s.dataverseAsErp).toEqual({ ok: true, value: CUSTOMER_ID });
  });

  it("a blank ERP value is a null lookup without asking the couplings", () => {
    expect(stateOf(owner, customer({ salespersonCode: "" }), account()).erpAsDataverse).toEqual({ ok: true, value: null });
  });

  it("an uncoupled parent waits, naming the parent; the resolver's answer wins over the fallback", () => {
    const resolver = lookupResolver([[{ mapping: "CURRENCY", erpKey: "code", from: "erp", value: "USD" }, { status: "notFound", parent: { noun: "currency", ref: "USD" } }]]);
    const [s] = compareFields({ context: { erpTable: "CUSTOMER", dataverseEntity: "account" }, fieldMappings: [currency], erp: customer({ currencyCode: "USD" }), dataverse: account(), resolveLookup: resolver });
    expect(s.erpAsDataverse).toMatchObject({ ok: false, error: { kind: "lookup", errorClass: "WAITING_FOR_PARENT", message: "its currency USD does not exist", isClearable: false, parent: { mapping: "CURRENCY" } } });
  });

  it("lookupQueries lists what the I/O layer must fetch, per side", () => {
    const queries = lookupQueries(mapping("CUSTOMER").fieldMappings, { erpTable: "CUSTOMER", dataverseEntity: "account" }, customer({ primaryContactNo: "CT0001" }), account());
    expect(queries).toEqual([
      { mapping: "SALESPEOPLE", erpKey: "code", from: "erp", value: "JR" },
      { mapping: "SALESPEOPLE", erpKey: "code", from: "dataverse", value: USER_ID },
      { mapping: "CURRENCY", erpKey: "code", from: "erp", value: "EUR" },
      { mapping: "CURRENCY", erpKey: "code", from: "dataverse", value: EUR_ID },
      { mapping: "CONTACT", erpKey: "no", from: "erp", value: "CT0001" },
    ]);
  });
});

describe("over-length values are permanent errors, never truncated", () => {
  const rows: { name: string; mapping: FieldMappingDef; erp?: object; dv?: object; side: "erpAsDataverse" | "dataverseAsErp"; message: string; table?: "CURRENCY"; entity?: string }[] = [
    {
      name: "ERP name longer than account.name (160)",
      mapping: fm({ erpField: "name", dataverseAttribute: "name" }),
      erp: { name: "n".repeat(161) },
      side: "erpAsDataverse",
      message: "Name is 161 characters long, but the Dataverse column account.name allows at most 160",
    },
    {
      name: "ERP currency code longer than isocurrencycode (5)",
      mapping: fm({ erpField: "code", dataverseAttribute: "isocurrencycode", direction: "TO_INTEGRATION_TABLE" }),
      erp: { code: "EURO12" },
      side: "erpAsDataverse",
      message: "Code is 6 characters long, but the Dataverse column transactioncurrency.isocurrencycode allows at most 5",
      table: "CURRENCY",
      entity: "transactioncurrency",
    },
    {
      name: "Dataverse city longer than the ERP City (30)",
      mapping: fm({ erpField: "city", dataverseAttribute: "address1_city" }),
      dv: { address1_city: "c".repeat(31) },
      side: "dataverseAsErp",
      message: "account.address1_city is 31 characters long, but the ERP field City allows at most 30",
    },
  ];
  for (const r of rows) {
    it(r.name, () => {
      const [s] = compareFields({
        context: { erpTable: r.table ?? "CUSTOMER", dataverseEntity: r.entity ?? "account" },
        fieldMappings: [r.mapping],
        erp: { ...customer(), ...r.erp },
        dataverse: { ...account(), ...r.dv },
        resolveLookup: resolve,
      });
      const t = s[r.side];
      expect(t).toMatchObject({ ok: false, error: { kind: "overLength", errorClass: "PERMANENT" } });
      expect(t.ok ? "" : t.error.message).toBe(r.message);
    });
  }

  it("a value exactly at the limit passes", () => {
    expect(stateOf(fm({ erpField: "name", dataverseAttribute: "name" }), customer({ name: "n".repeat(100) }), account()).erpAsDataverse.ok).toBe(true);
  });
});

describe("payloads", () => {
  it("Web API body: lookups become binds, polymorphic ones by target, blanks clear", () => {
    const targets = lookupTargetsOf(mapping("CONTACT").fieldMappings, defaultTableMappings());
    expect(targets).toEqual({ parentcustomerid: "account" });
    expect(toWebApiPayload("contact", { parentcustomerid: ACCOUNT_ID, firstname: "Jane" }, targets)).toEqual({
      "parentcustomerid_account@odata.bind": `/accounts(${ACCOUNT_ID})`,
      firstname: "Jane",
    });
    expect(toWebApiPayload("account", { ownerid: USER_ID, primarycontactid: null, transactioncurrencyid: EUR_ID })).toEqual({
      "ownerid@odata.bind": `/systemusers(${USER_ID})`,
      "primarycontactid@odata.bind": null,
      "transactioncurrencyid@odata.bind": `/transactioncurrencies(${EUR_ID})`,
    });
  });

  it("Web API row: _x_value lookups read under their logical name, annotations dropped", () => {
    expect(fromWebApiRow({ name: "C", _ownerid_value: USER_ID, "_ownerid_value@OData.Community.Display.V1.FormattedValue": "Jim", "@odata.etag": 'W/"1"' })).toEqual({ name: "C", ownerid: USER_ID });
  });

  it("ERP payload: blank text is \"\", blank decimals 0, blank nullable uuid null", () => {
    expect(erpWritePayload({ city: null, creditLimit: null, name: "X" }, { erpTable: "CUSTOMER", dataverseEntity: "account" })).toEqual({ city: "", creditLimit: 0, name: "X" });
    expect(erpWritePayload({ customerId: null }, { erpTable: "CONTACT", dataverseEntity: "contact" })).toEqual({ customerId: null });
  });
});

describe("snapshot parsing", () => {
  it("keeps valid entries, drops anything else", () => {
    expect(parseSnapshot({ "a:b": { e: "x", d: "x" }, bad: { e: {} }, "c:d": { e: null, d: 2 } })).toEqual({ "a:b": { e: "x", d: "x" }, "c:d": { e: null, d: 2 } });
    expect(parseSnapshot(null)).toEqual({});
    expect(parseSnapshot([1, 2])).toEqual({});
  });
});

describe("snapshot helpers", () => {
  const states = compareFields({
    context: { erpTable: "CUSTOMER", dataverseEntity: "account" },
    fieldMappings: mapping("CUSTOMER").fieldMappings,
    erp: customer({ city: "Hamburg" }),
    dataverse: account({ telephone1: "+1" }),
    resolveLookup: resolve,
  });

  it("agreedSnapshot keeps only fields both records agree on", () => {
    const s = agreedSnapshot(states);
    expect(s["name:name"]).toEqual({ e: "Contoso Ltd", d: "Contoso Ltd" });
    expect(s).not.toHaveProperty("city:address1_city");
    expect(s).not.toHaveProperty("phoneNo:telephone1");
  });

  it("changesSince lists ΔE and ΔD", () => {
    const base = agreedSnapshot(compareFields({ context: { erpTable: "CUSTOMER", dataverseEntity: "account" }, fieldMappings: mapping("CUSTOMER").fieldMappings, erp: customer(), dataverse: account(), resolveLookup: resolve }));
    expect(changesSince(states, base)).toEqual({ erp: ["city:address1_city"], dataverse: ["phoneNo:telephone1"], withoutBase: [] });
  });
});
