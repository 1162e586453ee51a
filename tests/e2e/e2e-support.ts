import path from "node:path";
import { expect, type Page } from "@playwright/test";
import pg from "pg";

// Shared pieces of the browser tests: signing in through the real login form, page screenshots, and direct SQL on
// the throwaway database the global setup created, so each test can check where its outcome lands.

export const DEMO = {
  admin: { email: "admin@demo.local", password: "admin" },
  user: { email: "user@demo.local", password: "user" },
  viewer: { email: "viewer@demo.local", password: "viewer" },
} as const;

let pool: pg.Pool | null = null;

function databaseUrl(): string {
  const url = process.env.E2E_DATABASE_URL;
  if (!url) throw new Error("E2E_DATABASE_URL is not set: run the suite with `npx playwright test` (the global setup sets it).");
  return url;
}

export async function sql<T extends pg.QueryResultRow = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> {
  pool ??= new pg.Pool({ connectionString: databaseUrl(), max: 2 });
  const result = await pool.query<T>(text, params);
  return result.rows;
}

export async function closeDb(): Promise<void> {
  const current = pool;
  pool = null;
  await current?.end();
}

/** A suffix unique to this run and call, for record numbers and e-mail addresses (numbers are upper-cased codes). */
export function uniqueSuffix(): string {
  return `${Date.now().toString(36)}${Math.floor(Math.random() * 36 ** 3).toString(36).padStart(3, "0")}`.toUpperCase();
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join("test-results", "screenshots", `${name}.png`), fullPage: true });
}

export async function signIn(page: Page, credentials: { email: string; password: string }, landing: RegExp = /\/customers$/): Promise<void> {
  await page.goto("/login");
  await page.getByLabel("E-mail").fill(credentials.email);
  await page.getByLabel("Password").fill(credentials.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  // The first sign-in after the server starts compiles and warms up the auth routes, so it may take a while.
  await expect(page).toHaveURL(landing, { timeout: 20_000 });
  await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
}

/** Polls `read` every 500 ms until `isDone` holds or the time is up; returns the last value (the test asserts it). */
export async function waitFor<T>(read: () => Promise<T>, isDone: (value: T) => boolean, timeoutMs = 90_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  let value = await read();
  while (!isDone(value) && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 500));
    value = await read();
  }
  return value;
}
