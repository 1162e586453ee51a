import { randomUUID } from "node:crypto";
import { z, ZodError } from "zod";
import { ActionError, fieldErrorsOf, type ActionErrorCode } from "../actions/action-result.ts";
import { inEnglish } from "../actions/message-locale.ts";
import { userForApiToken } from "../auth/api-tokens.ts";
import { assertPermission, getSessionUser, type SessionUser } from "../auth/authorize.ts";
import type { Permission } from "../auth/permissions.ts";
import { getDb } from "../db/db-client.ts";
import { hasNoNul } from "../erp/erp-fields.ts";
import { createLogger } from "../log/logger.ts";

// One wrapper for every /api route: authentication (bearer API token or the browser session), the permission
// check, zod-parsed input, and the single error envelope {error: {code, message, details?}}.

const log = createLogger("api");

const STATUS_BY_CODE: Record<ActionErrorCode | "internal", number> = {
  unauthenticated: 401,
  forbidden: 403,
  invalid: 400,
  not_found: 404,
  conflict: 409,
  rate_limited: 429,
  internal: 500,
};

export type ApiContext = { user: SessionUser; request: Request; requestId: string };

export function apiError(code: ActionErrorCode | "internal", message: string, details?: unknown, requestId?: string) {
  return Response.json(
    { error: { code, message, ...(details === undefined ? {} : { details }) } },
    { status: STATUS_BY_CODE[code], headers: requestId ? { "x-request-id": requestId } : undefined },
  );
}

async function authenticate(request: Request): Promise<SessionUser | null> {
  const header = request.headers.get("authorization");
  if (header?.toLowerCase().startsWith("bearer ")) return userForApiToken(getDb(), header.slice(7).trim());
  return getSessionUser();
}

export function apiRoute<RouteParams = unknown>(
  permission: Permission,
  handler: (ctx: ApiContext, route: { params: Promise<RouteParams> }) => Promise<Response>,
) {
  return async (request: Request, route: { params: Promise<RouteParams> }): Promise<Response> => {
    const requestId = request.headers.get("x-request-id") ?? randomUUID();
    try {
      const user = await authenticate(request);
      if (!user) return apiError("unauthenticated", "Missing or invalid API token.", undefined, requestId);
      assertPermission(user, permission);
      const params = await route.params;
      // PostgreSQL text cannot hold NUL, so a key containing one names no record (asking would fail the query).
      if (params && Object.values(params).some((v) => typeof v === "string" && !hasNoNul(v))) {
        return apiError("not_found", "No record has that key: a key cannot contain a NUL character.", undefined, requestId);
      }
      // The API answers in English whatever the token owner's language: its messages are for programs and logs.
      const response = await inEnglish(() => handler({ user, request, requestId }, { params: Promise.resolve(params) }));
      response.headers.set("x-request-id", requestId);
      return response;
    } catch (error) {
      if (error instanceof ActionError) return apiError(error.code, error.message, error.fieldErrors, requestId);
      if (error instanceof ZodError) {
        return apiError("invalid", "The request is not valid.", fieldErrorsOf(error), requestId);
      }
      log.error({ err: error, requestId, url: request.url }, "unhandled API error");
      return apiError("internal", `Something went wrong on the server (request ${requestId}). Try again.`, undefined, requestId);
    }
  };
}

/** Reads and validates a JSON body; malformed JSON and schema violations become a 400 with field messages. */
export async function readJson<T extends z.ZodType>(request: Request, schema: T): Promise<z.infer<T>> {
  let body: unknown;
  try {
    body = await request.json();
  } catch {
    throw new ActionError("invalid", "The request body is not valid JSON.");
  }
  return schema.parse(body);
}

export function readQuery<T extends z.ZodType>(request: Request, schema: T): z.infer<T> {
  const query = Object.fromEntries(new URL(request.url).searchParams);
  // PostgreSQL cannot take a NUL character in any text, so no parameter may hold one (asking would fail the query).
  const withNul = Object.keys(query).filter((name) => !hasNoNul(query[name]));
  if (withNul.length > 0) throw new ActionError("invalid", "The request is not valid.", Object.fromEntries(withNul.map((name) => [name, ["Cannot contain the NUL character."]])));
  return schema.parse(query);
}
