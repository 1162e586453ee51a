import { describe, expect, it } from "vitest";
import { buildBatch, countOperations, splitBatchItems, type BatchItem } from "../../../lib/dataverse/batch-builder.ts";
import { BatchParseError, boundaryFromContentType, parseBatchResponse } from "../../../lib/dataverse/batch-parser.ts";
import { bindContentId, bindParentCustomer } from "../../../lib/dataverse/odata-bind.ts";

const ids = ["B1", "C1", "C2"];
const sequentialIds = () => {
  let n = 0;
  return () => ids[n++];
};

const items: BatchItem[] = [
  {
    changeSet: [
      { method: "POST", url: "accounts", body: { name: "Batch Account" } },
      { method: "POST", url: "contacts", body: { lastname: "Batch", ...bindContentId("parentcustomerid_account", "1") } },
    ],
  },
  { method: "GET", url: "accounts?$select=name&$top=1" },
];

// Turns a built request into the response a server would send, part by part, so the parser can be checked
// against the builder without a server (the emulator tests do the real round trip).
function answer(built: ReturnType<typeof buildBatch>): { body: string; contentType: string } {
  const b = "batchresponse_R1";
  const c = "changesetresponse_R2";
  const body = [
    `--${b}`,
    `Content-Type: multipart/mixed; boundary=${c}`,
    "",
    `--${c}`,
    "Content-Type: application/http",
    "Content-Transfer-Encoding: binary",
    `Content-ID: ${built.contentIds[0]![0]}`,
    "",
    "HTTP/1.1 204 No Content",
    "OData-Version: 4.0",
    "Location: http://x/api/data/v9.2/accounts(11111111-1111-1111-1111-111111111111)",
    "OData-EntityId: http://x/api/data/v9.2/accounts(11111111-1111-1111-1111-111111111111)",
    "",
    "",
    `--${c}`,
    "Content-Type: application/http",
    "Content-Transfer-Encoding: binary",
    `Content-ID: ${built.contentIds[0]![1]}`,
    "",
    "HTTP/1.1 204 No Content",
    "OData-EntityId: http://x/api/data/v9.2/contacts(22222222-2222-2222-2222-222222222222)",
    "",
    "",
    `--${c}--`,
    `--${b}`,
    "Content-Type: application/http",
    "Content-Transfer-Encoding: binary",
    "",
    "HTTP/1.1 200 OK",
    "Content-Type: application/json; odata.metadata=minimal; odata.streaming=true",
    "OData-Version: 4.0",
    "",
    JSON.stringify({ value: [{ name: "Batch Account", accountid: "11111111-1111-1111-1111-111111111111" }] }),
    `--${b}--`,
    "",
  ].join("\r\n");
  return { body, contentType: `multipart/mixed; boundary=${b}` };
}

describe("$batch builder", () => {
  it("writes the documented multipart layout with CRLF everywhere and a final CRLF", () => {
    const built = buildBatch(items, { apiPath: "/api/data/v9.2/", boundaryId: sequentialIds() });
    expect(built.contentType).toBe("multipart/mixed; boundary=batch_B1");
    expect(built.body.replace(/\r\n/g, "")).not.toMatch(/[\r\n]/);
    expect(built.body.endsWith("--batch_B1--\r\n")).toBe(true);
    expect(built.contentIds).toEqual([["1", "2"], null]);
    expect(built.body).toBe(
      [
        "--batch_B1",
        "Content-Type: multipart/mixed; boundary=changeset_C1",
        "",
        "--changeset_C1",
        "Content-Type: application/http",
        "Content-Transfer-Encoding: binary",
        "Content-ID: 1",
        "",
        "POST /api/data/v9.2/accounts HTTP/1.1",
        "Content-Type: application/json; type=entry",
        "",
        '{"name":"Batch Account"}',
        "--changeset_C1",
        "Content-Type: application/http",
        "Content-Transfer-Encoding: binary",
        "Content-ID: 2",
        "",
        "POST /api/data/v9.2/contacts HTTP/1.1",
        "Content-Type: application/json; type=entry",
        "",
        '{"lastname":"Batch","parentcustomerid_account@odata.bind":"$1"}',
        "--changeset_C1--",
        "--batch_B1",
        "Content-Type: application/http",
        "Content-Transfer-Encoding: binary",
        "",
        "GET /api/data/v9.2/accounts?$select=name&$top=1 HTTP/1.1",
        "",
        "",
        "--batch_B1--",
        "",
      ].join("\r\n"),
    );
  });

  it("keeps explicit Content-IDs and allocates others around them", () => {
    const built = buildBatch(
      [{ changeSet: [{ method: "POST", url: "accounts", body: {} }, { method: "POST", url: "accounts", body: {}, contentId: "1" }] }],
      { apiPath: "/api/data/v9.2" },
    );
    expect(built.contentIds).toEqual([["2", "1"]]);
  });

  it("refuses GET inside a change set", () => {
    expect(() => buildBatch([{ changeSet: [{ method: "GET", url: "accounts" }] }], { apiPath: "/" })).toThrow(/GET/);
  });

  it("splits large work into batches without splitting change sets", () => {
    const singles: BatchItem[] = Array.from({ length: 2500 }, () => ({ method: "DELETE" as const, url: "accounts(1)" }));
    expect(splitBatchItems(singles, 1000).map((b) => b.length)).toEqual([1000, 1000, 500]);
    const mixed: BatchItem[] = [
      { method: "GET", url: "a" },
      { changeSet: [{ method: "POST", url: "a" }, { method: "POST", url: "a" }] },
      { method: "GET", url: "a" },
    ];
    expect(splitBatchItems(mixed, 2).map((b) => countOperations(b))).toEqual([1, 2, 1]);
    expect(splitBatchItems(mixed, 3).map((b) => countOperations(b))).toEqual([3, 1]);
    expect(() => splitBatchItems([{ changeSet: [{ method: "POST", url: "a" }, { method: "POST", url: "a" }] }], 1)).toThrow(/exceeds/);
  });
});

describe("$batch parser", () => {
  it("round trip: reads back one response per request part, change set responses by Content-ID", () => {
    const built = buildBatch(items, { apiPath: "/api/data/v9.2/", boundaryId: sequentialIds() });
    const { body, contentType } = answer(built);
    const parts = parseBatchResponse(body, contentType);
    expect(parts).toHaveLength(2);
    expect(parts[0].kind).toBe("changeSet");
    if (parts[0].kind !== "changeSet") return;
    expect(parts[0].responses.map((r) => [r.status, r.contentId])).toEqual([
      [204, "1"],
      [204, "2"],
    ]);
    expect(parts[0].responses[1].headers["odata-entityid"]).toContain("22222222-2222-2222-2222-222222222222");
    expect(parts[1].kind).toBe("single");
    if (parts[1].kind !== "single") return;
    expect(parts[1].response.status).toBe(200);
    expect(JSON.parse(parts[1].response.body).value[0].name).toBe("Batch Account");
  });

  it("reads LF-only bodies and quoted boundaries", () => {
    const body = '--b\nContent-Type: application/http\n\nHTTP/1.1 404 Not Found\nContent-Type: application/json\n\n{"error":{"code":"0x80040217","message":"Does Not Exist"}}\n--b--\n';
    const parts = parseBatchResponse(body, 'multipart/mixed; boundary="b"');
    expect(parts).toEqual([
      {
        kind: "single",
        response: {
          status: 404,
          statusText: "Not Found",
          headers: { "content-type": "application/json" },
          body: '{"error":{"code":"0x80040217","message":"Does Not Exist"}}',
          contentId: null,
        },
      },
    ]);
    expect(boundaryFromContentType("multipart/mixed;boundary=batchresponse_x; charset=utf-8")).toBe("batchresponse_x");
  });

  it("rejects truncated or malformed bodies with a parse error, not a crash", () => {
    expect(() => parseBatchResponse("--b\r\nContent-Type: application/http\r\n\r\nHTTP/1.1 200 OK\r\n", "multipart/mixed; boundary=b")).toThrow(BatchParseError);
    expect(() => parseBatchResponse("--b\r\n\r\nnot http\r\n--b--\r\n", "multipart/mixed; boundary=b")).toThrow(BatchParseError);
    expect(() => parseBatchResponse("", "application/json")).toThrow(BatchParseError);
  });

  it("bind helpers write the polymorphic navigation property", () => {
    expect(bindParentCustomer("account", "4624EFF7-53D3-ED11-A7C7-000D3A993550")).toEqual({
      "parentcustomerid_account@odata.bind": "/accounts(4624eff7-53d3-ed11-a7c7-000d3a993550)",
    });
  });
});
