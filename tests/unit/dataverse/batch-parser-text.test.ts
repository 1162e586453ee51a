import { describe, expect, it } from "vitest";
import { BatchParseError, parseBatchResponse } from "../../../lib/dataverse/batch-parser.ts";

// The $batch response parser walks the text by index (lib/dataverse/batch-parser.ts); these pin down the text rules it
// must keep from the line-by-line parser it replaced: preamble and epilogue ignored, trailing whitespace after a
// delimiter accepted, bodies with their line ends normalised to CRLF, and a full 1,000-operation response read whole.

function createdPart(i: number, eol: string): string {
  const id = `00000000-0000-0000-0000-${String(i).padStart(12, "0")}`;
  return [
    "--batchresponse_1",
    "Content-Type: application/http",
    "Content-Transfer-Encoding: binary",
    "",
    "HTTP/1.1 201 Created",
    "Content-Type: application/json; odata.metadata=minimal",
    `OData-EntityId: https://org.example/api/data/v9.2/accounts(${id})`,
    "",
    JSON.stringify({ accountid: id, name: `Account ${i}`, versionnumber: 1000 + i }),
  ].join(eol);
}

describe("$batch response text", () => {
  it("reads a 1,000-operation response whole, in order, with CRLF or LF line ends", () => {
    for (const eol of ["\r\n", "\n"]) {
      const body = `${Array.from({ length: 1000 }, (_, i) => createdPart(i, eol)).join(eol)}${eol}--batchresponse_1--${eol}`;
      const parts = parseBatchResponse(body, "multipart/mixed; boundary=batchresponse_1");
      expect(parts).toHaveLength(1000);
      parts.forEach((part, i) => {
        expect(part.kind).toBe("single");
        if (part.kind !== "single") return;
        expect(part.response.status).toBe(201);
        expect(part.response.headers["odata-entityid"]).toContain(String(i).padStart(12, "0"));
        expect(JSON.parse(part.response.body)).toEqual({ accountid: expect.any(String), name: `Account ${i}`, versionnumber: 1000 + i });
      });
    }
  });

  it("ignores the preamble and epilogue, accepts whitespace after a delimiter, normalises body line ends", () => {
    const body = [
      "This is the preamble.",
      "--b   ",
      "Content-Type: application/http",
      "",
      "HTTP/1.1 400 Bad Request",
      "Content-Type: text/plain",
      "",
      "first line",
      "second line",
      "--b--\t",
      "epilogue",
    ].join("\n");
    expect(parseBatchResponse(body, "multipart/mixed; boundary=b")).toEqual([
      {
        kind: "single",
        response: { status: 400, statusText: "Bad Request", headers: { "content-type": "text/plain" }, body: "first line\r\nsecond line", contentId: null },
      },
    ]);
  });

  it("reads change set responses nested in a part, each with its Content-ID", () => {
    const body = [
      "--b",
      "Content-Type: multipart/mixed; boundary=cs",
      "",
      "--cs",
      "Content-Type: application/http",
      "Content-ID: 2",
      "",
      "HTTP/1.1 204 No Content",
      "",
      "",
      "--cs",
      "Content-Type: application/http",
      "Content-ID: 1",
      "",
      "HTTP/1.1 204 No Content",
      "",
      "",
      "--cs--",
      "--b--",
      "",
    ].join("\r\n");
    const parts = parseBatchResponse(body, "multipart/mixed; boundary=b");
    expect(parts).toHaveLength(1);
    expect(parts[0].kind === "changeSet" && parts[0].responses.map((r) => [r.status, r.contentId, r.body])).toEqual([
      [204, "2", ""],
      [204, "1", ""],
    ]);
  });

  it("a part cut off before its closing delimiter is a parse error", () => {
    const whole = `${createdPart(1, "\r\n")}\r\n--batchresponse_1--\r\n`;
    expect(() => parseBatchResponse(whole.slice(0, whole.indexOf("--batchresponse_1--")), "multipart/mixed; boundary=batchresponse_1")).toThrow(BatchParseError);
  });
});
