import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTarget, type ConformanceTarget } from "./conformance-target.ts";

// Reference §6 (ChangeTrackingEnabled), §9 (columns, types, lengths) through EntityDefinitions and $metadata.

let target: ConformanceTarget;

beforeAll(async () => {
  target = await openTarget("none");
});

afterAll(async () => {
  await target.close();
});

type Attribute = { LogicalName: string; AttributeType: string; MaxLength?: number; Targets?: string[]; "@odata.type": string };

async function attributes(entity: string): Promise<Map<string, Attribute>> {
  const { status, body } = await target.json(`EntityDefinitions(LogicalName='${entity}')/Attributes?$select=LogicalName,AttributeType`);
  expect(status).toBe(200);
  return new Map((body.value as Attribute[]).map((attribute) => [attribute.LogicalName, attribute]));
}

describe("EntityDefinitions", () => {
  it("lists account attributes with types (reference §9)", async () => {
    const account = await attributes("account");
    expect(account.get("name")?.AttributeType).toBe("String");
    expect(account.get("revenue")?.AttributeType).toBe("Money");
    expect(account.get("primarycontactid")?.AttributeType).toBe("Lookup");
    expect(account.get("ownerid")?.AttributeType).toBe("Owner");
    expect(account.get("statecode")?.AttributeType).toBe("State");
    expect(account.get("versionnumber")?.AttributeType).toBe("BigInt");
  });

  it("reports string max lengths of reference §9", async () => {
    const { body } = await target.json("EntityDefinitions(LogicalName='account')/Attributes/Microsoft.Dynamics.CRM.StringAttributeMetadata?$select=LogicalName,MaxLength");
    const lengths = Object.fromEntries((body.value as Attribute[]).map((attribute) => [attribute.LogicalName, attribute.MaxLength]));
    expect(lengths).toMatchObject({ name: 160, accountnumber: 20, telephone1: 50, emailaddress1: 100, websiteurl: 200, address1_line1: 250, address1_city: 80, address1_stateorprovince: 50, address1_postalcode: 20, address1_country: 80 });
  });

  it("describes the polymorphic contact.parentcustomerid as a Customer lookup to account and contact", async () => {
    const { body } = await target.json("EntityDefinitions(LogicalName='contact')/Attributes(LogicalName='parentcustomerid')");
    expect(body.AttributeType).toBe("Customer");
    expect([...body.Targets].sort()).toEqual(["account", "contact"]);
  });

  it("serves attributes for contact, systemuser and transactioncurrency", async () => {
    expect((await attributes("contact")).get("lastname")?.AttributeType).toBe("String");
    expect((await attributes("systemuser")).get("fullname")?.AttributeType).toBe("String");
    expect((await attributes("transactioncurrency")).get("isocurrencycode")?.AttributeType).toBe("String");
  });

  it("reports entity set name, primary id and name, and change tracking", async () => {
    const { body } = await target.json("EntityDefinitions(LogicalName='account')?$select=LogicalName,EntitySetName,PrimaryIdAttribute,PrimaryNameAttribute,ChangeTrackingEnabled");
    expect(body).toMatchObject({ LogicalName: "account", EntitySetName: "accounts", PrimaryIdAttribute: "accountid", PrimaryNameAttribute: "name", ChangeTrackingEnabled: true });
  });

  it("filters entity definitions: ChangeTrackingEnabled eq true", async () => {
    const { body } = await target.json("EntityDefinitions?$select=LogicalName&$filter=ChangeTrackingEnabled eq true");
    const names = (body.value as { LogicalName: string }[]).map((item) => item.LogicalName);
    for (const name of ["account", "contact"]) expect(names).toContain(name);
  });
});

describe("$metadata", () => {
  it("serves CSDL with the entity sets and the change tracking capability", async () => {
    const response = await target.request("$metadata", { headers: { Accept: "application/xml" } });
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toContain('EntitySet Name="accounts"');
    expect(text).toContain("Org.OData.Capabilities.V1.ChangeTracking");
  });
});
