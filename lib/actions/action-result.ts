import type { ZodError } from "zod";
import { messageLocale } from "./message-locale.ts";
import { describeFieldText, issueText, renderText, type LocalText, type ServerMessage } from "./server-message.ts";

// What every server action returns: expected, user-facing failures travel as values (never thrown to the client),
// with field-level messages for bad input.
export type FieldErrors = Record<string, string[]>;

export type ActionErrorCode = "unauthenticated" | "forbidden" | "invalid" | "not_found" | "conflict" | "rate_limited";

export type ActionFailure = { ok: false; code: ActionErrorCode; message: string; fieldErrors?: FieldErrors };
export type ActionResult<T = undefined> = { ok: true; data: T } | ActionFailure;

/** The message and field messages of an error described for translation; `message`/`fieldErrors` are their English. */
export type LocalizedParts = { message?: LocalText; fieldErrors?: Record<string, LocalText[]> };

export class ActionError extends Error {
  constructor(
    readonly code: ActionErrorCode,
    message: string,
    readonly fieldErrors?: FieldErrors,
    readonly localized?: LocalizedParts,
  ) {
    super(message);
  }
}

function mapFields(fields: Record<string, LocalText[]>, render: (text: LocalText) => string): FieldErrors {
  return Object.fromEntries(Object.entries(fields).map(([field, texts]) => [field, texts.map(render)]));
}

/** An ActionError whose message (and field messages) come from the serverMessages catalog. */
export function actionError(code: ActionErrorCode, message: ServerMessage, fieldErrors?: Record<string, LocalText[]>): ActionError {
  const english = (text: LocalText) => renderText("en", text);
  return new ActionError(code, english(message), fieldErrors && mapFields(fieldErrors, english), { message, fieldErrors });
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

function localFieldErrorsOf(error: ZodError): Record<string, LocalText[]> {
  const out: Record<string, LocalText[]> = {};
  for (const issue of error.issues) {
    const key = issue.path.length ? issue.path.join(".") : "_form";
    (out[key] ??= []).push(issueText(issue));
  }
  return out;
}

/** Bad input as an ActionError("invalid") with field messages that can be shown in the reader's language. */
export function invalidInput(error: ZodError): ActionError {
  return new ActionError("invalid", renderText("en", { key: "errors.invalidFields" }), fieldErrorsOf(error), {
    message: { key: "errors.invalidFields" },
    fieldErrors: localFieldErrorsOf(error),
  });
}

export function invalid(error: ZodError): ActionFailure {
  return fail("invalid", "Some fields are not valid. Correct them and try again.", fieldErrorsOf(error));
}

/**
 * The failure an ActionError becomes, in the language of whoever called the action. Parts without a description are
 * left in English, except field messages a schema builder made, which are recognised by their text.
 */
export async function failureOf(error: ActionError): Promise<ActionFailure> {
  const locale = await messageLocale();
  if (locale === "en") return fail(error.code, error.message, error.fieldErrors);
  const render = (text: LocalText) => renderText(locale, text);
  const message = error.localized?.message ? render(error.localized.message) : error.message;
  const fieldErrors = error.localized?.fieldErrors
    ? mapFields(error.localized.fieldErrors, render)
    : error.fieldErrors && mapFields(error.fieldErrors, (text) => render(describeFieldText(text as string)));
  return fail(error.code, message, fieldErrors);
}

/**
 * How the messages a successful action returns (outcomes, prompts) are rendered for whoever called it: in their
 * language, in English inside the API. One look-up of the language for many messages.
 */
export async function readerRenderer(): Promise<(text: LocalText) => string> {
  const locale = await messageLocale();
  return (text) => renderText(locale, text);
}

/** Turns the expected errors a domain function throws into a result; anything else is a bug and is rethrown. */
export async function toActionResult<T>(run: () => Promise<T>): Promise<ActionResult<T>> {
  try {
    return ok(await run());
  } catch (error) {
    if (error instanceof ActionError) return failureOf(error);
    throw error;
  }
}
