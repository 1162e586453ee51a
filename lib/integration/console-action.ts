import { ZodError } from "zod";
import { ActionError, actionError, failureOf, invalidInput, toActionResult, type ActionResult } from "../actions/action-result.ts";
import { serverMessage } from "../actions/server-message.ts";
import { DataverseError } from "../dataverse/dataverse-error.ts";
import { DataverseNotConfiguredError } from "./dataverse-connection.ts";
import { MappingConfigError } from "./mapping-loader.ts";
import { MappingBusyError } from "./run-lease.ts";

// The console actions' one error policy (integration pages, and coupling on the record pages): expected failures
// become results the page can show — bad input with field messages, a missing or unreachable Dataverse connection with
// what to do — and anything else is a bug.
function expectedFailure(error: unknown): ActionError | null {
  if (error instanceof ZodError) return invalidInput(error);
  if (error instanceof DataverseNotConfiguredError) {
    // The standard reason is a catalog message too; any other is shown as given.
    const reason = error.message === new DataverseNotConfiguredError().message ? serverMessage("errors.noDataverseConnection") : error.message;
    return actionError("invalid", serverMessage("errors.dataverseNotConfigured", { reason }));
  }
  // A run started from the page (Synchronize Now, coupling with a sync after it) can find the mapping busy or its
  // stored setup unreadable; both are told to the user, in their language.
  if (error instanceof MappingBusyError) return actionError("conflict", error.described);
  if (error instanceof MappingConfigError) return error.described ? actionError("invalid", error.described) : new ActionError("invalid", error.message);
  if (error instanceof DataverseError) {
    if (error.retryClass === "throttled") return actionError("rate_limited", serverMessage("errors.dataverseThrottling"));
    if (error.retryClass === "auth") return actionError("forbidden", serverMessage("errors.dataverseRefused", { detail: error.message }));
    return actionError("invalid", serverMessage("errors.dataverseUnavailable", { detail: error.message }));
  }
  return null;
}

export async function runAction<T>(fn: () => Promise<T>): Promise<ActionResult<T>> {
  try {
    return await toActionResult(fn);
  } catch (error) {
    const failure = expectedFailure(error);
    if (failure) return failureOf(failure);
    throw error;
  }
}
