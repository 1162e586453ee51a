import { z } from "zod";
import type { ActionResult } from "../actions/action-result.ts";
import { apiError } from "../http/api-handler.ts";

// Response helpers for the /api/v1 ERP routes: every body leaves through a zod schema, and a failed action becomes
// the API's single error envelope (field messages in details).

export function listEnvelopeSchema<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    page: z.number().int(),
    pageSize: z.number().int(),
    total: z.number().int(),
  });
}

export function jsonResponse<T extends z.ZodType>(schema: T, body: z.input<T>, status = 200): Response {
  return Response.json(schema.parse(body), { status });
}

export function actionResponse<T, S extends z.ZodType>(result: ActionResult<T>, schema: S, status = 200): Response {
  if (!result.ok) return apiError(result.code, result.message, result.fieldErrors);
  return Response.json(schema.parse(result.data), { status });
}

export const deletedSchema = z.object({ id: z.uuid(), deleted: z.literal(true) });

export const deleteQuerySchema = z.strictObject({
  rowVersion: z.coerce
    .number({ error: "rowVersion must be a whole number." })
    .int("rowVersion must be a whole number.")
    .min(1, "rowVersion must be 1 or more.")
    .optional(),
});
