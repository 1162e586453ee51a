import { startEmulator, type EmulatorOptions, type RunningEmulator } from "../../emulator/emulator-server.ts";

// The one switch of the conformance suite: a fresh emulator (default) or a real org when DV_BASE, DV_TENANT,
// DV_CLIENT_ID and DV_CLIENT_SECRET are set. Tests talk HTTP only, through the helpers below.

export type ConformanceTarget = {
  isEmulator: boolean;
  apiBase: string; // ends with "/"
  emulatorUrl: string | null;
  clientId: string;
  token(): Promise<string>;
  request(path: string, init?: DvRequestInit): Promise<Response>;
  json<T = Record<string, any>>(path: string, init?: DvRequestInit): Promise<{ status: number; headers: Headers; body: T }>;
  admin(path: string, body?: unknown, method?: string): Promise<any>;
  close(): Promise<void>;
};

export type DvRequestInit = { method?: string; headers?: Record<string, string>; body?: unknown; raw?: boolean };

export const realOrg = {
  base: process.env.DV_BASE,
  tenant: process.env.DV_TENANT,
  clientId: process.env.DV_CLIENT_ID,
  clientSecret: process.env.DV_CLIENT_SECRET,
};

export const isRealOrg = Boolean(realOrg.base && realOrg.tenant && realOrg.clientId && realOrg.clientSecret);
export const emulatorOnlyReason = "needs the emulator's /_emulator admin endpoints (not available on a real org)";

export const standardHeaders = {
  Accept: "application/json",
  "OData-MaxVersion": "4.0",
  "OData-Version": "4.0",
  "If-None-Match": "null",
};

export async function openTarget(seed: "none" | "demo" = "none", options: EmulatorOptions = {}): Promise<ConformanceTarget> {
  let emulator: RunningEmulator | null = null;
  let apiBase: string;
  let tokenUrl: string;
  let clientId: string;
  let clientSecret: string;
  let scope: string;
  if (isRealOrg) {
    const base = (realOrg.base as string).replace(/\/+$/, "");
    apiBase = base.includes("/api/data/") ? `${base}/` : `${base}/api/data/v9.2/`;
    const origin = new URL(apiBase).origin;
    tokenUrl = `https://login.microsoftonline.com/${realOrg.tenant}/oauth2/v2.0/token`;
    clientId = realOrg.clientId as string;
    clientSecret = realOrg.clientSecret as string;
    scope = `${origin}/.default`;
  } else {
    emulator = await startEmulator({ port: 0, dataDir: null, seed, quiet: true, ...options });
    apiBase = emulator.apiBase;
    tokenUrl = `${emulator.url}/conformance-tenant/oauth2/v2.0/token`;
    clientId = options.clientId ?? "emulator";
    clientSecret = options.clientSecret ?? "emulator-secret";
    scope = `${emulator.url}/.default`;
  }

  let cached: { value: string; expiresAt: number } | null = null;
  const token = async () => {
    if (cached && cached.expiresAt > Date.now() + 60_000) return cached.value;
    const response = await fetch(tokenUrl, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "client_credentials", client_id: clientId, client_secret: clientSecret, scope }),
    });
    if (!response.ok) throw new Error(`token request failed: ${response.status} ${await response.text()}`);
    const body = (await response.json()) as { access_token: string; expires_in: number };
    cached = { value: body.access_token, expiresAt: Date.now() + body.expires_in * 1000 };
    return cached.value;
  };

  const request = async (path: string, init: DvRequestInit = {}) => {
    const url = /^https?:\/\//.test(path) ? path : `${apiBase}${path}`;
    const headers: Record<string, string> = { ...standardHeaders, Authorization: `Bearer ${await token()}`, ...init.headers };
    let body: string | undefined;
    if (init.body !== undefined) {
      body = init.raw ? (init.body as string) : JSON.stringify(init.body);
      headers["Content-Type"] ??= "application/json; charset=utf-8";
    }
    return fetch(url, { method: init.method ?? "GET", headers, body });
  };

  const json = async <T,>(path: string, init: DvRequestInit = {}) => {
    const response = await request(path, init);
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: (text.length > 0 ? JSON.parse(text) : null) as T };
  };

  const admin = async (path: string, body?: unknown, method?: string) => {
    if (!emulator) throw new Error("admin endpoints exist only on the emulator");
    const response = await fetch(`${emulator.url}/_emulator/${path}`, {
      method: method ?? (body === undefined ? "GET" : "POST"),
      headers: { "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return text.length > 0 ? JSON.parse(text) : null;
  };

  return {
    isEmulator: emulator !== null,
    apiBase,
    emulatorUrl: emulator?.url ?? null,
    clientId,
    token,
    request,
    json,
    admin,
    close: async () => {
      await emulator?.close();
    },
  };
}

// Unique per run so tests against a shared real org never collide and can clean up by prefix.
export function uniqueName(label: string): string {
  return `conf-${label}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 7)}`;
}

export function idFromEntityId(header: string | null): string {
  const match = /\(([0-9a-fA-F-]{36})\)$/.exec(header ?? "");
  if (!match) throw new Error(`no id in OData-EntityId '${header}'`);
  return match[1];
}

export async function createRecord(target: ConformanceTarget, set: string, body: Record<string, unknown>): Promise<string> {
  const response = await target.request(set, { method: "POST", body });
  if (response.status !== 204) throw new Error(`create in ${set} failed: ${response.status} ${await response.text()}`);
  return idFromEntityId(response.headers.get("OData-EntityId"));
}

// Tracks created rows and deletes them afterwards (contacts before accounts so parents go last).
export class Cleanup {
  private readonly rows: { set: string; id: string }[] = [];
  constructor(private readonly target: ConformanceTarget) {}

  add(set: string, id: string): string {
    this.rows.push({ set, id });
    return id;
  }

  async create(set: string, body: Record<string, unknown>): Promise<string> {
    return this.add(set, await createRecord(this.target, set, body));
  }

  async run(): Promise<void> {
    const ordered = [...this.rows].sort((a, b) => (a.set === "contacts" ? 0 : 1) - (b.set === "contacts" ? 0 : 1));
    for (const row of ordered) {
      await this.target.request(`${row.set}(${row.id})`, { method: "DELETE" }).catch(() => undefined);
    }
    this.rows.length = 0;
  }
}

export function crlf(lines: string[]): string {
  return lines.join("\r\n");
}
