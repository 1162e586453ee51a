import { z } from "zod";

// Field builders shared by the ERP schemas, so every message names the field the way the card shows it and every
// maximum length matches prisma/schema.prisma.

const nullToEmpty = (value: unknown) => (value === null ? "" : value);

/** Free text up to `max` characters; null and missing mean blank. */
export function text(label: string, max: number) {
  return z.preprocess(
    nullToEmpty,
    z
      .string({ error: `${label} must be text.` })
      .trim()
      .max(max, `${label} can be at most ${max} characters.`),
  );
}

export function requiredText(label: string, max: number) {
  return z.preprocess(
    nullToEmpty,
    z
      .string({ error: (issue) => (issue.input === undefined ? `Enter ${label.toLowerCase()}.` : `${label} must be text.`) })
      .trim()
      .min(1, `Enter ${label.toLowerCase()}.`)
      .max(max, `${label} can be at most ${max} characters.`),
  );
}

const CODE_PATTERN = /^[A-Z0-9][A-Z0-9._-]*$/;

/** A key like a customer no. or currency code: stored upper-case, safe in a URL path segment. */
export function code(label: string, max: number) {
  return z.preprocess(
    nullToEmpty,
    z
      .string({ error: `${label} must be text.` })
      .trim()
      .toUpperCase()
      .max(max, `${label} can be at most ${max} characters.`)
      .refine((v) => v === "" || CODE_PATTERN.test(v), `${label} can contain only letters, digits, "-", "_" and ".".`),
  );
}

export function requiredCode(label: string, max: number) {
  return code(label, max).refine((v) => v !== "", `Enter ${label.toLowerCase()}.`);
}

export function email(label: string, max: number) {
  return text(label, max).refine(
    (v) => v === "" || z.email().safeParse(v).success,
    `${label} is not a valid e-mail address. Use the form name@example.com.`,
  );
}

const PHONE_PATTERN = /^[+]?[0-9 ()./-]*$/;

export function phone(label: string, max: number) {
  return text(label, max).refine(
    (v) => PHONE_PATTERN.test(v),
    `${label} can contain only digits, spaces, "+", "-", "(", ")", "." and "/".`,
  );
}

/** Money amount with at most two decimals; accepts numbers and numeric strings ("2500.50", "2500,50"). */
export function amount(label: string, max: number) {
  return z.preprocess(
    (value) => {
      if (value === null || value === undefined) return value;
      if (typeof value !== "string") return value;
      const trimmed = value.trim().replace(/\s/g, "");
      if (trimmed === "") return 0;
      return /^-?[0-9]+([.,][0-9]+)?$/.test(trimmed) ? Number(trimmed.replace(",", ".")) : Number.NaN;
    },
    z
      .number({ error: `${label} must be a number, e.g. 10000 or 2500.50.` })
      .min(0, `${label} cannot be negative.`)
      .max(max, `${label} can be at most ${max.toLocaleString("en-US")}.`)
      .refine((v) => Math.round(v * 100) === Number((v * 100).toFixed(6)), `${label} can have at most two decimals.`),
  );
}

/** The rowVersion the user loaded; required on every edit so a change made meanwhile is never overwritten. */
export const rowVersion = z.preprocess(
  (value) => (typeof value === "string" && /^[0-9]+$/.test(value.trim()) ? Number(value) : value),
  z
    .number({
      error: "rowVersion is required: send the rowVersion of the record you read, so changes made meanwhile are not overwritten.",
    })
    .int("rowVersion must be a whole number.")
    .min(1, "rowVersion must be 1 or more."),
);

export const recordId = z.uuid({ error: "The record id is not valid." });

/** Error map for strict objects: names the fields the API caller sent that the record does not have. */
export function unknownFieldsMessage(issue: { code?: string; keys?: string[] }): string | undefined {
  if (issue.code !== "unrecognized_keys" || !issue.keys) return undefined;
  return `Unknown field${issue.keys.length > 1 ? "s" : ""}: ${issue.keys.join(", ")}.`;
}
