import { randomUUID } from "node:crypto";
import { DataverseFault, errorBody, faults } from "./odata-errors.ts";
import type { ApiResponse, WebApi } from "./web-api.ts";

// $batch (reference §7): multipart/mixed with CRLF line endings, change sets, Content-ID references, continue-on-error.

const maxOperations = 1000;
const apiMarker = "/api/data/v9.2/";

type InnerRequest = { method: string; url: string; headers: Record<string, string>; body: string; contentId: string | null };
type BatchItem = { kind: "request"; request: InnerRequest } | { kind: "changeset"; requests: InnerRequest[] };

export type BatchInput = { contentType: string | undefined; body: string; userId: string; base: string; continueOnError: boolean };

const statusTexts: Record<number, string> = {
  200: "OK",
  201: "Created",
  204: "No Content",
  304: "Not Modified",
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  412: "Precondition Failed",
  413: "Payload Too Large",
  429: "Too Many Requests",
  500: "Internal Server Error",
  501: "Not Implemented",
  503: "Service Unavailable",
};

function unreadable(): DataverseFault {
  return faults.payload("", "System.ArgumentException: Stream was not readable.");
}

function boundaryOf(contentType: string | undefined): string | null {
  if (!contentType || !/^\s*multipart\/mixed/i.test(contentType)) return null;
  const match = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return match ? (match[1] ?? match[2]) : null;
}

function parseHeaders(block: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of block.split("\r\n")) {
    if (line.length === 0) continue;
    const colon = line.indexOf(":");
    if (colon === -1) throw unreadable();
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return headers;
}

function splitParts(body: string, boundary: string): string[] {
  const delimiter = `\r\n--${boundary}`;
  const text = `\r\n${body}`;
  const pieces = text.split(delimiter);
  const parts: string[] = [];
  let closed = false;
  for (let index = 1; index < pieces.length; index += 1) {
    const piece = pieces[index];
    if (piece.startsWith("--")) {
      closed = true;
      break;
    }
    const lineEnd = piece.indexOf("\r\n");
    if (lineEnd === -1) throw unreadable();
    parts.push(piece.slice(lineEnd + 2));
  }
  if (!closed || pieces.length < 2) throw unreadable();
  return parts;
}

function parseInnerRequest(part: string, partHeaders: Record<string, string>): InnerRequest {
  if (!/^application\/http/i.test(partHeaders["content-type"] ?? "")) {
    throw faults.payload("", `Microsoft.OData.ODataException: The message header 'Content-Type: ${partHeaders["content-type"] ?? ""}' is invalid. The header value must be of the format 'application/http'.`);
  }
  const headerEnd = part.indexOf("\r\n\r\n");
  const head = headerEnd === -1 ? part : part.slice(0, headerEnd);
  const body = headerEnd === -1 ? "" : part.slice(headerEnd + 4);
  const lines = head.split("\r\n");
  const requestLine = /^([A-Z]+) (.+?)(?: HTTP\/1\.[01])?$/.exec(lines[0] ?? "");
  if (!requestLine) throw faults.payload("", `Microsoft.OData.ODataException: The HTTP request line '${lines[0] ?? ""}' is invalid.`);
  const headers = parseHeaders(lines.slice(1).join("\r\n"));
  return { method: requestLine[1], url: requestLine[2], headers, body, contentId: partHeaders["content-id"] ?? headers["content-id"] ?? null };
}

export function parseBatch(contentType: string | undefined, body: string): BatchItem[] {
  const boundary = boundaryOf(contentType);
  if (!boundary) throw faults.payload("", "Microsoft.OData.ODataException: The content type of a batch request must be 'multipart/mixed' with a boundary parameter.");
  // Every line ending must be CRLF, including the one after the closing delimiter (reference §7).
  if (!body.endsWith("\r\n") || /(^|[^\r])\n/.test(body)) throw unreadable();
  const items: BatchItem[] = [];
  let operations = 0;
  for (const part of splitParts(body, boundary)) {
    const headerEnd = part.indexOf("\r\n\r\n");
    if (headerEnd === -1) throw unreadable();
    const partHeaders = parseHeaders(part.slice(0, headerEnd));
    const content = part.slice(headerEnd + 4);
    const changeSetBoundary = boundaryOf(partHeaders["content-type"]);
    if (changeSetBoundary) {
      const requests = splitParts(content, changeSetBoundary).map((inner) => {
        const innerEnd = inner.indexOf("\r\n\r\n");
        if (innerEnd === -1) throw unreadable();
        return parseInnerRequest(inner.slice(innerEnd + 4), parseHeaders(inner.slice(0, innerEnd)));
      });
      operations += requests.length;
      items.push({ kind: "changeset", requests });
    } else {
      operations += 1;
      items.push({ kind: "request", request: parseInnerRequest(content, partHeaders) });
    }
    if (operations > maxOperations) {
      throw new DataverseFault(400, "0x8005f103", `The number of requests in the batch exceeds the limit of ${maxOperations}.`);
    }
  }
  return items;
}

function relativePath(url: string, contentIds: Map<string, string>): string {
  let target = url;
  if (target.startsWith("$")) {
    const match = /^\$([^/?]+)(.*)$/.exec(target) as RegExpExecArray;
    const resolved = contentIds.get(match[1]);
    if (!resolved) throw new DataverseFault(400, "0x0", `Content-ID Reference: '$${match[1]}' does not exist in the batch context.`);
    target = `${resolved}${match[2]}`;
  }
  const marker = target.indexOf(apiMarker);
  if (marker !== -1) return target.slice(marker + apiMarker.length);
  if (/^https?:\/\//.test(target)) throw faults.noResource(target);
  return target.replace(/^\//, "");
}

function renderResponse(response: ApiResponse, contentId: string | null, isGet: boolean): string {
  let text = "Content-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n";
  if (contentId !== null) text += `Content-ID: ${contentId}\r\n`;
  text += `\r\nHTTP/1.1 ${response.status} ${statusTexts[response.status] ?? "Unknown"}\r\n`;
  if (response.status >= 400) text += `REQ_ID: ${randomUUID()}\r\n`;
  for (const name in response.headers) {
    const value = response.headers[name];
    text += `${name}: ${name === "Content-Type" && isGet && response.status === 200 ? `${value}; odata.streaming=true` : value}\r\n`;
  }
  if (response.location && response.status < 300) {
    text += `Location: ${response.location}\r\n`;
    if (!response.headers["OData-EntityId"] && response.status === 201) text += `OData-EntityId: ${response.location}\r\n`;
  }
  return `${text}\r\n${response.body}`;
}

function failure(fault: DataverseFault): ApiResponse {
  return { status: fault.status, headers: { "Content-Type": "application/json; odata.metadata=minimal", "OData-Version": "4.0" }, body: errorBody(fault, false) };
}

export function executeBatch(api: WebApi, input: BatchInput): ApiResponse {
  let items: BatchItem[];
  try {
    items = parseBatch(input.contentType, input.body);
  } catch (error) {
    if (error instanceof DataverseFault) return failure(error);
    throw error;
  }
  const boundary = `batchresponse_${randomUUID()}`;
  const parts: string[] = [];
  let status = 200;
  const run = (request: InnerRequest, contentIds: Map<string, string>): ApiResponse => {
    try {
      const url = relativePath(request.url, contentIds);
      if (url.startsWith("$batch")) throw new DataverseFault(400, "0x80060888", "Nested batch requests are not supported.");
      const questionMark = url.indexOf("?");
      return api.handle({
        method: request.method,
        path: questionMark === -1 ? url : url.slice(0, questionMark),
        query: questionMark === -1 ? "" : url.slice(questionMark + 1),
        headers: request.headers,
        body: request.body,
        userId: input.userId,
        base: input.base,
        contentIds,
      });
    } catch (error) {
      if (error instanceof DataverseFault) return failure(error);
      throw error;
    }
  };

  for (const item of items) {
    if (item.kind === "request") {
      const response = run(item.request, new Map());
      parts.push(renderResponse(response, item.request.contentId, item.request.method === "GET"));
      if (response.status >= 400 && !input.continueOnError) {
        status = 400;
        break;
      }
      continue;
    }
    const contentIds = new Map<string, string>();
    const rendered: string[] = [];
    let failed: ApiResponse | null = null;
    let failedContentId: string | null = null;
    api.store.begin();
    for (const request of item.requests) {
      const response =
        request.method === "GET"
          ? failure(new DataverseFault(400, "0x80060888", "GET requests are not allowed inside a change set."))
          : run(request, contentIds);
      if (response.status >= 400) {
        failed = response;
        failedContentId = request.contentId;
        break;
      }
      if (request.contentId !== null) {
        const location = response.location ?? response.headers["OData-EntityId"];
        if (location) contentIds.set(request.contentId, location);
      }
      rendered.push(renderResponse(response, request.contentId, false));
    }
    if (failed) {
      api.store.rollback();
      parts.push(renderResponse(failed, failedContentId, false));
      if (!input.continueOnError) {
        status = 400;
        break;
      }
      continue;
    }
    api.store.commit();
    const changeSetBoundary = `changesetresponse_${randomUUID()}`;
    parts.push(
      `Content-Type: multipart/mixed; boundary=${changeSetBoundary}\r\n\r\n${rendered.map((part) => `--${changeSetBoundary}\r\n${part}\r\n`).join("")}--${changeSetBoundary}--`,
    );
  }
  const body = `${parts.map((part) => `--${boundary}\r\n${part}\r\n`).join("")}--${boundary}--\r\n`;
  const operations = items.reduce((sum, item) => sum + (item.kind === "request" ? 1 : item.requests.length), 0);
  return { status, headers: { "Content-Type": `multipart/mixed; boundary=${boundary}`, "OData-Version": "4.0" }, body, operations };
}
