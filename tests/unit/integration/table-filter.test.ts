import { describe, expect, it } from "vitest";
import { dataverseAttributesOf } from "../../../lib/integration/field-catalog.ts";
import {
  dataverseFilterFields,
  describeFilter,
  erpFilterFields,
  matchesFilter,
  tableFilterSchema,
  toODataFilter,
  toPrismaWhere,
  type TableFilter,
} from "../../../lib/integration/table-filter.ts";
import { ACCOUNT_ID } from "./integration-fixtures.ts";

const customerFields = erpFilterFields("CUSTOMER");
const contactFields = erpFilterFields("CONTACT");
const accountFields = dataverseFilterFields(dataverseAttributesOf("account"));
const contactDvFields = dataverseFilterFields(dataverseAttributesOf("contact"));

describe("ERP filter → Prisma where", () => {
  const rows: { name: string; filter: TableFilter; fields?: typeof customerFields; where: object }[] = [
    { name: "empty filter → everything", filter: [], where: {} },
    { name: "enum eq", filter: [{ field: "blocked", operator: "eq", value: "NONE" }], where: { AND: [{ blocked: "NONE" }] } },
    { name: "text ne", filter: [{ field: "city", operator: "ne", value: "Berlin" }], where: { AND: [{ NOT: { city: "Berlin" } }] } },
    { name: "contains is case-insensitive", filter: [{ field: "name", operator: "contains", value: "tos" }], where: { AND: [{ name: { contains: "tos", mode: "insensitive" } }] } },
    { name: "startswith", filter: [{ field: "no", operator: "startswith", value: "C0" }], where: { AND: [{ no: { startsWith: "C0", mode: "insensitive" } }] } },
    { name: "text empty is \"\"", filter: [{ field: "email", operator: "empty" }], where: { AND: [{ email: "" }] } },
    { name: "nullable uuid notEmpty is not null", filter: [{ field: "customerId", operator: "notEmpty" }], fields: contactFields, where: { AND: [{ NOT: { customerId: null } }] } },
    { name: "decimal ge", filter: [{ field: "creditLimit", operator: "ge", value: 1000 }], where: { AND: [{ creditLimit: { gte: 1000 } }] } },
    {
      name: "conditions are ANDed",
      filter: [
        { field: "blocked", operator: "eq", value: "NONE" },
        { field: "city", operator: "eq", value: "Berlin" },
      ],
      where: { AND: [{ blocked: "NONE" }, { city: "Berlin" }] },
    },
  ];
  for (const r of rows) it(r.name, () => expect(toPrismaWhere(r.filter, r.fields ?? customerFields)).toEqual(r.where));
});

describe("Dataverse filter → OData $filter (escaped by lib/dataverse's builder)", () => {
  const rows: { name: string; filter: TableFilter; fields?: typeof accountFields; odata: string | undefined }[] = [
    { name: "empty filter → no $filter", filter: [], odata: undefined },
    { name: "state eq", filter: [{ field: "statecode", operator: "eq", value: 0 }], odata: "statecode eq 0" },
    { name: "quotes are escaped", filter: [{ field: "name", operator: "eq", value: "O'Brien" }], odata: "name eq 'O''Brien'" },
    { name: "contains escapes LIKE wildcards", filter: [{ field: "name", operator: "contains", value: "50%" }], odata: "contains(name,'50[%]')" },
    { name: "lookup notEmpty uses _x_value", filter: [{ field: "parentcustomerid", operator: "notEmpty" }], fields: contactDvFields, odata: "_parentcustomerid_value ne null" },
    { name: "lookup eq is a GUID literal", filter: [{ field: "primarycontactid", operator: "eq", value: ACCOUNT_ID }], odata: `_primarycontactid_value eq ${ACCOUNT_ID}` },
    { name: "text empty is null", filter: [{ field: "telephone1", operator: "empty" }], odata: "telephone1 eq null" },
    {
      name: "two conditions",
      filter: [
        { field: "parentcustomerid", operator: "notEmpty" },
        { field: "statecode", operator: "eq", value: 0 },
      ],
      fields: contactDvFields,
      odata: "(_parentcustomerid_value ne null) and (statecode eq 0)",
    },
  ];
  for (const r of rows) it(r.name, () => expect(toODataFilter(r.filter, r.fields ?? accountFields)?.odata).toBe(r.odata));
});

describe("filter validation: bad input → field-level messages", () => {
  const rows: { name: string; input: unknown; fields?: typeof customerFields; path: (string | number)[]; message: string }[] = [
    { name: "unknown field", input: [{ field: "colour", operator: "eq", value: "x" }], path: [0, "field"], message: 'There is no field "colour" on this table.' },
    {
      name: "operator not allowed for the type",
      input: [{ field: "creditLimit", operator: "contains", value: "1" }],
      path: [0, "operator"],
      message: 'Credit Limit (LCY) cannot be filtered with "contains"; use "is", "is not", "is greater than", "is at least", "is less than", "is at most".',
    },
    { name: "missing value", input: [{ field: "city", operator: "eq" }], path: [0, "value"], message: "Enter a value for City." },
    { name: "not a number", input: [{ field: "creditLimit", operator: "gt", value: "lots" }], path: [0, "value"], message: "Credit Limit (LCY) needs a number." },
    { name: "enum member unknown", input: [{ field: "blocked", operator: "eq", value: "maybe" }], path: [0, "value"], message: "Blocked must be one of NONE, SHIP, INVOICE, ALL." },
    { name: "unknown operator", input: [{ field: "city", operator: "like", value: "x" }], path: [0, "operator"], message: "Choose an operator: eq, ne, contains, startswith, endswith, empty, notEmpty, gt, ge, lt, le." },
    { name: "not a list", input: { field: "city" }, path: [], message: "A filter is a list of conditions." },
    { name: "GUID expected", input: [{ field: "customerId", operator: "eq", value: "abc" }], fields: contactFields, path: [0, "value"], message: "Customer needs a GUID like 00000000-0000-0000-0000-000000000000." },
  ];
  for (const r of rows) {
    it(r.name, () => {
      const result = tableFilterSchema(r.fields ?? customerFields).safeParse(r.input);
      expect(result.success).toBe(false);
      expect(result.error?.issues).toContainEqual(expect.objectContaining({ path: r.path, message: r.message }));
    });
  }

  it("valid input comes back canonical", () => {
    const result = tableFilterSchema(customerFields).safeParse([
      { field: "blocked", operator: "eq", value: "none" },
      { field: "creditLimit", operator: "ge", value: "1000" },
      { field: "city", operator: "eq", value: "  Berlin " },
      { field: "email", operator: "empty", value: "ignored" },
    ]);
    expect(result.data).toEqual([
      { field: "blocked", operator: "eq", value: "NONE" },
      { field: "creditLimit", operator: "ge", value: 1000 },
      { field: "city", operator: "eq", value: "Berlin" },
      { field: "email", operator: "empty" },
    ]);
  });
});

describe("in-memory evaluation", () => {
  const filter: TableFilter = [
    { field: "blocked", operator: "eq", value: "NONE" },
    { field: "name", operator: "startswith", value: "con" },
    { field: "creditLimit", operator: "lt", value: 5000 },
  ];
  const rows: { name: string; record: Record<string, unknown>; matches: boolean }[] = [
    { name: "all conditions hold", record: { blocked: "NONE", name: "Contoso", creditLimit: "2500.50" }, matches: true },
    { name: "blocked", record: { blocked: "ALL", name: "Contoso", creditLimit: 0 }, matches: false },
    { name: "name does not start with con", record: { blocked: "NONE", name: "Fabrikam", creditLimit: 0 }, matches: false },
    { name: "credit limit too high", record: { blocked: "NONE", name: "Contoso", creditLimit: 9000 }, matches: false },
  ];
  for (const r of rows) it(r.name, () => expect(matchesFilter(filter, customerFields, r.record)).toBe(r.matches));

  it("describes itself for the mapping page", () => {
    expect(describeFilter(filter, customerFields)).toBe('Blocked is "NONE" and Name starts with "con" and Credit Limit (LCY) is less than 5000');
    expect(describeFilter([], customerFields)).toBe("all records");
  });
});
