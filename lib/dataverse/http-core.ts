import { computeBackoffMs, sleep, throttleFallbackMs } from "./backoff.ts";
import type { DataverseLimits } from "./dataverse-config.ts";
import { DataverseError, errorFromResponse, networkError, parseRetryAfterMs, TokenAcquisitionError } from "./dataverse-error.ts";
import { RequestGate } from "./request-gate.ts";
import type { TokenProvider } from "./token-provider.ts";

export type HttpMethod = "GET" | "POST" | "PATCH" | "PUT" | "DELETE";

export type DataverseRequest = {
  method: HttpMethod;
  // Relative to the Web API base ("accounts(…)"), or an absolute URL on the same origin (nextLink, deltaLink).
  path: string;
  headers?: Record<string, string>;
  prefer?: string[];
  // JSON-serialised unless it is a string (then sent as-is with the caller's Content-Type).
  body?: unknown;
  signal?: AbortSignal;
  timeoutMs?: number;
  // Lets a non-2xx answer through as a response, e.g. a $batch 400 whose multipart body holds per-operation results.
  acceptResponse?: (status: number, headers: Headers) => boolean;
};

export type DataverseResponse = {
  status: number;
  headers: Headers;
  bodyText: string;
  url: string;
};

export type DataverseStats = {
  // HTTP requests sent to the Web API, retries included (token requests are not counted).
  requests: number;
  retries: number;
  throttled: number;
  transientFailures: number;
  authRefreshes: number;
};

export type RetryEvent = {
  method: string;
  url: string;
  attempt: number;
  delayMs: number;
  error: DataverseError;
};

// The client only ever calls fetch with a URL string; a narrow type lets tests wrap it without DOM/undici type clashes.
export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

export type HttpCoreOptions = {
  webApiBase: string;
  tokenProvider: TokenProvider;
  limits: DataverseLimits;
  fetch?: FetchLike;
  random?: () => number;
  onRetry?: (event: RetryEvent) => void;
};

export class DataverseHttp {
  readonly stats: DataverseStats = { requests: 0, retries: 0, throttled: 0, transientFailures: 0, authRefreshes: 0 };
  readonly gate: RequestGate;
  readonly webApiBase: string;
  private readonly origin: string;
  private readonly fetchImpl: FetchLike;

  constructor(private readonly options: HttpCoreOptions) {
    this.webApiBase = options.webApiBase.endsWith("/") ? options.webApiBase : `${options.webApiBase}/`;
    this.origin = new URL(this.webApiBase).origin;
    this.gate = new RequestGate(options.limits.maxConcurrentRequests);
    this.fetchImpl = options.fetch ?? fetch;
  }

  get limits(): DataverseLimits {
    return this.options.limits;
  }

  resolveUrl(path: string): string {
    if (/^https?:\/\//i.test(path)) {
      // Links come from the server; refusing foreign origins keeps the bearer token from leaking.
      if (new URL(path).origin !== this.origin) throw new DataverseError({ status: 0, code: "ForeignUrl", message: `Refusing to send a request to ${path}`, retryClass: "invalid" });
      return path;
    }
    return this.webApiBase + path.replace(/^\/+/, "");
  }

  // Sends one request with the policy of reference §8: shared Retry-After gate, concurrency cap, backoff with jitter
  // for 5xx and network errors, one token refresh on 401. Non-2xx answers become DataverseError.
  async send(request: DataverseRequest): Promise<DataverseResponse> {
    const url = this.resolveUrl(request.path);
    const limits = this.options.limits;
    let transientAttempts = 0;
    let throttleAttempts = 0;
    let refreshedToken = false;

    for (;;) {
      const outcome = await this.attempt(request, url, throttleAttempts + 1);
      if (!(outcome instanceof DataverseError)) return outcome;
      const error = outcome;
      if (request.signal?.aborted) throw error;

      if (error.status === 401 && !(error instanceof TokenAcquisitionError) && !refreshedToken) {
        refreshedToken = true;
        this.options.tokenProvider.invalidate();
        this.stats.authRefreshes += 1;
        this.stats.retries += 1;
        continue;
      }
      if (error.retryClass === "throttled") {
        this.stats.throttled += 1;
        throttleAttempts += 1;
        if (throttleAttempts > limits.maxThrottleRetries) throw error;
        const delayMs = error.retryAfterMs ?? throttleFallbackMs(throttleAttempts, limits.backoffMaxMs);
        // Every caller of this client waits, not only this one: the gate (already closed in attempt()) holds new
        // sends until the instant passes.
        this.gate.pauseFor(delayMs);
        this.stats.retries += 1;
        this.options.onRetry?.({ method: request.method, url, attempt: throttleAttempts, delayMs, error });
        continue;
      }
      if (error.retryClass === "transient") {
        this.stats.transientFailures += 1;
        transientAttempts += 1;
        if (transientAttempts > limits.maxRetries) throw error;
        const delayMs = computeBackoffMs(transientAttempts, { baseMs: limits.backoffBaseMs, maxMs: limits.backoffMaxMs }, this.options.random);
        this.stats.retries += 1;
        this.options.onRetry?.({ method: request.method, url, attempt: transientAttempts, delayMs, error });
        await sleep(delayMs, request.signal);
        continue;
      }
      throw error;
    }
  }

  private async attempt(request: DataverseRequest, url: string, throttleAttempt: number): Promise<DataverseResponse | DataverseError> {
    const release = await this.gate.acquire(request.signal);
    try {
      let token: string;
      try {
        token = await this.options.tokenProvider.getToken();
      } catch (error) {
        if (error instanceof DataverseError) return error;
        throw error;
      }
      const headers = this.buildHeaders(request, token);
      const body = request.body === undefined ? undefined : typeof request.body === "string" ? request.body : JSON.stringify(request.body);
      // A 429 may have arrived while we waited for the token. The check and the send run in one synchronous step,
      // so no pause set by another caller can slip in between.
      while (this.gate.pausedUntil > Date.now()) await this.gate.waitUntilOpen(request.signal);
      const timeoutSignal = AbortSignal.timeout(request.timeoutMs ?? this.options.limits.requestTimeoutMs);
      const signal = request.signal ? AbortSignal.any([request.signal, timeoutSignal]) : timeoutSignal;
      this.stats.requests += 1;
      let response: Response;
      let bodyText: string;
      try {
        response = await this.fetchImpl(url, { method: request.method, headers, body, signal });
        // Close the gate the moment a 429 is seen, before this slot is released or the body is read.
        if (response.status === 429) {
          const retryAfterMs = parseRetryAfterMs(response.headers.get("retry-after"));
          this.gate.pauseFor(retryAfterMs ?? throttleFallbackMs(throttleAttempt, this.options.limits.backoffMaxMs));
          this.gate.onThrottled();
        } else if (response.status < 500) {
          this.gate.onSuccess();
        }
        bodyText = await response.text();
      } catch (error) {
        if (request.signal?.aborted) throw request.signal.reason;
        return networkError(error, request.method, url, timeoutSignal.aborted);
      }
      if (response.status >= 200 && response.status < 300) return { status: response.status, headers: response.headers, bodyText, url };
      if (response.status === 304 || request.acceptResponse?.(response.status, response.headers)) {
        return { status: response.status, headers: response.headers, bodyText, url };
      }
      return errorFromResponse({ status: response.status, statusText: response.statusText, headers: response.headers, bodyText, method: request.method, url });
    } finally {
      release();
    }
  }

  private buildHeaders(request: DataverseRequest, token: string): Record<string, string> {
    const headers: Record<string, string> = {
      Accept: "application/json",
      "OData-MaxVersion": "4.0",
      "OData-Version": "4.0",
      Authorization: `Bearer ${token}`,
    };
    // Recommended on reads to defeat caching of expanded collections (reference §2); writes carry their own conditions.
    if (request.method === "GET") headers["If-None-Match"] = "null";
    if (request.body !== undefined && typeof request.body !== "string") headers["Content-Type"] = "application/json; charset=utf-8";
    if (request.prefer?.length) headers.Prefer = request.prefer.join(",");
    return { ...headers, ...request.headers };
  }
}

export function parseJson(response: DataverseResponse): unknown {
  if (!response.bodyText) return undefined;
  const text = response.bodyText.charCodeAt(0) === 0xfeff ? response.bodyText.slice(1) : response.bodyText;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new DataverseError({ status: response.status, code: "InvalidJson", message: `Response from ${response.url} is not JSON`, retryClass: "invalid", cause: error, body: response.bodyText.slice(0, 500) });
  }
}
