import { describe, expect, it } from "vitest";
import { fieldErrorsOf } from "../../../lib/actions/action-result.ts";
import { DEFAULT_MAPPING_NAMES, defaultTableMapping, defaultTableMappings } from "../../../lib/integration/default-mappings.ts";
import { dataverseAttributesOf } from "../../../lib/integration/field-catalog.ts";
import { parseTransformation, tableMappingSchema, type MappingValidationContext } from "../../../lib/integration/mapping-schema.ts";

const defaults = defaultTableMappings();

function contextFor(entity: string): MappingValidationContext {
  return { dataverseAttributes: dataverseAttributesOf(entity), mappings: defaults };
}

/** A mapping as an edit form would send it: the CUSTOMER default with changes. */
function customerEdit(change: (m: Record<string, any>) => void = () => {}): Record<string, any> {
  const m = JSON.parse(JSON.stringify(defaultTableMapping("CUSTOMER"))) as Record<string, any>;
  delete m.configTemplates;
  delete m.naturalMatch;
  change(m);
  return m;
}

const fieldIndex = (m: Record<string, any>, attribute: string) => m.fieldMappings.findIndex((f: any) => f.dataverseAttribute === attribute);

describe("default mappings", () => {
  for (const name of DEFAULT_MAPPING_NAMES) {
    it(`${name} passes its own validation`, () => {
      const m = defaultTableMapping(name)!;
      const { configTemplates: _t, naturalMatch: _n, ...input } = m;
      const result = tableMappingSchema(contextFor(m.dataverseEntity)).safeParse(input);
      expect(result.error ? fieldErrorsOf(result.error) : {}).toEqual({});
      expect(result.data).toEqual(input);
    });
  }

  it("are in dependency order with the dependencies of §2l", () => {
    expect(defaults.map((m) => [m.name, m.direction, m.dependencies])).toEqual([
      ["SALESPEOPLE", "FROM_INTEGRATION_TABLE", []],
      ["CURRENCY", "TO_INTEGRATION_TABLE", []],
      ["CUSTOMER", "BIDIRECTIONAL", ["SALESPEOPLE", "CURRENCY"]],
      ["CONTACT", "BIDIRECTIONAL", ["CUSTOMER"]],
    ]);
    expect(defaults.every((m) => m.syncOnlyCoupledRecords)).toBe(true);
  });

  it("mark lookups with the mapping they translate through", () => {
    const lookups = defaults.flatMap((m) =>
      m.fieldMappings.filter((f) => f.transformation?.lookup).map((f) => [m.name, f.erpField, f.dataverseAttribute, f.transformation!.lookup!.mapping, f.clearValueOnFailedSync, f.notNull]),
    );
    expect(lookups).toEqual([
      ["CUSTOMER", "salespersonCode", "ownerid", "SALESPEOPLE", false, true],
      ["CUSTOMER", "currencyCode", "transactioncurrencyid", "CURRENCY", false, false],
      ["CUSTOMER", "primaryContactNo", "primarycontactid", "CONTACT", true, false],
      ["CONTACT", "customerId", "parentcustomerid", "CUSTOMER", false, false],
    ]);
  });

  it("are fresh copies each time (restoring one never shares state)", () => {
    const a = defaultTableMapping("CUSTOMER")!;
    a.fieldMappings[0].isEnabled = false;
    expect(defaultTableMapping("CUSTOMER")!.fieldMappings[0].isEnabled).toBe(true);
    expect(defaultTableMapping("VENDOR")).toBeUndefined();
  });
});

describe("table mapping validation: bad input → field-level messages", () => {
  const rows: { name: string; input: Record<string, any>; errors: Record<string, string[]> }[] = [
    {
      name: "direction needs an enabled field mapping carrying data that way",
      input: customerEdit((m) => {
        m.direction = "FROM_INTEGRATION_TABLE";
        m.fieldMappings = m.fieldMappings.filter((f: any) => f.direction === "TO_INTEGRATION_TABLE");
      }),
      errors: {
        direction: ["No enabled field mapping gets data from Dataverse. Enable one with direction From Integration Table or Bidirectional, or change the direction."],
      },
    },
    {
      name: "Clear Value on Failed Sync and Not Null are mutually exclusive",
      input: customerEdit((m) => {
        m.fieldMappings[fieldIndex(m, "ownerid")].clearValueOnFailedSync = true;
      }),
      errors: {
        "fieldMappings.0.clearValueOnFailedSync": ["Clear Value on Failed Sync and Not Null cannot both be on: one clears the value, the other forbids clearing it."],
      },
    },
    {
      name: "Clear Value on Failed Sync only for lookups",
      input: customerEdit((m) => {
        m.fieldMappings[fieldIndex(m, "name")].clearValueOnFailedSync = true;
      }),
      errors: { "fieldMappings.1.clearValueOnFailedSync": ["Clear Value on Failed Sync applies only to lookups translated through another mapping's couplings."] },
    },
    {
      name: "Not Null only for GUID destinations",
      input: customerEdit((m) => {
        m.fieldMappings[fieldIndex(m, "name")].notNull = true;
      }),
      errors: { "fieldMappings.1.notNull": ["Not Null applies only to a GUID or lookup column written to Dataverse."] },
    },
    {
      name: "negative match priority",
      input: customerEdit((m) => {
        m.fieldMappings[1].matchPriority = -1;
      }),
      errors: { "fieldMappings.1.matchPriority": ["Match priority must be 0 or more."] },
    },
    {
      name: "schedule below the minimum and above a day",
      input: customerEdit((m) => {
        m.scheduleSeconds = 1;
      }),
      errors: { scheduleSeconds: ["The schedule must be at least 5 seconds."] },
    },
    {
      name: "schedule above one day",
      input: customerEdit((m) => {
        m.scheduleSeconds = 100_000;
      }),
      errors: { scheduleSeconds: ["The schedule can be at most 86400 seconds (one day)."] },
    },
    {
      name: "unknown dependency",
      input: customerEdit((m) => {
        m.dependencies = ["SALESPEOPLE", "VENDOR"];
      }),
      errors: { "dependencies.1": ["There is no table mapping named VENDOR."] },
    },
    {
      name: "self dependency",
      input: customerEdit((m) => {
        m.dependencies = ["CUSTOMER"];
      }),
      errors: { "dependencies.0": ["A mapping cannot depend on itself."] },
    },
    {
      name: "dependency cycle (CONTACT already depends on CUSTOMER)",
      input: customerEdit((m) => {
        m.dependencies = ["CONTACT"];
      }),
      errors: { "dependencies.0": ["Dependencies form a cycle: CUSTOMER → CONTACT → CUSTOMER. Remove one of them."] },
    },
    {
      name: "unknown ERP field and unknown Dataverse column",
      input: customerEdit((m) => {
        m.fieldMappings.push({ erpField: "colour", dataverseAttribute: "new_colour", direction: "BIDIRECTIONAL" });
      }),
      errors: {
        "fieldMappings.17.erpField": ['The ERP table CUSTOMER has no field "colour".'],
        "fieldMappings.17.dataverseAttribute": ['The Dataverse table account has no column "new_colour".'],
      },
    },
    {
      name: "incompatible types: decimal to text",
      input: customerEdit((m) => {
        m.fieldMappings.push({ erpField: "creditLimit", dataverseAttribute: "description", direction: "TO_INTEGRATION_TABLE" });
      }),
      errors: { "fieldMappings.17.dataverseAttribute": ["Credit Limit (LCY) (decimal) and description (Memo) are not compatible: the ERP field holds decimals."] },
    },
    {
      name: "enum to option set without a value map",
      input: customerEdit((m) => {
        m.fieldMappings.push({ erpField: "blocked", dataverseAttribute: "customertypecode", direction: "TO_INTEGRATION_TABLE" });
      }),
      errors: { "fieldMappings.17.dataverseAttribute": ["Blocked (enum) and customertypecode (Picklist) are not compatible: add a value map from NONE, SHIP, INVOICE, ALL."] },
    },
    {
      name: "a lookup column needs a lookup transformation",
      input: customerEdit((m) => {
        m.fieldMappings.push({ erpField: "homePage", dataverseAttribute: "parentaccountid", direction: "TO_INTEGRATION_TABLE" });
      }),
      errors: { "fieldMappings.17.transformation": ["parentaccountid is a lookup: choose the table mapping whose couplings translate it."] },
    },
    {
      name: "a lookup through a mapping of the wrong entity",
      input: customerEdit((m) => {
        m.fieldMappings[fieldIndex(m, "primarycontactid")].transformation = { lookup: { mapping: "CURRENCY", erpKey: "code" } };
      }),
      errors: { "fieldMappings.14.transformation.lookup.mapping": ["primarycontactid points at contact, but CURRENCY couples transactioncurrency records."] },
    },
    {
      name: "constant-only mapping without a constant, in the wrong direction",
      input: customerEdit((m) => {
        m.fieldMappings.push({ erpField: null, dataverseAttribute: "customertypecode", direction: "BIDIRECTIONAL" });
      }),
      errors: {
        "fieldMappings.17.constantValue": ["Enter the constant to write to the Dataverse column, or choose an ERP field."],
        "fieldMappings.17.direction": ["A constant without an ERP field can only be written to Dataverse: use To Integration Table."],
      },
    },
    {
      name: "constant of the wrong type for an option set",
      input: customerEdit((m) => {
        m.fieldMappings.push({ erpField: null, dataverseAttribute: "customertypecode", direction: "TO_INTEGRATION_TABLE", constantValue: "Customer" });
      }),
      errors: { "fieldMappings.17.constantValue": ["customertypecode holds numbers: the constant must be a number."] },
    },
    {
      name: "a constant next to both fields",
      input: customerEdit((m) => {
        m.fieldMappings[fieldIndex(m, "name")].constantValue = "X";
      }),
      errors: { "fieldMappings.1.constantValue": ["A constant replaces the source field: clear the constant, or clear the field it replaces."] },
    },
    {
      name: "writing a read-only Dataverse column",
      input: customerEdit((m) => {
        m.fieldMappings.push({ erpField: "homePage", dataverseAttribute: "modifiedon", direction: "TO_INTEGRATION_TABLE" });
      }),
      errors: {
        "fieldMappings.17.direction": ["The Dataverse column modifiedon is read-only; use From Integration Table."],
        "fieldMappings.17.dataverseAttribute": ["Home Page (text) and modifiedon (DateTime) are not compatible."],
      },
    },
    {
      name: "two enabled mappings writing the same column",
      input: customerEdit((m) => {
        m.fieldMappings.push({ erpField: "homePage", dataverseAttribute: "name", direction: "TO_INTEGRATION_TABLE" });
      }),
      errors: { "fieldMappings.17.dataverseAttribute": ["Field mapping 2 already writes the Dataverse column name. Disable one of them."] },
    },
    {
      name: "a value map that is not one-to-one",
      input: customerEdit((m) => {
        m.fieldMappings.push({
          erpField: "blocked",
          dataverseAttribute: "customertypecode",
          direction: "TO_INTEGRATION_TABLE",
          transformation: { valueMap: [{ erp: "NONE", dataverse: 3 }, { erp: "ALL", dataverse: 3 }] },
        });
      }),
      errors: { "fieldMappings.17.transformation.valueMap.1.dataverse": ["The Dataverse value 3 is already mapped in entry 1."] },
    },
    {
      name: "a bad table filter and a bad integration table filter",
      input: customerEdit((m) => {
        m.tableFilter = [{ field: "blocked", operator: "eq", value: "sometimes" }];
        m.integrationTableFilter = [{ field: "statecode", operator: "contains", value: "0" }];
      }),
      errors: {
        "tableFilter.0.value": ["Blocked must be one of NONE, SHIP, INVOICE, ALL."],
        "integrationTableFilter.0.operator": ['Status cannot be filtered with "contains"; use "is", "is not".'],
      },
    },
    {
      name: "unknown keys and bad enums",
      input: customerEdit((m) => {
        m.colour = "red";
        m.updateConflictResolution = "ASK";
      }),
      errors: {
        _form: ["Unknown key: colour."],
        updateConflictResolution: ["Update-conflict resolution is None, Send Update to Integration or Get Update from Integration."],
      },
    },
  ];

  for (const r of rows) {
    it(r.name, () => {
      const result = tableMappingSchema(contextFor("account")).safeParse(r.input);
      expect(result.success).toBe(false);
      expect(fieldErrorsOf(result.error!)).toEqual(r.errors);
    });
  }
});

describe("transformation JSON", () => {
  it("reads null as none and rejects what it does not know", () => {
    expect(parseTransformation(null)).toEqual({ ok: true, value: null });
    expect(parseTransformation({ lookup: { mapping: "CURRENCY", erpKey: "code" } })).toEqual({ ok: true, value: { lookup: { mapping: "CURRENCY", erpKey: "code" } } });
    expect(parseTransformation({ rot13: true })).toEqual({ ok: false, message: "Unknown key: rot13." });
    expect(parseTransformation({ lookup: { mapping: "CURRENCY", erpKey: "code" }, toErp: ["trim"] })).toEqual({
      ok: false,
      message: "A lookup translates through couplings; it cannot be combined with a value map or text steps.",
    });
  });
});
