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

// The parser walks the text by index (a response of 1,000 operations is ~1.5 MB): splitting it into lines and joining
// them back per part cost more than the rest of the response handling. Lines end in CRLF or LF; a body is normalised
// to CRLF line ends, as if it had been rebuilt line by line.

/** The end of the line starting at `from` (before its CR LF or LF) and the start of the next line. */
function lineAt(text: string, from: number): { end: number; next: number } {
  const lf = text.indexOf("\n", from);
  if (lf === -1) return { end: text.length, next: text.length + 1 };
  return { end: lf > from && text.charCodeAt(lf - 1) === 13 ? lf - 1 : lf, next: lf + 1 };
}

/** Whether the line [from, end) is `word` followed by nothing but whitespace. */
function lineIs(text: string, from: number, end: number, word: string): boolean {
  if (end - from < word.length || !text.startsWith(word, from)) return false;
  for (let i = from + word.length; i < end; i += 1) if (!/\s/.test(text[i])) return false;
  return true;
}

function splitMultipart(body: string, boundary: string): MimePart[] {
  const delimiter = `--${boundary}`;
  const closing = `${delimiter}--`;
  const parts: MimePart[] = [];
  // Start of the current part's first line, and the end of its last line seen so far (-1: not inside a part).
  let partStart = -1;
  let partEnd = -1;
  for (let pos = 0; pos <= body.length; ) {
    const { end, next } = lineAt(body, pos);
    if (lineIs(body, pos, end, closing)) {
      if (partStart !== -1) parts.push(parseMimePart(body, partStart, partEnd));
      return parts;
    }
    if (lineIs(body, pos, end, delimiter)) {
      if (partStart !== -1) parts.push(parseMimePart(body, partStart, partEnd));
      partStart = next;
      partEnd = next;
    } else if (partStart !== -1) {
      partEnd = end;
    }
    pos = next;
  }
  throw new BatchParseError(`Multipart body is missing its closing delimiter ${delimiter}--`);
}

/** Headers up to the first empty line of [from, to), the rest is the body. */
function parseMimePart(text: string, from: number, to: number): MimePart {
  const headers: Record<string, string> = {};
  for (let pos = from; pos <= to && from < to; ) {
    const { end, next } = lineAt(text, pos);
    const lineEnd = Math.min(end, to);
    if (lineEnd === pos) return { headers, body: normaliseLineEnds(text.slice(next, Math.max(next, to))) };
    addHeader(headers, text.slice(pos, lineEnd));
    pos = next;
  }
  return { headers, body: "" };
}

function addHeader(headers: Record<string, string>, line: string): void {
  const colon = line.indexOf(":");
  if (colon <= 0) return;
  headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
}

function normaliseLineEnds(text: string): string {
  return /(^|[^\r])\n/.test(text) ? text.replace(/\r?\n/g, "\r\n") : text;
}

function headerValue(headers: Record<string, string>, name: string): string | null {
  return headers[name.toLowerCase()] ?? null;
}

function parseHttpPart(text: string, contentId: string | null): ParsedHttpResponse {
  let pos = 0;
  let line = lineAt(text, pos);
  while (pos < text.length && line.end === pos) {
    pos = line.next;
    line = lineAt(text, pos);
  }
  const statusLine = pos < text.length ? text.slice(pos, line.end) : "";
  const match = /^HTTP\/\d(?:\.\d)?\s+(\d{3})\s*(.*)$/.exec(statusLine.trim());
  if (!match) throw new BatchParseError(`Not an HTTP response line: ${JSON.stringify(statusLine.slice(0, 100))}`);
  const headers: Record<string, string> = {};
  let body = "";
  for (pos = line.next; pos <= text.length; ) {
    const { end, next } = lineAt(text, pos);
    if (end === pos) {
      body = normaliseLineEnds(text.slice(Math.min(next, text.length))).trim();
      break;
    }
    addHeader(headers, text.slice(pos, end));
    pos = next;
  }
  return { status: Number(match[1]), statusText: match[2], headers, body, contentId: contentId ?? headers["content-id"] ?? null };
}
