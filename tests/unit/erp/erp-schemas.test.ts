import { describe, expect, it } from "vitest";
import { contactCreateSchema, joinContactName } from "../../../lib/erp/contact-schema.ts";
import { customerCreateSchema, customerListQuerySchema, customerPatchSchema } from "../../../lib/erp/customer-schema.ts";
import { parseLenient } from "../../../lib/erp/parse-input.ts";
import { containsText } from "../../../lib/erp/list-query.ts";
import { contactListQuerySchema } from "../../../lib/erp/contact-schema.ts";
import { CONTACT_SERIES, CUSTOMER_SERIES, formatSeriesNumber, seriesNumberAfter } from "../../../lib/erp/number-series.ts";

describe("customer input", () => {
  it("normalises codes to upper case, trims text and reads decimal commas", () => {
    const parsed = customerCreateSchema.parse({
      no: " c100 ",
      name: "  Northwind Traders ",
      countryRegionCode: "gb",
      creditLimit: "1 500,75",
      blocked: "",
    });
    expect(parsed).toEqual({ no: "C100", name: "Northwind Traders", countryRegionCode: "GB", creditLimit: 1500.75, blocked: "NONE" });
  });

  it("treats null as blank", () => {
    expect(customerCreateSchema.parse({ name: "A", city: null, currencyCode: null })).toMatchObject({ city: "", currencyCode: "" });
  });

  const cases: [unknown, string][] = [
    [{ name: "A", creditLimit: 1e14 }, "creditLimit"],
    [{ name: "A", creditLimit: "1e5" }, "creditLimit"],
    [{ name: "A", homePage: "x".repeat(81) }, "homePage"],
    [{ name: "A", postCode: "x".repeat(21) }, "postCode"],
    [{ name: "A", county: "x".repeat(31) }, "county"],
    [{ name: "A", faxNo: "fax!" }, "faxNo"],
    [{ name: "A", no: "x".repeat(21) }, "no"],
    [{ name: "A", salespersonCode: "a/b" }, "salespersonCode"],
  ];
  it.each(cases)("rejects %j on the right field", (input, field) => {
    const result = customerCreateSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path[0])).toContain(field);
  });

  it("requires the rowVersion on a patch", () => {
    const result = customerPatchSchema.safeParse({ name: "B" });
    expect(result.error?.issues[0]?.path).toEqual(["rowVersion"]);
    expect(customerPatchSchema.parse({ rowVersion: "3" }).rowVersion).toBe(3);
  });
});

describe("contact input", () => {
  it("needs a first name or a surname", () => {
    expect(contactCreateSchema.safeParse({ jobTitle: "CEO" }).error?.issues[0]).toMatchObject({
      path: ["surname"],
      message: "Enter a first name or a surname.",
    });
    expect(contactCreateSchema.safeParse({ firstName: "Cher" }).success).toBe(true);
  });

  it("joins the name parts, skipping blanks", () => {
    expect(joinContactName({ firstName: "Anna", middleName: "", surname: "Berg" })).toBe("Anna Berg");
    expect(joinContactName({ firstName: " ", middleName: "J.", surname: "Doe " })).toBe("J. Doe");
    expect(joinContactName({})).toBe("");
  });
});

describe("number series", () => {
  it("formats with a prefix and fixed digits, incrementing by 10", () => {
    expect(formatSeriesNumber(CUSTOMER_SERIES, 10)).toBe("C00010");
    expect(seriesNumberAfter(CUSTOMER_SERIES, null)).toBe("C00010");
    expect(seriesNumberAfter(CUSTOMER_SERIES, "C00010")).toBe("C00020");
    expect(seriesNumberAfter(CUSTOMER_SERIES, "C00015")).toBe("C00025");
    expect(seriesNumberAfter(CONTACT_SERIES, null)).toBe("CT000010");
    expect(seriesNumberAfter(CONTACT_SERIES, "CT000990")).toBe("CT001000");
  });

  it("says so when the series is used up", () => {
    expect(() => seriesNumberAfter(CUSTOMER_SERIES, "C99995")).toThrow(/used up/);
  });
});

describe("list parameters", () => {
  it("drops invalid URL parameters instead of failing", () => {
    const query = parseLenient(customerListQuerySchema, {
      sort: "password",
      dir: "sideways",
      page: "-3",
      pageSize: "50",
      city: "Berlin",
      colour: "red",
    });
    expect(query).toMatchObject({ sort: "no", dir: "asc", page: 1, pageSize: 50, city: "Berlin" });
    expect(query).not.toHaveProperty("colour");
  });

  it("refuses a NUL character in the search text and in column filters, naming the parameter", () => {
    const search = customerListQuerySchema.safeParse({ q: "a\u0000b" });
    expect(search.success).toBe(false);
    expect(search.error?.issues).toEqual([expect.objectContaining({ path: ["q"], message: "The search text cannot contain the NUL character." })]);
    const filter = contactListQuerySchema.safeParse({ customerNo: "\u0000\u0001" });
    expect(filter.success).toBe(false);
    expect(filter.error?.issues).toEqual([expect.objectContaining({ path: ["customerNo"], message: expect.stringContaining("cannot contain the NUL character") })]);
    expect(customerListQuerySchema.parse({ q: "tab\there" }).q).toBe("tab\there");
  });

  it("escapes LIKE wildcards for contains filters", () => {
    expect(containsText("50%_off\\")).toEqual({ contains: "50\\%\\_off\\\\", mode: "insensitive" });
  });
});
