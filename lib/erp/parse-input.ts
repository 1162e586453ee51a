import type { z } from "zod";
import { invalidInput } from "../actions/action-result.ts";

/** Parses untrusted input; a violation becomes an ActionError("invalid") carrying field-level messages. */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw invalidInput(result.error);
}

/**
 * Parses URL search parameters for a list page without ever failing: a parameter that does not validate (a hand-edited
 * URL) is dropped and its default used, so a bad link shows the list instead of an error page.
 */
export function parseLenient<T extends z.ZodType>(schema: T, params: Record<string, string | string[] | undefined>): z.infer<T> {
  const values: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(params)) {
    const single = Array.isArray(value) ? value[0] : value;
    if (single !== undefined && single !== "") values[key] = single;
  }
  for (let attempt = 0; attempt < 20; attempt++) {
    const result = schema.safeParse(values);
    if (result.success) return result.data;
    let removed = 0;
    for (const issue of result.error.issues) {
      const keys = issue.code === "unrecognized_keys" ? issue.keys : issue.path.length ? [String(issue.path[0])] : [];
      for (const key of keys) {
        if (!(key in values)) continue;
        delete values[key];
        removed++;
      }
    }
    if (removed === 0) break;
  }
  return schema.parse({});
}

/** A route segment such as a customer no.; never throws on a malformed escape typed into the address bar. */
export function decodeParam(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
