import type { HttpMethod } from "./http-core.ts";

// A single request inside a $batch. `url` is relative to the Web API base ("accounts(…)") or a Content-ID
// reference ("$1", "$1/primarycontactid/$ref").
export type BatchOperation = {
  method: HttpMethod;
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
  // Only sent inside a change set (Content-ID outside one has no meaning in Dataverse); assigned when absent.
  contentId?: string;
};

export type BatchChangeSet = { changeSet: BatchOperation[] };
export type BatchItem = BatchOperation | BatchChangeSet;

export function isChangeSet(item: BatchItem): item is BatchChangeSet {
  return "changeSet" in item;
}

export function countOperations(items: BatchItem[]): number {
  return items.reduce((n, item) => n + (isChangeSet(item) ? item.changeSet.length : 1), 0);
}

export type BuiltBatch = {
  boundary: string;
  contentType: string;
  body: string;
  // Content-IDs actually used, per item (null for operations outside change sets).
  contentIds: Array<string[] | null>;
};

const CRLF = "\r\n";

function randomBoundaryId(): string {
  return crypto.randomUUID();
}

// Builds a multipart/mixed $batch body (reference §7). Every line ends with CRLF, including the last one:
// Dataverse rejects bodies without the final CRLF ("Stream was not readable").
export function buildBatch(items: BatchItem[], options: { apiPath: string; boundaryId?: () => string }): BuiltBatch {
  const makeId = options.boundaryId ?? randomBoundaryId;
  const boundary = `batch_${makeId()}`;
  const apiPath = options.apiPath.endsWith("/") ? options.apiPath : `${options.apiPath}/`;
  const used = new Set<string>();
  for (const item of items) {
    if (!isChangeSet(item)) continue;
    for (const op of item.changeSet) if (op.contentId) used.add(op.contentId);
  }
  let nextId = 1;
  const allocateId = () => {
    while (used.has(String(nextId))) nextId += 1;
    const id = String(nextId);
    used.add(id);
    return id;
  };

  const lines: string[] = [];
  const contentIds: Array<string[] | null> = [];
  for (const item of items) {
    lines.push(`--${boundary}`);
    if (!isChangeSet(item)) {
      lines.push(...operationPart(item, apiPath, null));
      contentIds.push(null);
      continue;
    }
    if (item.changeSet.length === 0) throw new Error("A change set needs at least one operation");
    const changeSetBoundary = `changeset_${makeId()}`;
    const ids: string[] = [];
    lines.push(`Content-Type: multipart/mixed; boundary=${changeSetBoundary}`, "");
    for (const op of item.changeSet) {
      if (op.method === "GET") throw new Error("GET is not allowed inside a change set");
      const id = op.contentId ?? allocateId();
      ids.push(id);
      lines.push(`--${changeSetBoundary}`, ...operationPart(op, apiPath, id));
    }
    lines.push(`--${changeSetBoundary}--`);
    contentIds.push(ids);
  }
  lines.push(`--${boundary}--`, "");
  return { boundary, contentType: `multipart/mixed; boundary=${boundary}`, body: lines.join(CRLF), contentIds };
}

function operationPart(op: BatchOperation, apiPath: string, contentId: string | null): string[] {
  const lines = ["Content-Type: application/http", "Content-Transfer-Encoding: binary"];
  if (contentId !== null) lines.push(`Content-ID: ${contentId}`);
  lines.push("");
  const target = op.url.startsWith("$") || /^https?:\/\//i.test(op.url) ? op.url : apiPath + op.url.replace(/^\/+/, "");
  lines.push(`${op.method} ${target} HTTP/1.1`);
  const headers: Record<string, string> = { ...op.headers };
  const hasBody = op.body !== undefined;
  if (hasBody && !Object.keys(headers).some((h) => h.toLowerCase() === "content-type")) {
    headers["Content-Type"] = "application/json; type=entry";
  }
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  lines.push("");
  lines.push(hasBody ? (typeof op.body === "string" ? op.body : JSON.stringify(op.body)) : "");
  return lines;
}

// Splits items into batches of at most maxOperations operations without ever splitting a change set.
export function splitBatchItems(items: BatchItem[], maxOperations: number): BatchItem[][] {
  const batches: BatchItem[][] = [];
  let current: BatchItem[] = [];
  let count = 0;
  for (const item of items) {
    const size = isChangeSet(item) ? item.changeSet.length : 1;
    if (size > maxOperations) throw new Error(`A change set of ${size} operations exceeds the limit of ${maxOperations} per batch`);
    if (count + size > maxOperations) {
      batches.push(current);
      current = [];
      count = 0;
    }
    current.push(item);
    count += size;
  }
  if (current.length) batches.push(current);
  return batches;
}
