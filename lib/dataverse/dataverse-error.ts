import { errorBodySchema } from "./response-schemas.ts";

export type RetryClass = "throttled" | "transient" | "conflict" | "notFound" | "invalid" | "auth";

// Dataverse error codes the engine reacts to (reference §5).
export const dataverseErrorCodes = {
  objectDoesNotExist: "0x80040217",
  duplicateRecord: "0x80040237",
  duplicateRecordEntityKey: "0x80060892",
  concurrencyVersionMismatch: "0x80060882",
  duplicateRecordsFound: "0x80040333",
  validation: "0x80044331",
  expiredVersionStamp: "0x80044352",
  changeTrackingNotEnabled: "0x80072491",
  throttledRequests: "0x80072322",
  throttledExecutionTime: "0x80072321",
  throttledConcurrency: "0x80072326",
} as const;

// Codes that come back with 5xx yet will fail again on retry.
const permanentServerCodes = new Set<string>([dataverseErrorCodes.duplicateRecordsFound]);

export function classifyStatus(status: number, code = ""): RetryClass {
  if (status === 0) return "transient";
  if (status === 429) return "throttled";
  if (status === 401 || status === 403) return "auth";
  if (status === 404) return "notFound";
  if (status === 412) return "conflict";
  if (code === dataverseErrorCodes.duplicateRecord || code === dataverseErrorCodes.duplicateRecordEntityKey) return "conflict";
  if (status === 408) return "transient";
  if (status >= 500 && status !== 501 && !permanentServerCodes.has(code)) return "transient";
  return "invalid";
}

export class DataverseError extends Error {
  readonly status: number;
  readonly code: string;
  readonly retryClass: RetryClass;
  readonly retryAfterMs: number | null;
  readonly method: string | undefined;
  readonly url: string | undefined;
  readonly body: unknown;

  constructor(init: {
    status: number;
    code?: string;
    message: string;
    retryClass?: RetryClass;
    retryAfterMs?: number | null;
    method?: string;
    url?: string;
    body?: unknown;
    cause?: unknown;
  }) {
    super(init.message, { cause: init.cause });
    this.name = "DataverseError";
    this.status = init.status;
    this.code = init.code ?? "";
    this.retryClass = init.retryClass ?? classifyStatus(init.status, this.code);
    this.retryAfterMs = init.retryAfterMs ?? null;
    this.method = init.method;
    this.url = init.url;
    this.body = init.body;
  }

  get isRetryable(): boolean {
    return this.retryClass === "throttled" || this.retryClass === "transient";
  }
}

// The engine catches this one specifically: the delta link is too old, drop it and run a full read (reference §6).
export class ChangeTrackingExpiredError extends DataverseError {
  constructor(init: ConstructorParameters<typeof DataverseError>[0]) {
    super({ ...init, retryClass: "invalid" });
    this.name = "ChangeTrackingExpiredError";
  }
}

// The token endpoint refused or could not be reached; a Dataverse 401 retry would not help.
export class TokenAcquisitionError extends DataverseError {
  constructor(init: ConstructorParameters<typeof DataverseError>[0]) {
    super(init);
    this.name = "TokenAcquisitionError";
  }
}

export function isChangeTrackingExpired(error: unknown): error is ChangeTrackingExpiredError {
  return error instanceof ChangeTrackingExpiredError;
}

// Turns an HTTP error response (status, headers, body text) into a typed error. Bodies that are not Dataverse's
// JSON error shape (proxies, HTML error pages) still produce a usable error with the status text.
export function errorFromResponse(input: {
  status: number;
  statusText?: string;
  headers?: Headers | Record<string, string>;
  bodyText: string;
  method?: string;
  url?: string;
}): DataverseError {
  const { code, message, body } = parseErrorBody(input.bodyText);
  const retryAfterHeader = readHeader(input.headers, "retry-after");
  const init = {
    status: input.status,
    code,
    message: message || `${input.status} ${input.statusText ?? ""}`.trim(),
    retryAfterMs: parseRetryAfterMs(retryAfterHeader),
    method: input.method,
    url: input.url,
    body,
  };
  // Older documentation samples carry an empty code, so the message is checked too.
  if (code === dataverseErrorCodes.expiredVersionStamp || /version stamp associated with the client has expired/i.test(message)) {
    return new ChangeTrackingExpiredError(init);
  }
  return new DataverseError(init);
}

export function parseErrorBody(bodyText: string): { code: string; message: string; body: unknown } {
  let json: unknown;
  try {
    json = bodyText ? JSON.parse(bodyText) : undefined;
  } catch {
    return { code: "", message: bodyText.slice(0, 500), body: bodyText };
  }
  const parsed = errorBodySchema.safeParse(json);
  if (!parsed.success) return { code: "", message: bodyText.slice(0, 500), body: json };
  return { code: parsed.data.error.code, message: parsed.data.error.message, body: json };
}

// Retry-After is an integer number of seconds on Dataverse; an HTTP date is accepted too (RFC 9110).
export function parseRetryAfterMs(value: string | null | undefined, now = Date.now()): number | null {
  if (value === null || value === undefined || value.trim() === "") return null;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return null;
  return Math.max(0, date - now);
}

function readHeader(headers: Headers | Record<string, string> | undefined, name: string): string | null {
  if (!headers) return null;
  if (headers instanceof Headers) return headers.get(name);
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key === undefined ? null : headers[key];
}

export function networkError(cause: unknown, method: string, url: string, timedOut: boolean): DataverseError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new DataverseError({
    status: 0,
    code: timedOut ? "Timeout" : "NetworkError",
    message: timedOut ? `Request timed out: ${method} ${url}` : `Network error on ${method} ${url}: ${reason}`,
    retryClass: "transient",
    method,
    url,
    cause,
  });
}
