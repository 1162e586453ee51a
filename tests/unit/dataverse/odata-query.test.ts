import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  and,
  buildQueryString,
  contains,
  dateOnly,
  dateTime,
  eq,
  guid,
  inList,
  keySegment,
  literal,
  ne,
  not,
  ODataQueryError,
  odataFilter,
  or,
  startsWith,
} from "../../../lib/dataverse/odata-query.ts";

// A small OData tokenizer, independent of the builder: it tells what the server would see as separate tokens.
type Token = { type: "string"; value: string } | { type: "word"; value: string } | { type: "punct"; value: string };
function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === " ") {
      i += 1;
      continue;
    }
    if (c === "'") {
      let value = "";
      i += 1;
      for (;;) {
        if (i >= text.length) throw new Error(`unterminated literal in ${text}`);
        if (text[i] === "'") {
          if (text[i + 1] === "'") {
            value += "'";
            i += 2;
            continue;
          }
          i += 1;
          break;
        }
        value += text[i];
        i += 1;
      }
      tokens.push({ type: "string", value });
      continue;
    }
    if ("(),".includes(c)) {
      tokens.push({ type: "punct", value: c });
      i += 1;
      continue;
    }
    let word = "";
    while (i < text.length && !" '(),".includes(text[i])) word += text[i++];
    tokens.push({ type: "word", value: word });
  }
  return tokens;
}

const nasty = [
  "O'Bryan",
  "' or 1 eq 1 or name eq '",
  "x') or (name ne '",
  "''''",
  "'",
  "a&$filter=name ne null",
  "100% _wild_ [x]",
  "#?/:+",
  "é漢字 emoji 😀",
  "line\nbreak",
];

describe("literal escaping", () => {
  it("doubles single quotes inside string literals", () => {
    expect(literal("O'Bryan")).toBe("'O''Bryan'");
    expect(eq("lastname", "O'Bryan").odata).toBe("lastname eq 'O''Bryan'");
  });

  it.each(nasty)("keeps %j as one string token that cannot change the filter", (value) => {
    const tokens = tokenize(and(eq("name", value), ne("statecode", 1)).odata);
    expect(tokens).toEqual([
      { type: "punct", value: "(" },
      { type: "word", value: "name" },
      { type: "word", value: "eq" },
      { type: "string", value },
      { type: "punct", value: ")" },
      { type: "word", value: "and" },
      { type: "punct", value: "(" },
      { type: "word", value: "statecode" },
      { type: "word", value: "ne" },
      { type: "word", value: "1" },
      { type: "punct", value: ")" },
    ]);
  });

  it("any string value stays one literal token (property)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme" }), (value) => {
        const tokens = tokenize(eq("accountnumber", value).odata);
        expect(tokens).toEqual([
          { type: "word", value: "accountnumber" },
          { type: "word", value: "eq" },
          { type: "string", value },
        ]);
      }),
    );
  });

  it("survives URL encoding: decoding the query string gives the same filter back", () => {
    fc.assert(
      fc.property(fc.string(), (value) => {
        const filter = eq("name", value);
        const qs = buildQueryString({ filter });
        const params = new URLSearchParams(qs.slice(1).replace(/\+/g, "%2B"));
        expect(params.get("$filter")).toBe(filter.odata);
        expect([...params.keys()]).toEqual(["$filter"]);
      }),
    );
  });

  it("renders GUIDs unquoted and lower case, accepting braces", () => {
    expect(eq("_parentcustomerid_value", guid("{6A0F7B5C-0000-4D4B-9A5E-000000000001}")).odata).toBe(
      "_parentcustomerid_value eq 6a0f7b5c-0000-4d4b-9a5e-000000000001",
    );
    expect(() => guid("6a0f7b5c-0000-4d4b-9a5e-00000000000 or 1 eq 1")).toThrow(ODataQueryError);
  });

  it("renders dates, numbers, booleans and null as bare literals", () => {
    expect(literal(new Date("2024-01-01T00:00:00Z"))).toBe("2024-01-01T00:00:00Z");
    expect(literal(new Date("2024-01-01T00:00:00.250Z"))).toBe("2024-01-01T00:00:00.250Z");
    expect(literal(dateTime("2024-03-05T10:11:12+02:00"))).toBe("2024-03-05T08:11:12Z");
    expect(literal(dateOnly("2024-02-29"))).toBe("2024-02-29");
    expect(literal(-12.5)).toBe("-12.5");
    expect(literal(1e21)).toBe("1e21");
    expect(literal(10n)).toBe("10");
    expect(literal(true)).toBe("true");
    expect(literal(null)).toBe("null");
    expect(() => literal(Number.NaN)).toThrow(ODataQueryError);
    expect(() => literal(Number.POSITIVE_INFINITY)).toThrow(ODataQueryError);
    expect(() => dateOnly("2024-02-30 or 1 eq 1")).toThrow(ODataQueryError);
    expect(() => dateTime("yesterday")).toThrow(ODataQueryError);
  });

  it("rejects property names that are not identifiers", () => {
    expect(() => eq("name eq 'x' or name", "y")).toThrow(ODataQueryError);
    expect(() => buildQueryString({ select: ["name,revenue"] })).toThrow(ODataQueryError);
    expect(eq("primarycontactid/fullname", "X").odata).toBe("primarycontactid/fullname eq 'X'");
  });

  it("brackets LIKE wildcards in text functions so they match literally", () => {
    expect(contains("name", "100%_[a]").odata).toBe("contains(name,'100[%][_][[]a[]]')");
    expect(startsWith("name", "O'B").odata).toBe("startswith(name,'O''B')");
  });

  it("tagged template escapes every interpolation", () => {
    const userInput = "x' or name ne '";
    const filter = odataFilter`name eq ${userInput} and _ownerid_value eq ${guid("00000000-0000-0000-0000-0000000000AA")}`;
    expect(filter.odata).toBe("name eq 'x'' or name ne ''' and _ownerid_value eq 00000000-0000-0000-0000-0000000000aa");
  });

  it("combines with and/or/not and parenthesises every operand", () => {
    const filter = or(and(eq("a", 1), eq("b", "x")), not(eq("c", null)));
    expect(filter.odata).toBe("((a eq 1) and (b eq 'x')) or (not (c eq null))");
    expect(inList("statuscode", [1, 2]).odata).toBe("(statuscode eq 1) or (statuscode eq 2)");
    expect(and(eq("a", 1), undefined, false).odata).toBe("a eq 1");
  });
});

describe("query string", () => {
  it("builds $select/$filter/$orderby/$top/$expand/$count with encoded values", () => {
    const qs = buildQueryString({
      select: ["name", "accountnumber"],
      filter: eq("name", "A&B #1"),
      orderBy: [{ path: "name" }, { path: "createdon", descending: true }],
      top: 10,
      expand: [{ navigation: "primarycontactid", select: ["contactid", "fullname"] }],
      count: true,
    });
    expect(qs).toBe(
      "?$select=name%2Caccountnumber&$filter=name%20eq%20'A%26B%20%231'&$orderby=name%2Ccreatedon%20desc&$top=10" +
        "&$expand=primarycontactid(%24select%3Dcontactid%2Cfullname)&$count=true",
    );
    expect(buildQueryString({})).toBe("");
    expect(() => buildQueryString({ top: -1 })).toThrow(ODataQueryError);
  });

  it("builds key segments for GUIDs and alternate keys", () => {
    expect(keySegment("{4624EFF7-53D3-ED11-A7C7-000D3A993550}")).toBe("(4624eff7-53d3-ed11-a7c7-000d3a993550)");
    expect(keySegment({ accountnumber: "O'B/1" })).toBe("(accountnumber='O''B%2F1')");
    expect(keySegment({ accountnumber: "O'B/1" }, { urlEncode: false })).toBe("(accountnumber='O''B/1')");
    expect(keySegment({ firstname: "Joe", emailaddress1: "a@b.c" })).toBe("(firstname='Joe',emailaddress1='a%40b.c')");
    expect(() => keySegment("not-a-guid")).toThrow(ODataQueryError);
  });
});
