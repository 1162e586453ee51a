import { openApiDocument } from "../../../../lib/integration/openapi-document.ts";

export const dynamic = "force-static";

/** GET /api/v1/openapi.json — the OpenAPI 3.1 document of the integration endpoints (public: it holds no data). */
export function GET(): Response {
  return Response.json(openApiDocument());
}
