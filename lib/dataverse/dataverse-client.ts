import { AsyncLocalStorage } from "node:async_hooks";
import type { BatchItem, BatchOperation } from "./batch-builder.ts";
import { executeBatch, type BatchOperationResult, type BatchOptions } from "./batch-executor.ts";
import { parseDataverseConfig, webApiBase, type DataverseConfig, type DataverseConfigInput } from "./dataverse-config.ts";
import { DataverseError } from "./dataverse-error.ts";
import {
  createOperation,
  deleteOperation,
  idFromEntityUrl,
  idFromKey,
  primaryKeyOf,
  retrieveOperation,
  updateOperation,
  upsertOperation,
  type CreateOptions,
  type DeleteOptions,
  type RetrieveOptions,
  type UpdateOptions,
  type UpsertOptions,
} from "./entity-operations.ts";
import { DataverseHttp, parseJson, type DataverseResponse, type FetchLike, type DataverseStats, type RetryEvent } from "./http-core.ts";
import { buildQueryString, entitySetName, escapeString, type EntityKey, type QueryOptions } from "./odata-query.ts";
import {
  attributeCollectionSchema,
  collectionPageSchema,
  deletedEntitySchema,
  entitySchema,
  whoAmISchema,
  type Entity,
} from "./response-schemas.ts";
import { createMsalTokenProvider, type TokenProvider } from "./token-provider.ts";

export type WriteResult = {
  status: number;
  // GUID of the record when known (body, OData-EntityId, or the GUID key used).
  id: string | null;
  entityUrl: string | null;
  etag: string | null;
  entity: Entity | null;
  // true/false when the answer says so (201 vs 200 with representation); null when a 204 does not tell.
  created: boolean | null;
};

export type Page = { value: Entity[]; count: number | null; nextLink: string | null };

export type DeletedRecord = { id: string; reason: string };
export type DeltaPage = {
  upserts: Entity[];
  deletes: DeletedRecord[];
  // Present on the last page only; persist it after the whole chain has been processed (reference §6).
  deltaLink: string | null;
  nextLink: string | null;
};

export type PageOptions = { pageSize?: number; includeAnnotations?: string; signal?: AbortSignal };

export type AttributeInfo = {
  logicalName: string;
  type: string;
  maxLength: number | null;
  isValidForCreate: boolean | null;
  isValidForUpdate: boolean | null;
  targets: string[];
};

export type CallOptions = { signal?: AbortSignal };

/** Web API requests sent inside one `countRequests` scope (retries included, token requests not), like `stats.requests`. */
export type RequestTally = { requests: number };

type TallyScope = { client: DataverseClient; tally: RequestTally };

// One client serves every run of a worker at once, so a delta of its global counter would also count the requests of
// the runs next to it. A scope follows the async calls of the code it wraps, whatever they run concurrently with.
const tallyScopes = new AsyncLocalStorage<readonly TallyScope[]>();

export type DataverseClientOptions = {
  tokenProvider?: TokenProvider;
  fetch?: FetchLike;
  onRetry?: (event: RetryEvent) => void;
};

export class DataverseClient {
  readonly config: DataverseConfig;
  readonly http: DataverseHttp;

  constructor(config: DataverseConfigInput, options: DataverseClientOptions = {}) {
    this.config = parseDataverseConfig(config);
    const send = options.fetch ?? fetch;
    this.http = new DataverseHttp({
      webApiBase: webApiBase(this.config),
      tokenProvider: options.tokenProvider ?? createMsalTokenProvider(this.config),
      limits: this.config.limits,
      // Every Web API request (and retry) goes through this fetch right where stats.requests counts it.
      fetch: (url, init) => {
        for (const scope of tallyScopes.getStore() ?? []) if (scope.client === this) scope.tally.requests += 1;
        return send(url, init);
      },
      onRetry: options.onRetry,
    });
  }

  get stats(): DataverseStats {
    return this.http.stats;
  }

  /**
   * Runs `work` and counts in `tally` the requests this client sends on its behalf — exactly those, even while other
   * work uses the same client concurrently. Scopes nest: an enclosing scope counts the inner scope's requests too.
   */
  countRequests<T>(tally: RequestTally, work: () => Promise<T>): Promise<T> {
    const outer = tallyScopes.getStore() ?? [];
    return tallyScopes.run([...outer, { client: this, tally }], work);
  }

  // --- single-record operations -------------------------------------------------------------------------------

  async create(entitySet: string, body: Entity, options: CreateOptions & CallOptions = {}): Promise<WriteResult> {
    const op = createOperation(entitySet, body, options);
    const result = this.writeResult(entitySet, await this.sendOperation(op, options.signal), options.id ?? null);
    return { ...result, created: true };
  }

  async retrieve(entitySet: string, key: EntityKey, options: RetrieveOptions & CallOptions = {}): Promise<Entity> {
    const response = await this.sendOperation(retrieveOperation(entitySet, key, options), options.signal);
    return entitySchema.parse(parseJson(response));
  }

  // null instead of a notFound error: the usual question of a sync engine is "does it still exist?".
  async tryRetrieve(entitySet: string, key: EntityKey, options: RetrieveOptions & CallOptions = {}): Promise<Entity | null> {
    try {
      return await this.retrieve(entitySet, key, options);
    } catch (error) {
      if (error instanceof DataverseError && error.retryClass === "notFound") return null;
      throw error;
    }
  }

  async update(entitySet: string, key: EntityKey, body: Entity, options: UpdateOptions & CallOptions = {}): Promise<WriteResult> {
    const response = await this.sendOperation(updateOperation(entitySet, key, body, options), options.signal);
    return { ...this.writeResult(entitySet, response, idFromKey(key)), created: false };
  }

  async upsert(entitySet: string, key: EntityKey, body: Entity, options: UpsertOptions & CallOptions = {}): Promise<WriteResult> {
    const response = await this.sendOperation(upsertOperation(entitySet, key, body, options), options.signal);
    const result = this.writeResult(entitySet, response, idFromKey(key));
    if (response.status === 201) return { ...result, created: true };
    if (response.status === 200) return { ...result, created: false };
    if (options.mode === "createOnly") return { ...result, created: true };
    if (options.mode === "updateOnly") return { ...result, created: false };
    return result;
  }

  async delete(entitySet: string, key: EntityKey, options: DeleteOptions & CallOptions = {}): Promise<void> {
    await this.sendOperation(deleteOperation(entitySet, key, options), options.signal);
  }

  // --- queries ------------------------------------------------------------------------------------------------

  // Pages of a query, following @odata.nextLink unchanged and resending the same Prefer each time (reference §3.4).
  async *queryPages(entitySet: string, query: QueryOptions = {}, options: PageOptions = {}): AsyncGenerator<Page> {
    const prefer: string[] = [];
    // $top is ignored by Dataverse when odata.maxpagesize is present, so only page when no $top is asked for.
    const pageSize = options.pageSize ?? (query.top === undefined ? this.config.limits.maxPageSize : undefined);
    if (pageSize !== undefined) prefer.push(`odata.maxpagesize=${pageSize}`);
    if (options.includeAnnotations) prefer.push(`odata.include-annotations="${options.includeAnnotations}"`);
    let path: string | null = entitySetName(entitySet) + buildQueryString(query);
    while (path) {
      const response = await this.http.send({ method: "GET", path, prefer, signal: options.signal });
      const page = collectionPageSchema.parse(parseJson(response));
      const nextLink = page["@odata.nextLink"] ?? null;
      yield { value: page.value, count: page["@odata.count"] ?? null, nextLink };
      path = nextLink;
    }
  }

  async *queryRows(entitySet: string, query: QueryOptions = {}, options: PageOptions = {}): AsyncGenerator<Entity> {
    for await (const page of this.queryPages(entitySet, query, options)) yield* page.value;
  }

  async queryAll(entitySet: string, query: QueryOptions = {}, options: PageOptions = {}): Promise<Entity[]> {
    const rows: Entity[] = [];
    for await (const row of this.queryRows(entitySet, query, options)) rows.push(row);
    return rows;
  }

  async count(entitySet: string, options: CallOptions = {}): Promise<number> {
    const response = await this.http.send({ method: "GET", path: `${entitySetName(entitySet)}/$count`, signal: options.signal });
    const text = response.bodyText.replace(/^\uFEFF/, "").trim();
    const value = Number(text);
    if (!Number.isInteger(value)) throw new DataverseError({ status: response.status, code: "InvalidCount", message: `Unexpected $count answer: ${text.slice(0, 50)}`, retryClass: "invalid" });
    return value;
  }

  // Change tracking (reference §6). Without a deltaLink this is the initial read (every row, then a deltaLink);
  // with one it returns what changed since. An expired link throws ChangeTrackingExpiredError: run a full read.
  async *changes(entitySet: string, options: { select?: string[]; deltaLink?: string | null; pageSize?: number; signal?: AbortSignal } = {}): AsyncGenerator<DeltaPage> {
    const prefer = ["odata.track-changes", `odata.maxpagesize=${options.pageSize ?? this.config.limits.maxPageSize}`];
    let path: string | null = options.deltaLink ?? entitySetName(entitySet) + buildQueryString({ select: options.select });
    while (path) {
      const response = await this.http.send({ method: "GET", path, prefer, signal: options.signal });
      const page = collectionPageSchema.parse(parseJson(response));
      const upserts: Entity[] = [];
      const deletes: DeletedRecord[] = [];
      for (const row of page.value) {
        const deleted = deletedEntitySchema.safeParse(row);
        if (deleted.success) deletes.push({ id: deleted.data.id, reason: deleted.data.reason ?? "deleted" });
        else upserts.push(row);
      }
      const nextLink = page["@odata.nextLink"] ?? null;
      const deltaLink = page["@odata.deltaLink"] ?? null;
      yield { upserts, deletes, deltaLink, nextLink };
      path = nextLink;
    }
  }

  // --- $batch -------------------------------------------------------------------------------------------------

  // One typed result per operation, in order. More than maxOperationsPerBatch operations are split into several
  // $batch requests sent with bounded concurrency; change sets are never split.
  executeBatch(items: BatchItem[], options: BatchOptions = {}): Promise<BatchOperationResult[]> {
    return executeBatch(this.http, items, options);
  }

  // --- metadata -----------------------------------------------------------------------------------------------

  async getAttributes(entityLogicalName: string, signal?: AbortSignal): Promise<AttributeInfo[]> {
    const path = `EntityDefinitions(LogicalName=${encodeURIComponent(escapeString(entityLogicalName))})/Attributes`;
    const response = await this.http.send({ method: "GET", path, signal });
    const parsed = attributeCollectionSchema.parse(parseJson(response));
    return parsed.value.map((a) => ({
      logicalName: a.LogicalName,
      type: a.AttributeTypeName?.Value ?? a.AttributeType ?? "Unknown",
      maxLength: a.MaxLength ?? null,
      isValidForCreate: a.IsValidForCreate ?? null,
      isValidForUpdate: a.IsValidForUpdate ?? null,
      targets: a.Targets ?? [],
    }));
  }

  async whoAmI(signal?: AbortSignal): Promise<{ userId: string; businessUnitId: string | null; organizationId: string | null }> {
    const response = await this.http.send({ method: "GET", path: "WhoAmI", signal });
    const parsed = whoAmISchema.parse(parseJson(response));
    return { userId: parsed.UserId, businessUnitId: parsed.BusinessUnitId ?? null, organizationId: parsed.OrganizationId ?? null };
  }

  // --- internals ----------------------------------------------------------------------------------------------

  private sendOperation(op: BatchOperation, signal?: AbortSignal): Promise<DataverseResponse> {
    return this.http.send({ method: op.method, path: op.url, headers: op.headers, body: op.body, signal });
  }

  private writeResult(entitySet: string, response: DataverseResponse, knownId: string | null): WriteResult {
    const json = response.bodyText ? parseJson(response) : undefined;
    const entity = json === undefined ? null : entitySchema.parse(json);
    const entityUrl = response.headers.get("OData-EntityId");
    const pk = primaryKeyOf(entitySet);
    const bodyId = entity && typeof entity[pk] === "string" ? (entity[pk] as string) : null;
    const bodyEtag = entity && typeof entity["@odata.etag"] === "string" ? (entity["@odata.etag"] as string) : null;
    return {
      status: response.status,
      id: bodyId ?? idFromEntityUrl(entityUrl) ?? knownId,
      entityUrl,
      etag: response.headers.get("ETag") ?? bodyEtag,
      entity,
      created: null,
    };
  }
}
