import { spawnSync } from "node:child_process";
import path from "node:path";
import { expect, type Page } from "@playwright/test";
import { sql, uniqueSuffix } from "./e2e-support.ts";

// Shared pieces of the coupling browser tests: the integration setup (connection + default mappings, idempotent),
// the emulator's Web API (to create and read accounts where the outcome lands), and ERP rows written directly.

const ROOT = path.resolve(import.meta.dirname, "../..");

/** The Dataverse connection and the default mappings, as `npm start` creates them (a no-op when they exist). */
export function ensureIntegrationSetup(): void {
  const result = spawnSync(
    process.execPath,
    [path.join(ROOT, "node_modules/tsx/dist/cli.mjs"), "--eval", 'import("./scripts/first-start.ts").then((m) => m.ensureIntegrationSetup(process.env.DATABASE_URL)).catch((e) => { console.error(e); process.exit(1); });'],
    {
      cwd: ROOT,
      encoding: "utf8",
      env: {
        ...process.env,
        DATABASE_URL: process.env.E2E_DATABASE_URL,
        EMULATOR_URL: process.env.E2E_EMULATOR_URL,
        // The same key the global setup gives the console, so the stored client secret decrypts there.
        ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64"),
        LOG_LEVEL: "warn",
      },
    },
  );
  if (result.status !== 0) throw new Error(`Integration setup failed:\n${result.stdout}\n${result.stderr}`);
}

function emulatorUrl(): string {
  const url = process.env.E2E_EMULATOR_URL;
  if (!url) throw new Error("E2E_EMULATOR_URL is not set: the global setup starts the emulator.");
  return url;
}

let token: string | null = null;

async function dataverseToken(): Promise<string> {
  if (token) return token;
  const response = await fetch(`${emulatorUrl()}/emulator/oauth2/v2.0/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "client_credentials", client_id: "emulator", client_secret: "emulator-secret", scope: `${emulatorUrl()}/.default` }),
  });
  expect(response.status, "emulator token").toBe(200);
  token = ((await response.json()) as { access_token: string }).access_token;
  return token;
}

async function webApi(method: string, pathAndQuery: string, body?: unknown): Promise<Response> {
  return fetch(`${emulatorUrl()}/api/data/v9.2/${pathAndQuery}`, {
    method,
    headers: {
      authorization: `Bearer ${await dataverseToken()}`,
      accept: "application/json",
      "content-type": "application/json",
      "OData-Version": "4.0",
      Prefer: "return=representation",
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

export type Account = { accountid: string; name: string; address1_city: string | null; telephone1: string | null };

export async function createAccount(fields: Record<string, unknown>): Promise<Account> {
  const response = await webApi("POST", "accounts", fields);
  expect(response.status, await response.clone().text()).toBeLessThan(300);
  return (await response.json()) as Account;
}

export async function getAccount(id: string): Promise<Account | null> {
  const response = await webApi("GET", `accounts(${id})?$select=accountid,name,address1_city,telephone1`);
  if (response.status === 404) return null;
  expect(response.status).toBe(200);
  return (await response.json()) as Account;
}

export type CustomerRow = { id: string; no: string; name: string; city: string };

/** A customer written straight into the ERP table (the change-capture trigger versions it like any write). */
export async function insertCustomer(fields: { name: string; city?: string; phoneNo?: string; no?: string }): Promise<CustomerRow> {
  const no = fields.no ?? `E2C${uniqueSuffix()}`.slice(0, 20);
  const [row] = await sql<CustomerRow>(
    `INSERT INTO "Customer" ("id", "no", "name", "city", "phoneNo", "updatedAt") VALUES (gen_random_uuid(), $1, $2, $3, $4, now()) RETURNING "id", "no", "name", "city"`,
    [no, fields.name, fields.city ?? "", fields.phoneNo ?? ""],
  );
  return row;
}

export async function couplingOf(erpId: string): Promise<{ id: string; dataverseId: string } | undefined> {
  const [row] = await sql<{ id: string; dataverseId: string }>(`SELECT "id", "dataverseId"::text AS "dataverseId" FROM "Coupling" WHERE "erpId" = $1`, [erpId]);
  return row;
}

export function dataverseGroup(page: Page) {
  return page.getByRole("group", { name: "Dataverse" });
}
