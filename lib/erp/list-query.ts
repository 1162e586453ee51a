import { z } from "zod";
import { hasNoNul } from "./erp-fields.ts";

// Paging, sorting and filtering parameters shared by the list pages (URL search params) and /api/v1 list routes.

export const MAX_PAGE_SIZE = 200;
export const PAGE_SIZES = [25, 50, 100, 200] as const;

export const pagingShape = {
  page: z.coerce
    .number({ error: "page must be a whole number of 1 or more." })
    .int("page must be a whole number of 1 or more.")
    .min(1, "page must be a whole number of 1 or more.")
    .max(1_000_000, "page can be at most 1000000.")
    .default(1),
  pageSize: z.coerce
    .number({ error: `pageSize must be a whole number from 1 to ${MAX_PAGE_SIZE}.` })
    .int(`pageSize must be a whole number from 1 to ${MAX_PAGE_SIZE}.`)
    .min(1, `pageSize must be a whole number from 1 to ${MAX_PAGE_SIZE}.`)
    .max(MAX_PAGE_SIZE, `pageSize must be a whole number from 1 to ${MAX_PAGE_SIZE}.`)
    .default(50),
  dir: z.enum(["asc", "desc"], { error: 'dir must be "asc" or "desc".' }).default("asc"),
  q: z.string().trim().max(100, "The search text can be at most 100 characters.").refine(hasNoNul, "The search text cannot contain the NUL character.").optional(),
};

export function filterText(label: string) {
  return z.string().trim().max(100, `The ${label} filter can be at most 100 characters.`).refine(hasNoNul, `The ${label} filter cannot contain the NUL character.`).optional();
}

export function sortParam<const T extends readonly [string, ...string[]]>(columns: T, fallback: T[number]) {
  return z.enum(columns, { error: `sort must be one of: ${columns.join(", ")}.` }).default(fallback as never);
}

export type ListPage<T> = { rows: T[]; total: number; page: number; pageSize: number };

/**
 * A case-insensitive "contains" condition. Prisma passes the text into ILIKE unescaped, so "%" and "_" typed by a
 * user would act as wildcards; escape them (and the escape character itself) to match them literally.
 */
export function containsText(value: string) {
  return { contains: value.replace(/[\\%_]/g, (c) => `\\${c}`), mode: "insensitive" as const };
}

export function offsetOf(page: number, pageSize: number): number {
  return (page - 1) * pageSize;
}
