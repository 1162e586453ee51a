// Parses a $batch response body (multipart/mixed, nested change set responses) into plain HTTP responses.
// Line endings are accepted as CRLF or LF: we send strict CRLF but need not be strict about what we read.

export type ParsedHttpResponse = {
  status: number;
  statusText: string;
  headers: Record<string, string>;
  body: string;
  contentId: string | null;
};

// One entry per top-level part: a single response, or the responses of one change set.
export type ParsedBatchPart = { kind: "single"; response: ParsedHttpResponse } | { kind: "changeSet"; responses: ParsedHttpResponse[] };

export class BatchParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BatchParseError";
  }
}

export function boundaryFromContentType(contentType: string | null | undefined): string | null {
  if (!contentType) return null;
  const match = /boundary=("([^"]+)"|[^;\s]+)/i.exec(contentType);
  if (!match) return null;
  return match[2] ?? match[1];
}

export function parseBatchResponse(body: string, contentType: string): ParsedBatchPart[] {
  const boundary = boundaryFromContentType(contentType);
  if (!boundary) throw new BatchParseError(`No boundary in Content-Type ${JSON.stringify(contentType)}`);
  return splitMultipart(body, boundary).map((part) => {
    const type = headerValue(part.headers, "content-type") ?? "";
    if (/^multipart\/mixed/i.test(type)) {
      const inner = boundaryFromContentType(type);
      if (!inner) throw new BatchParseError("Change set response without a boundary");
      return {
        kind: "changeSet" as const,
        responses: splitMultipart(part.body, inner).map((p) => parseHttpPart(p.body, headerValue(p.headers, "content-id"))),
      };
    }
    return { kind: "single" as const, response: parseHttpPart(part.body, headerValue(part.headers, "content-id")) };
  });
}

type MimePart = { headers: Record<string, string>; body: string };

function splitMultipart(body: string, boundary: string): MimePart[] {
  const delimiter = `--${boundary}`;
  const lines = body.split(/\r?\n/);
  const parts: MimePart[] = [];
  let current: string[] | null = null;
  let closed = false;
  for (const line of lines) {
    const trimmed = line.trimEnd();
    if (trimmed === `${delimiter}--`) {
      if (current) parts.push(parseMimePart(current));
      current = null;
      closed = true;
      break;
    }
    if (trimmed === delimiter) {
      if (current) parts.push(parseMimePart(current));
      current = [];
      continue;
    }
    if (current) current.push(line);
  }
  if (!closed) throw new BatchParseError(`Multipart body is missing its closing delimiter ${delimiter}--`);
  return parts;
}

function parseMimePart(lines: string[]): MimePart {
  const blank = lines.findIndex((l) => l === "");
  const headerLines = blank === -1 ? lines : lines.slice(0, blank);
  const bodyLines = blank === -1 ? [] : lines.slice(blank + 1);
  return { headers: parseHeaderLines(headerLines), body: bodyLines.join("\r\n") };
}

function parseHeaderLines(lines: string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return headers;
}

function headerValue(headers: Record<string, string>, name: string): string | null {
  return headers[name.toLowerCase()] ?? null;
}

function parseHttpPart(text: string, contentId: string | null): ParsedHttpResponse {
  const lines = text.split(/\r?\n/);
  while (lines.length && lines[0] === "") lines.shift();
  const statusLine = lines.shift() ?? "";
  const match = /^HTTP\/\d(?:\.\d)?\s+(\d{3})\s*(.*)$/.exec(statusLine.trim());
  if (!match) throw new BatchParseError(`Not an HTTP response line: ${JSON.stringify(statusLine.slice(0, 100))}`);
  const blank = lines.findIndex((l) => l === "");
  const headerLines = blank === -1 ? lines : lines.slice(0, blank);
  const body = blank === -1 ? "" : lines.slice(blank + 1).join("\r\n").trim();
  const headers = parseHeaderLines(headerLines);
  return { status: Number(match[1]), statusText: match[2], headers, body, contentId: contentId ?? headers["content-id"] ?? null };
}
