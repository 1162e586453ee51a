import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Cleanup, openTarget, uniqueName, type ConformanceTarget } from "./conformance-target.ts";

// Reference §3: $select, $filter, $orderby, $top, $count, $expand, paging, annotations.

let target: ConformanceTarget;
let cleanup: Cleanup;
let prefix: string;
const ids: Record<string, string> = {};

const inPrefix = () => `startswith(name,'${prefix}')`;
const names = (body: Record<string, any>) => (body.value as { name: string }[]).map((row) => row.name.slice(prefix.length + 1));

beforeAll(async () => {
  target = await openTarget("none");
  cleanup = new Cleanup(target);
  prefix = uniqueName("q");
  const rows: [string, Record<string, unknown>][] = [
    ["Alpha", { revenue: 1000, telephone1: "555-0100", address1_city: "Berlin", address1_line1: "1 Main St" }],
    ["Bravo O'Hara", { revenue: 2000, address1_city: "Paris" }],
    ["Charlie", {}],
    ["delta", { revenue: 500, address1_city: "berlin" }],
    ["Echo 100% pure", { revenue: 3000 }],
    ["Foxtrot_x", { revenue: 2500 }],
  ];
  for (const [suffix, extra] of rows) ids[suffix] = await cleanup.create("accounts", { name: `${prefix} ${suffix}`, ...extra });
  ids.same = await cleanup.create("contacts", { firstname: "Same", lastname: "Same", "parentcustomerid_account@odata.bind": `/accounts(${ids.Alpha})` });
  ids.ann = await cleanup.create("contacts", { firstname: "Ann", lastname: `${prefix}-Other`, "parentcustomerid_account@odata.bind": `/accounts(${ids["Bravo O'Hara"]})` });
  await target.request(`accounts(${ids.Alpha})`, { method: "PATCH", headers: { "If-Match": "*" }, body: { "primarycontactid@odata.bind": `/contacts(${ids.same})` } });
});

afterAll(async () => {
  await cleanup.run();
  await target.close();
});

describe("$select and the collection shape", () => {
  it("returns @odata.context, value, @odata.etag W/\"n\" and always the primary key", async () => {
    const { status, body } = await target.json(`accounts?$select=name&$filter=${inPrefix()}`);
    expect(status).toBe(200);
    expect(body["@odata.context"]).toMatch(/\$metadata#accounts\(name\)$/);
    expect(body.value.length).toBe(6);
    for (const row of body.value) {
      expect(row["@odata.etag"]).toMatch(/^W\/"\d+"$/);
      expect(row.accountid).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it("returns selected-but-null properties as null", async () => {
    const { body } = await target.json(`accounts(${ids.Charlie})?$select=name,accountnumber,telephone1`);
    expect(body.accountnumber).toBeNull();
    expect(body.telephone1).toBeNull();
    expect(body["@odata.context"]).toMatch(/#accounts\(name,accountnumber,telephone1\)\/\$entity$/);
  });

  it("returns all properties, nulls included, without $select", async () => {
    const { body } = await target.json(`accounts(${ids.Charlie})`);
    for (const column of ["name", "accountnumber", "telephone1", "emailaddress1", "address1_city", "revenue", "statecode", "statuscode", "versionnumber", "createdon", "modifiedon", "_ownerid_value", "_primarycontactid_value"]) {
      expect(body).toHaveProperty(column);
    }
  });

  it("selecting a money column also returns _transactioncurrencyid_value", async () => {
    const { body } = await target.json(`accounts(${ids.Alpha})?$select=revenue`);
    expect(body).toHaveProperty("_transactioncurrencyid_value");
    expect(body.revenue).toBe(1000);
  });

  it("selecting an address part also returns address1_composite", async () => {
    const { body } = await target.json(`accounts(${ids.Alpha})?$select=address1_city`);
    expect(body).toHaveProperty("address1_composite");
    expect(body.address1_composite).toContain("Berlin");
  });

  it("serializes datetimes as ISO-8601 UTC", async () => {
    const { body } = await target.json(`accounts(${ids.Alpha})?$select=modifiedon,createdon`);
    expect(body.modifiedon).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(body.createdon).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
  });

  it("rejects an unknown or wrongly cased $select column with 0x0 'Could not find a property named'", async () => {
    const { status, body } = await target.json("accounts?$select=Name");
    expect(status).toBe(400);
    expect(body.error.message).toBe("Could not find a property named 'Name' on type 'Microsoft.Dynamics.CRM.account'.");
  });
});

describe("$filter", () => {
  it("compares strings case-insensitively", async () => {
    const { body } = await target.json(`accounts?$select=name&$filter=${inPrefix()} and address1_city eq 'BERLIN'&$orderby=name`);
    expect(names(body)).toEqual(["Alpha", "delta"]);
  });

  it("supports eq ne gt ge lt le on numbers", async () => {
    const run = async (clause: string) => names((await target.json(`accounts?$select=name&$filter=${inPrefix()} and ${clause}&$orderby=name`)).body);
    expect(await run("revenue eq 2000")).toEqual(["Bravo O'Hara"]);
    expect(await run("revenue gt 2000")).toEqual(["Echo 100% pure", "Foxtrot_x"]);
    expect(await run("revenue ge 2000")).toEqual(["Bravo O'Hara", "Echo 100% pure", "Foxtrot_x"]);
    expect(await run("revenue lt 1000")).toEqual(["delta"]);
    expect(await run("revenue le 1000")).toEqual(["Alpha", "delta"]);
    expect(await run("revenue ne 1000")).toEqual(["Bravo O'Hara", "delta", "Echo 100% pure", "Foxtrot_x"]);
  });

  it("supports and, or, not and parentheses", async () => {
    const { body } = await target.json(`accounts?$select=name&$filter=${inPrefix()} and (revenue eq 500 or revenue eq 3000) and not contains(name,'echo')`);
    expect(names(body)).toEqual(["delta"]);
  });

  it("supports contains, startswith, endswith (case-insensitive)", async () => {
    expect(names((await target.json(`accounts?$select=name&$filter=${inPrefix()} and contains(name,'RAVO')`)).body)).toEqual(["Bravo O'Hara"]);
    expect(names((await target.json(`accounts?$select=name&$filter=${inPrefix()} and endswith(name,'charlie')`)).body)).toEqual(["Charlie"]);
  });

  it("treats % and _ as SQL wildcards inside string values", async () => {
    const { body } = await target.json(`accounts?$select=name&$filter=${inPrefix()} and contains(name,'A_p')&$orderby=name`);
    expect(names(body)).toEqual(["Alpha"]);
  });

  it("escapes a single quote by doubling it", async () => {
    const { status, body } = await target.json(`accounts?$select=name&$filter=name eq '${prefix} Bravo O''Hara'`);
    expect(status).toBe(200);
    expect(names(body)).toEqual(["Bravo O'Hara"]);
  });

  it("reports an unescaped quote as an unterminated literal with its position", async () => {
    const { status, body } = await target.json("contacts?$filter=lastname eq 'O'Bryan'");
    expect(status).toBe(400);
    expect(body.error.message).toBe("There is an unterminated literal at position 21 in 'lastname eq 'O'Bryan''.");
  });

  it("compares with null (ne null / eq null)", async () => {
    expect(names((await target.json(`accounts?$select=name&$filter=${inPrefix()} and revenue eq null`)).body)).toEqual(["Charlie"]);
    expect((await target.json(`accounts?$select=name&$filter=${inPrefix()} and revenue ne null`)).body.value.length).toBe(5);
  });

  it("filters lookups by unquoted GUID", async () => {
    const { body } = await target.json(`contacts?$select=fullname&$filter=_parentcustomerid_value eq ${ids.Alpha}`);
    expect(body.value.map((row: { contactid: string }) => row.contactid)).toEqual([ids.same]);
  });

  it("filters datetimes with unquoted ISO-8601 literals", async () => {
    const { body } = await target.json(`accounts?$select=name&$filter=${inPrefix()} and createdon ge 2000-01-01T00:00:00Z and createdon lt 2999-01-01T00:00:00Z`);
    expect(body.value.length).toBe(6);
  });

  it("compares two columns of the same row", async () => {
    const { body } = await target.json(`contacts?$select=fullname&$filter=firstname eq lastname and _parentcustomerid_value eq ${ids.Alpha}`);
    expect(body.value.map((row: { contactid: string }) => row.contactid)).toEqual([ids.same]);
  });

  it("filters through a single-valued navigation property", async () => {
    const { body } = await target.json(`accounts?$select=name&$filter=${inPrefix()} and primarycontactid/fullname eq 'Same Same'`);
    expect(names(body)).toEqual(["Alpha"]);
  });

  it("supports Microsoft.Dynamics.CRM.In", async () => {
    const { body } = await target.json(
      `accounts?$select=name&$filter=${inPrefix()} and Microsoft.Dynamics.CRM.In(PropertyName='address1_city',PropertyValues=["Paris","Nowhere"])`,
    );
    expect(names(body)).toEqual(["Bravo O'Hara"]);
  });

  it("supports parameter aliases in $filter", async () => {
    const { body } = await target.json(`accounts?$select=name&$filter=${inPrefix()} and revenue eq @p1&@p1=3000`);
    expect(names(body)).toEqual(["Echo 100% pure"]);
  });

  it("rejects an unknown column in $filter with 'Could not find a property named'", async () => {
    const { status, body } = await target.json("accounts?$filter=Name eq 'x'");
    expect(status).toBe(400);
    expect(body.error.message).toBe("Could not find a property named 'Name' on type 'Microsoft.Dynamics.CRM.account'.");
  });

  it("rejects broken filter syntax with 400", async () => {
    for (const filter of ["name eq", "(name eq 'a'", "name eq 'a' and", "name eqq 'a'", "revenue eq 'abc' eq"]) {
      const { status, body } = await target.json(`accounts?$filter=${encodeURIComponent(filter)}`);
      expect(status, filter).toBe(400);
      expect(body.error.message.length).toBeGreaterThan(0);
    }
  });
});

describe("$orderby, $top, $count", () => {
  it("orders ascending by default, descending on request, on several columns", async () => {
    const asc = await target.json(`accounts?$select=name&$filter=${inPrefix()}&$orderby=revenue,name`);
    expect(names(asc.body)).toEqual(["Charlie", "delta", "Alpha", "Bravo O'Hara", "Foxtrot_x", "Echo 100% pure"]);
    const desc = await target.json(`accounts?$select=name&$filter=${inPrefix()}&$orderby=revenue desc,name asc`);
    expect(names(desc.body)).toEqual(["Echo 100% pure", "Foxtrot_x", "Bravo O'Hara", "Alpha", "delta", "Charlie"]);
  });

  it("limits rows with $top", async () => {
    const { body } = await target.json(`accounts?$select=name&$filter=${inPrefix()}&$top=2&$orderby=name`);
    expect(body.value.length).toBe(2);
    expect(body["@odata.nextLink"]).toBeUndefined();
  });

  it("ignores $top when odata.maxpagesize is also sent", async () => {
    const { body, headers } = await target.json(`accounts?$select=name&$filter=${inPrefix()}&$top=2`, { headers: { Prefer: "odata.maxpagesize=4" } });
    expect(body.value.length).toBe(4);
    expect(headers.get("Preference-Applied")).toBe("odata.maxpagesize=4");
    expect(body["@odata.nextLink"]).toBeDefined();
  });

  it("adds @odata.count with $count=true", async () => {
    const { body } = await target.json(`accounts?$select=name&$filter=${inPrefix()}&$count=true&$top=1`);
    expect(body["@odata.count"]).toBe(6);
  });

  it("answers /$count with a bare number as text/plain", async () => {
    const response = await target.request(`accounts/$count?$filter=${inPrefix()}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toMatch(/^text\/plain/);
    expect(Number((await response.text()).replace(/^\uFEFF/, ""))).toBe(6);
  });

  it("rejects $skip as unsupported", async () => {
    const { status } = await target.json("accounts?$skip=1");
    expect(status).toBe(400);
  });
});

describe("$expand", () => {
  it("expands a single-valued lookup with nested $select", async () => {
    const { body } = await target.json(`accounts(${ids.Alpha})?$select=name&$expand=primarycontactid($select=fullname)`);
    expect(body.primarycontactid.fullname).toBe("Same Same");
    expect(body.primarycontactid.contactid).toBe(ids.same);
  });

  it("expands the polymorphic parent customer through parentcustomerid_account", async () => {
    const { body } = await target.json(`contacts(${ids.ann})?$select=fullname&$expand=parentcustomerid_account($select=name)`);
    expect(body.parentcustomerid_account.name).toBe(`${prefix} Bravo O'Hara`);
  });

  it("returns null for an empty expanded lookup", async () => {
    const { body } = await target.json(`accounts(${ids.Charlie})?$select=name&$expand=primarycontactid($select=fullname)`);
    expect(body.primarycontactid).toBeNull();
  });
});

describe("paging", () => {
  it("pages with odata.maxpagesize and @odata.nextLink until no nextLink is left", async () => {
    const seen: string[] = [];
    let url: string | undefined = `accounts?$select=name&$filter=${inPrefix()}`;
    let pages = 0;
    while (url) {
      const { body, headers }: { body: Record<string, any>; headers: Headers } = await target.json(url, { headers: { Prefer: "odata.maxpagesize=2" } });
      expect(headers.get("Preference-Applied")).toBe("odata.maxpagesize=2");
      expect(body.value.length).toBeLessThanOrEqual(2);
      seen.push(...names(body));
      url = body["@odata.nextLink"];
      pages += 1;
    }
    expect(pages).toBe(3);
    expect(seen.sort()).toEqual(["Alpha", "Bravo O'Hara", "Charlie", "Echo 100% pure", "Foxtrot_x", "delta"].sort());
  });

  it("keeps keyset semantics: rows added or removed between pages cause no skips or duplicates of unchanged rows", async () => {
    const first = await target.json(`accounts?$select=name&$filter=${inPrefix()}&$orderby=name`, { headers: { Prefer: "odata.maxpagesize=3" } });
    const firstNames = names(first.body);
    const extra = await cleanup.create("accounts", { name: `${prefix} Aardvark` });
    await target.request(`accounts(${extra})`, { method: "DELETE" });
    const inserted = await cleanup.create("accounts", { name: `${prefix} Zulu` });
    const second = await target.json(first.body["@odata.nextLink"], { headers: { Prefer: "odata.maxpagesize=3" } });
    const secondNames = names(second.body);
    expect(new Set([...firstNames, ...secondNames]).size).toBe(firstNames.length + secondNames.length);
    const all = [...firstNames, ...secondNames];
    for (const expected of ["Alpha", "Bravo O'Hara", "Charlie", "delta", "Echo 100% pure", "Foxtrot_x"]) expect(all).toContain(expected);
    await target.request(`accounts(${inserted})`, { method: "DELETE" });
  });
});

describe("annotations", () => {
  it("adds formatted values, lookup logical names and associated navigation properties on request", async () => {
    const { body, headers } = await target.json(`contacts(${ids.ann})?$select=fullname,_parentcustomerid_value,statecode`, {
      headers: { Prefer: 'odata.include-annotations="*"' },
    });
    expect(headers.get("Preference-Applied")).toBe('odata.include-annotations="*"');
    expect(body["_parentcustomerid_value@Microsoft.Dynamics.CRM.lookuplogicalname"]).toBe("account");
    expect(body["_parentcustomerid_value@Microsoft.Dynamics.CRM.associatednavigationproperty"]).toBe("parentcustomerid_account");
    expect(body["_parentcustomerid_value@OData.Community.Display.V1.FormattedValue"]).toBe(`${prefix} Bravo O'Hara`);
    expect(body["statecode@OData.Community.Display.V1.FormattedValue"]).toBe("Active");
  });

  it("adds only the annotations listed", async () => {
    const { body } = await target.json(`contacts(${ids.ann})?$select=_parentcustomerid_value,statecode`, {
      headers: { Prefer: 'odata.include-annotations="Microsoft.Dynamics.CRM.lookuplogicalname"' },
    });
    expect(body["_parentcustomerid_value@Microsoft.Dynamics.CRM.lookuplogicalname"]).toBe("account");
    expect(body["statecode@OData.Community.Display.V1.FormattedValue"]).toBeUndefined();
  });

  it("adds no annotations without the preference", async () => {
    const { body } = await target.json(`contacts(${ids.ann})?$select=_parentcustomerid_value`);
    expect(Object.keys(body).filter((key) => key.includes("@") && !key.startsWith("@"))).toEqual([]);
  });
});
