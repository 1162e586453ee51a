import { createHash } from "node:crypto";

// Groups the same failure across records on the errors page and drives the "same error twice → skipped" rule:
// the message is reduced to its wording by replacing everything record-specific (GUIDs, quoted values, record
// numbers, numbers, e-mail addresses, URLs) with placeholders, then hashed.

const GUID = /\{?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}?/gi;
const URL = /\bhttps?:\/\/\S+/gi;
const EMAIL = /\b[^\s@'"]+@[^\s@'"]+\.[^\s@'"]+\b/g;
const QUOTED = /"[^"]*"|'[^']*'|“[^”]*”|‘[^’]*’|«[^»]*»/g;
// Record numbers and codes such as C00010, CT-0001, SP NO. 00001 fragments, 0x80040237 error codes stay apart from
// plain numbers only in that they mix letters and digits; both become placeholders.
const MIXED_TOKEN = /\b(?=[A-Za-z0-9_.-]*\d)(?=[A-Za-z0-9_.-]*[A-Za-z])[A-Za-z0-9_.-]+\b/g;
const NUMBER = /\b\d+(?:[.,]\d+)*\b/g;

export function normalizeErrorMessage(message: string): string {
  return message
    .replace(URL, "<url>")
    .replace(GUID, "<id>")
    .replace(EMAIL, "<email>")
    .replace(QUOTED, "<value>")
    .replace(MIXED_TOKEN, (token) => (/^0x[0-9a-f]+$/i.test(token) ? token.toLowerCase() : "<ref>"))
    .replace(NUMBER, "<n>")
    .replace(/\s+/g, " ")
    .trim()
    .toLowerCase();
}

/** sha256 hex (64 characters) of the normalised message: SyncJobError.signature / Coupling.errorSignature. */
export function errorSignature(message: string, errorClass?: string): string {
  const basis = errorClass ? `${errorClass}:${normalizeErrorMessage(message)}` : normalizeErrorMessage(message);
  return createHash("sha256").update(basis, "utf8").digest("hex");
}
