import type { useFormatter } from "next-intl";

// Display formatting shared by lists and cards, in the reader's language. Takes the formatter of the caller
// (useFormatter in components, getFormatter in async server components) so server and client render alike.
type Formatter = ReturnType<typeof useFormatter>;

export function formatAmount(format: Formatter, value: number): string {
  return format.number(value, "amount");
}

/** Date and time in UTC, marked as such; an em dash when there is none. */
export function formatDateTime(format: Formatter, value: Date | null | undefined): string {
  return value ? format.dateTime(value, "dateTime") : "—";
}
