import { z } from "zod";
import { fieldLabel, fieldText } from "../actions/server-message.ts";

// Field builders shared by the ERP schemas, so every message names the field the way the card shows it and every
// maximum length matches prisma/schema.prisma.

const nullToEmpty = (value: unknown) => (value === null ? "" : value);

// PostgreSQL cannot take U+0000 in any text (stored or compared) and fails the statement; refused where input enters.
export const hasNoNul = (value: string) => !value.includes("\u0000");

function nulMessage(label: string): string {
  return fieldText("fields.nulCharacter", { label: fieldLabel(label) });
}

/** Free text up to `max` characters; null and missing mean blank. */
export function text(label: string, max: number) {
  return z.preprocess(
    nullToEmpty,
    z
      .string({ error: fieldText("fields.mustBeText", { label: fieldLabel(label) }) })
      .trim()
      .max(max, fieldText("fields.maxLength", { label: fieldLabel(label), max: String(max) }))
      .refine(hasNoNul, nulMessage(label)),
  );
}

export function requiredText(label: string, max: number) {
  return z.preprocess(
    nullToEmpty,
    z
      .string({ error: (issue) => (issue.input === undefined ? required(label) : fieldText("fields.mustBeText", { label: fieldLabel(label) })) })
      .trim()
      .min(1, required(label))
      .max(max, fieldText("fields.maxLength", { label: fieldLabel(label), max: String(max) }))
      .refine(hasNoNul, nulMessage(label)),
  );
}

function required(label: string): string {
  return fieldText("fields.required", { label: fieldLabel(label, true) });
}

const CODE_PATTERN = /^[A-Z0-9][A-Z0-9._-]*$/;

/** A key like a customer no. or currency code: stored upper-case, safe in a URL path segment. */
export function code(label: string, max: number) {
  return z.preprocess(
    nullToEmpty,
    z
      .string({ error: fieldText("fields.mustBeText", { label: fieldLabel(label) }) })
      .trim()
      .toUpperCase()
      .max(max, fieldText("fields.maxLength", { label: fieldLabel(label), max: String(max) }))
      .refine((v) => v === "" || CODE_PATTERN.test(v), fieldText("fields.codeCharacters", { label: fieldLabel(label) })),
  );
}

export function requiredCode(label: string, max: number) {
  return code(label, max).refine((v) => v !== "", required(label));
}

export function email(label: string, max: number) {
  return text(label, max).refine(
    (v) => v === "" || z.email().safeParse(v).success,
    fieldText("fields.emailInvalid", { label: fieldLabel(label) }),
  );
}

const PHONE_PATTERN = /^[+]?[0-9 ()./-]*$/;

export function phone(label: string, max: number) {
  return text(label, max).refine(
    (v) => PHONE_PATTERN.test(v),
    fieldText("fields.phoneCharacters", { label: fieldLabel(label) }),
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
      .number({ error: fieldText("fields.mustBeNumber", { label: fieldLabel(label) }) })
      .min(0, fieldText("fields.notNegative", { label: fieldLabel(label) }))
      .max(max, fieldText("fields.maxAmount", { label: fieldLabel(label), max }))
      .refine((v) => Math.round(v * 100) === Number((v * 100).toFixed(6)), fieldText("fields.twoDecimals", { label: fieldLabel(label) })),
  );
}

/** The rowVersion the user loaded; required on every edit so a change made meanwhile is never overwritten. */
export const rowVersion = z.preprocess(
  (value) => (typeof value === "string" && /^[0-9]+$/.test(value.trim()) ? Number(value) : value),
  z
    .number({
      error: fieldText("fields.rowVersionRequired"),
    })
    .int(fieldText("fields.rowVersionWhole"))
    .min(1, fieldText("fields.rowVersionMin")),
);

export const recordId = z.uuid({ error: fieldText("fields.recordId") });

/** Error map for strict objects: names the fields the API caller sent that the record does not have. */
export function unknownFieldsMessage(issue: { code?: string; keys?: string[] }): string | undefined {
  if (issue.code !== "unrecognized_keys" || !issue.keys) return undefined;
  return `Unknown field${issue.keys.length > 1 ? "s" : ""}: ${issue.keys.join(", ")}.`;
}
