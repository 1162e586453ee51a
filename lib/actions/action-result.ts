import type { ZodError } from "zod";

// What every server action returns: expected, user-facing failures travel as values (never thrown to the client),
// with field-level messages for bad input.
export type FieldErrors = Record<string, string[]>;

export type ActionErrorCode = "unauthenticated" | "forbidden" | "invalid" | "not_found" | "conflict" | "rate_limited";

export type ActionFailure = { ok: false; code: ActionErrorCode; message: string; fieldErrors?: FieldErrors };
export type ActionResult<T = undefined> = { ok: true; data: T } | ActionFailure;

export class ActionError extends Error {
  constructor(
    readonly code: ActionErrorCode,
    message: string,
    readonly fieldErrors?: FieldErrors,
  ) {
    super(message);
  }
}

export function ok<T>(data: T): ActionResult<T> {
  return { ok: true, data };
}

export function fail(code: ActionErrorCode, message: string, fieldErrors?: FieldErrors): ActionFailure {
  return { ok: false, code, message, fieldErrors };
}

export function fieldErrorsOf(error: ZodError): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    const key = issue.path.length ? issue.path.join(".") : "_form";
    (out[key] ??= []).push(issue.message);
  }
  return out;
}

export function invalid(error: ZodError): ActionFailure {
  return fail("invalid", "Some fields are not valid. Correct them and try again.", fieldErrorsOf(error));
}

/** Turns the expected errors a domain function throws into a result; anything else is a bug and is rethrown. */
export async function toActionResult<T>(run: () => Promise<T>): Promise<ActionResult<T>> {
  try {
    return ok(await run());
  } catch (error) {
    if (error instanceof ActionError) return fail(error.code, error.message, error.fieldErrors);
    throw error;
  }
}
