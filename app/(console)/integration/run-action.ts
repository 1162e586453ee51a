import { ZodError } from "zod";
import { fail, invalid, toActionResult, type ActionResult } from "../../../lib/actions/action-result.ts";
import { DataverseError } from "../../../lib/dataverse/dataverse-error.ts";
import { DataverseNotConfiguredError } from "../../../lib/integration/dataverse-connection.ts";

// The integration actions' one error policy: expected failures become results the page can show — bad input with
// field messages, a missing or unreachable Dataverse connection with what to do — and anything else is a bug.
export async function runAction<T>(fn: () => Promise<T>): Promise<ActionResult<T>> {
  try {
    return await toActionResult(fn);
  } catch (error) {
    if (error instanceof ZodError) return invalid(error);
    if (error instanceof DataverseNotConfiguredError) return fail("invalid", `${error.message} Open Dataverse Connection to do so.`);
    if (error instanceof DataverseError) {
      if (error.retryClass === "throttled") return fail("rate_limited", "Dataverse is throttling requests. Wait a moment and try again.");
      if (error.retryClass === "auth") return fail("forbidden", `Dataverse refused the request (${error.message}). Check the Dataverse connection with Test Connection.`);
      return fail("invalid", `Dataverse could not answer: ${error.message}. Try again; if it persists, check the Dataverse connection.`);
    }
    throw error;
  }
}
