import { createHash, randomBytes } from "node:crypto";
import { expect } from "@playwright/test";
import { DEMO, sql } from "./e2e-support.ts";

// API v1 for the browser tests' preconditions (a coupled record, a finished synchronization job): called as the demo
// admin with a bearer token written straight into the database — only its SHA-256 is stored, as the console does.

let token: string | null = null;

async function adminToken(): Promise<string> {
  if (token) return token;
  const fresh = `cc_${randomBytes(30).toString("base64url")}`;
  await sql(
    `INSERT INTO "ApiToken" ("id", "userId", "name", "tokenHash", "prefix") SELECT gen_random_uuid(), "id", 'e2e preconditions', $2, $3 FROM "User" WHERE "email" = $1`,
    [DEMO.admin.email, createHash("sha256").update(fresh).digest("hex"), fresh.slice(0, 10)],
  );
  token = fresh;
  return token;
}

/** POST to API v1 (with ?wait=true the answer comes when the jobs finished); fails the test on any other status. */
export async function postApiV1<T>(pathAndQuery: string, body: unknown, expectedStatus = 200): Promise<T> {
  const response = await fetch(`${process.env.E2E_BASE_URL}/api/v1/${pathAndQuery}`, {
    method: "POST",
    headers: { authorization: `Bearer ${await adminToken()}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(response.status, `POST /api/v1/${pathAndQuery}: ${await response.clone().text()}`).toBe(expectedStatus);
  return (await response.json()) as T;
}
