import { computeBackoffMs, sleep } from "./backoff.ts";
import { buildBatch, isChangeSet, splitBatchItems, type BatchItem, type BatchOperation } from "./batch-builder.ts";
import { parseBatchResponse, type ParsedBatchPart, type ParsedHttpResponse } from "./batch-parser.ts";
import { DataverseError, errorFromResponse } from "./dataverse-error.ts";
import { idFromEntityUrl } from "./entity-operations.ts";
import type { DataverseHttp } from "./http-core.ts";

export type BatchOperationResult = {
  // Position of the operation in the flattened list of operations given to executeBatch.
  index: number;
  operation: BatchOperation;
  contentId: string | null;
  // false when the server never ran it (an earlier failure stopped the batch, or its change set was rolled back).
  executed: boolean;
  status: number;
  headers: Record<string, string>;
  body: unknown;
  entityId: string | null;
  etag: string | null;
  error: DataverseError | null;
};

export type BatchOptions = {
  // Dataverse stops at the first failure unless asked to continue; a sync engine wants every result.
  continueOnError?: boolean;
  // Re-send operations whose own result was throttled or transient (outside change sets: the whole change set).
  retryFailedOperations?: boolean;
  signal?: AbortSignal;
};

type Slot = { index: number; operation: BatchOperation };
type PlannedItem = { kind: "single"; slot: Slot } | { kind: "changeSet"; slots: Slot[] };

export async function executeBatch(http: DataverseHttp, items: BatchItem[], options: BatchOptions = {}): Promise<BatchOperationResult[]> {
  const continueOnError = options.continueOnError ?? true;
  const retryFailed = options.retryFailedOperations ?? true;
  const limits = http.limits;

  let index = 0;
  const planned: PlannedItem[] = items.map((item) =>
    isChangeSet(item)
      ? { kind: "changeSet", slots: item.changeSet.map((operation) => ({ index: index++, operation })) }
      : { kind: "single", slot: { index: index++, operation: item } },
  );
  const results: BatchOperationResult[] = new Array(index);

  let pending = planned;
  for (let round = 0; ; round += 1) {
    const chunks = splitPlanned(pending, limits.maxOperationsPerBatch);
    await runWithConcurrency(chunks, limits.batchConcurrency, async (chunk) => {
      const chunkResults = await sendOneBatch(http, chunk, continueOnError, options.signal);
      for (const result of chunkResults) results[result.index] = result;
    });
    if (!retryFailed || round >= limits.maxRetries) break;
    pending = pending.filter((item) => slotsOf(item).some((slot) => results[slot.index].error?.isRetryable));
    if (pending.length === 0) break;
    const retryAfterMs = Math.max(0, ...pending.flatMap((item) => slotsOf(item).map((slot) => results[slot.index].error?.retryAfterMs ?? 0)));
    if (retryAfterMs > 0) http.gate.pauseFor(retryAfterMs);
    else await sleep(computeBackoffMs(round + 1, { baseMs: limits.backoffBaseMs, maxMs: limits.backoffMaxMs }), options.signal);
    http.stats.retries += 1;
  }
  return results;
}

function slotsOf(item: PlannedItem): Slot[] {
  return item.kind === "single" ? [item.slot] : item.slots;
}

function splitPlanned(planned: PlannedItem[], maxOperations: number): PlannedItem[][] {
  const asItems = planned.map((p) => (p.kind === "single" ? p.slot.operation : { changeSet: p.slots.map((s) => s.operation) }));
  const split = splitBatchItems(asItems, maxOperations);
  const chunks: PlannedItem[][] = [];
  let offset = 0;
  for (const chunk of split) {
    chunks.push(planned.slice(offset, offset + chunk.length));
    offset += chunk.length;
  }
  return chunks;
}

/** Runs `run` over the items, at most `concurrency` at a time, each started in the items' order. */
export async function runWithConcurrency<T>(work: T[], concurrency: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(concurrency, work.length) }, async () => {
    while (next < work.length) {
      const item = work[next++];
      await run(item);
    }
  });
  await Promise.all(workers);
}

async function sendOneBatch(http: DataverseHttp, planned: PlannedItem[], continueOnError: boolean, signal?: AbortSignal): Promise<BatchOperationResult[]> {
  const apiPath = new URL(http.webApiBase).pathname;
  const items: BatchItem[] = planned.map((p) => (p.kind === "single" ? p.slot.operation : { changeSet: p.slots.map((s) => s.operation) }));
  const built = buildBatch(items, { apiPath });
  let parts: ParsedBatchPart[];
  let batchFailure: DataverseError | null = null;
  try {
    const response = await http.send({
      method: "POST",
      path: "$batch",
      headers: { "Content-Type": built.contentType },
      prefer: continueOnError ? ["odata.continue-on-error"] : undefined,
      body: built.body,
      signal,
      acceptResponse: (status, headers) => status === 400 && /^multipart\/mixed/i.test(headers.get("content-type") ?? ""),
    });
    parts = parseBatchResponse(response.bodyText, response.headers.get("content-type") ?? "");
  } catch (error) {
    // The batch as a whole failed after the core's own retries: every operation reports that failure.
    if (!(error instanceof DataverseError)) throw error;
    batchFailure = error;
    parts = [];
  }

  const results: BatchOperationResult[] = [];
  planned.forEach((item, position) => {
    const part = parts[position];
    if (!part) {
      for (const slot of slotsOf(item)) results.push(notExecuted(slot, built.contentIds[position], batchFailure));
      return;
    }
    if (item.kind === "single") {
      const response = part.kind === "single" ? part.response : part.responses[0];
      results.push(resultFrom(item.slot, response, null));
      return;
    }
    const ids = built.contentIds[position] ?? [];
    if (part.kind === "single") {
      // One error part for the whole change set: it was rolled back, every operation in it failed.
      item.slots.forEach((slot, i) => {
        const result = resultFrom(slot, part.response, ids[i] ?? null);
        results.push({ ...result, executed: false });
      });
      return;
    }
    item.slots.forEach((slot, i) => {
      const id = ids[i] ?? null;
      const response = part.responses.find((r) => r.contentId !== null && r.contentId === id) ?? part.responses[i];
      results.push(response ? resultFrom(slot, response, id) : notExecuted(slot, ids, null));
    });
  });
  return results;
}

function notExecuted(slot: Slot, contentIds: string[] | null, cause: DataverseError | null): BatchOperationResult {
  const error =
    cause ??
    new DataverseError({ status: 0, code: "BatchNotExecuted", message: "Not executed: an earlier operation in the batch failed", retryClass: "transient" });
  return {
    index: slot.index,
    operation: slot.operation,
    contentId: contentIds?.[0] ?? null,
    executed: false,
    status: cause?.status ?? 0,
    headers: {},
    body: undefined,
    entityId: null,
    etag: null,
    error,
  };
}

function resultFrom(slot: Slot, response: ParsedHttpResponse, contentId: string | null): BatchOperationResult {
  let body: unknown = undefined;
  if (response.body) {
    try {
      body = JSON.parse(response.body);
    } catch {
      body = response.body;
    }
  }
  const ok = response.status >= 200 && response.status < 300;
  const error = ok
    ? null
    : errorFromResponse({ status: response.status, statusText: response.statusText, headers: response.headers, bodyText: response.body, method: slot.operation.method, url: slot.operation.url });
  const bodyEtag = body && typeof body === "object" && "@odata.etag" in body ? String((body as Record<string, unknown>)["@odata.etag"]) : null;
  return {
    index: slot.index,
    operation: slot.operation,
    contentId: response.contentId ?? contentId,
    executed: true,
    status: response.status,
    headers: response.headers,
    body,
    entityId: idFromEntityUrl(response.headers["odata-entityid"] ?? response.headers["location"]),
    etag: response.headers["etag"] ?? bodyEtag,
    error,
  };
}
