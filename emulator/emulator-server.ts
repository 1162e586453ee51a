import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { rename, writeFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { z } from "zod";
import { executeBatch } from "./batch-handler.ts";
import { applicationUserId, ensureApplicationUsers, seedDemo, seedSystem, stableGuid, type SeedKind } from "./demo-seed.ts";
import { EntityStore, type ChangeEvent, type StoreSnapshot } from "./entity-store.ts";
import { applyEdit, renderEdit, renderList } from "./html-view.ts";
import { DataverseFault } from "./odata-errors.ts";
import { parsePrefer } from "./odata-url.ts";
import { defaultThrottle, ServiceProtection, type ThrottleSettings } from "./service-protection.ts";
import { faultResponse, WebApi, type ApiResponse } from "./web-api.ts";

export type EmulatorOptions = {
  port?: number;
  host?: string;
  dataDir?: string | null;
  seed?: SeedKind;
  clientId?: string;
  clientSecret?: string;
  // Further OAuth clients, each with its own application user (lets tests exercise per-user limits).
  extraClients?: { clientId: string; clientSecret: string }[];
  consoleUrl?: string;
  latencyMs?: number;
  jitterMs?: number;
  failRate?: number;
  dropRate?: number;
  throttle?: "off" | "default" | ThrottleSettings;
  deltaTokenMaxAgeSeconds?: number;
  tokenLifetimeSeconds?: number;
  readOnlyProperties?: "reject" | "ignore";
  quiet?: boolean;
};

export type RunningEmulator = { url: string; apiBase: string; close(): Promise<void> };

type RuntimeConfig = {
  latencyMs: number;
  jitterMs: number;
  failRate: number;
  dropRate: number;
  throttle: ThrottleSettings | null;
  deltaTokenMaxAgeSeconds: number;
  tokenLifetimeSeconds: number;
};

type ForcedFault = { type: "throttle"; retryAfter: number; code: string } | { type: "error"; status: number } | { type: "drop" };

type LogEntry = {
  seq: number;
  time: string;
  timeMs: number;
  respondedAtMs: number;
  method: string;
  path: string;
  status: number;
  clientId: string | null;
  retryAfter?: number;
  duringPenalty?: boolean;
  dropped?: boolean;
  batchOperations?: number;
};

type Webhook = { id: string; url: string; entities: string[]; messages: ("create" | "update" | "delete")[] };

type PersistedState = { format: 1; organizationId: string; store: StoreSnapshot; webhooks: Webhook[] };

const apiPrefix = "/api/data/v9.2";
const maxBodyBytes = 64 * 1024 * 1024;
const logCapacity = 20_000;

const throttleSchema = z.union([
  z.literal("off"),
  z.literal("default"),
  z.object({
    requestsPerWindow: z.number().int().positive(),
    windowSeconds: z.number().positive(),
    maxConcurrent: z.number().int().positive(),
    throttleRate: z.number().min(0).max(1).optional(),
  }),
]);

const configSchema = z
  .object({
    latencyMs: z.number().min(0).max(60_000),
    jitterMs: z.number().min(0).max(60_000),
    failRate: z.number().min(0).max(1),
    dropRate: z.number().min(0).max(1),
    throttle: throttleSchema,
    deltaTokenMaxAgeSeconds: z.number().min(0),
    tokenLifetimeSeconds: z.number().int().min(1),
  })
  .partial()
  .strict();

const webhookSchema = z
  .object({
    url: z.string().url(),
    entities: z.array(z.string().min(1)).min(1),
    messages: z.array(z.enum(["create", "update", "delete"])).min(1).optional(),
  })
  .strict();

const faultsSchema = z.object({
  faults: z
    .array(
      z.discriminatedUnion("type", [
        z.object({ type: z.literal("throttle"), retryAfter: z.number().int().min(1).max(3600).default(1), code: z.enum(["0x80072322", "0x80072321", "0x80072326"]).default("0x80072322") }),
        z.object({ type: z.literal("error"), status: z.number().int().min(500).max(599).default(503) }),
        z.object({ type: z.literal("drop") }),
      ]),
    )
    .max(10_000),
});

const resetSchema = z.object({ seed: z.enum(["demo", "none"]).optional() }).strict();

function resolveThrottle(value: EmulatorOptions["throttle"]): ThrottleSettings | null {
  if (!value || value === "off") return null;
  if (value === "default") return { ...defaultThrottle };
  return { ...value };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function readBody(request: IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBodyBytes) {
        resolve(null);
        request.resume();
        return;
      }
      chunks.push(chunk);
    });
    request.on("end", () => resolve(size > maxBodyBytes ? null : Buffer.concat(chunks as unknown as Uint8Array[]).toString("utf8")));
    request.on("error", reject);
  });
}

function send(response: ServerResponse, status: number, headers: Record<string, string>, body: string): void {
  if (response.headersSent || response.destroyed) return;
  // An explicit Content-Length avoids chunked encoding, so headers and body leave in one write.
  headers["Content-Length"] = String(Buffer.byteLength(body));
  response.writeHead(status, headers);
  response.end(body);
}

function sendJson(response: ServerResponse, status: number, payload: unknown): void {
  send(response, status, { "Content-Type": "application/json; charset=utf-8" }, JSON.stringify(payload));
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const clients = new Map<string, string>();
  clients.set(options.clientId ?? "emulator", options.clientSecret ?? "emulator-secret");
  for (const extra of options.extraClients ?? []) clients.set(extra.clientId, extra.clientSecret);
  const clientIds = [...clients.keys()];
  const quiet = options.quiet ?? false;
  const dataFile = options.dataDir ? join(options.dataDir, "dataverse.json") : null;

  const config: RuntimeConfig = {
    latencyMs: options.latencyMs ?? 0,
    jitterMs: options.jitterMs ?? 0,
    failRate: options.failRate ?? 0,
    dropRate: options.dropRate ?? 0,
    throttle: resolveThrottle(options.throttle),
    deltaTokenMaxAgeSeconds: options.deltaTokenMaxAgeSeconds ?? 7 * 86_400,
    tokenLifetimeSeconds: options.tokenLifetimeSeconds ?? 3599,
  };

  const store = new EntityStore();
  let organizationId = stableGuid(`organization:${randomUUID()}`);
  let webhooks: Webhook[] = [];
  const api = new WebApi(store, {
    deltaTokenMaxAgeSeconds: config.deltaTokenMaxAgeSeconds,
    readOnlyProperties: options.readOnlyProperties ?? "reject",
    organizationId,
    businessUnitId: stableGuid("business-unit:root"),
  });
  const protection = new ServiceProtection();
  protection.configure(config.throttle);

  // ---------- persistence ----------
  let persistTimer: NodeJS.Timeout | null = null;
  let persisting: Promise<void> = Promise.resolve();
  const snapshotText = () => JSON.stringify({ format: 1, organizationId, store: store.toSnapshot(), webhooks } satisfies PersistedState);
  const persistNow = async () => {
    if (!dataFile || !options.dataDir) return;
    const text = snapshotText();
    const temp = `${dataFile}.${process.pid}.tmp`;
    mkdirSync(options.dataDir, { recursive: true });
    await writeFile(temp, text);
    await rename(temp, dataFile);
  };
  const schedulePersist = () => {
    if (!dataFile || persistTimer) return;
    persistTimer = setTimeout(() => {
      persistTimer = null;
      persisting = persisting.then(persistNow).catch((error: unknown) => {
        if (!quiet) console.error("emulator: could not persist data", error);
      });
    }, 1000);
  };

  const dispatchWebhooks = (events: ChangeEvent[]) => {
    if (webhooks.length === 0) return;
    for (const event of events) {
      for (const hook of webhooks) {
        if (!hook.entities.includes(event.entity) || !hook.messages.includes(event.message)) continue;
        const payload = {
          MessageName: event.message.charAt(0).toUpperCase() + event.message.slice(1),
          PrimaryEntityName: event.entity,
          PrimaryEntityId: event.id,
          OperationCreatedOn: new Date(event.at).toISOString(),
          InitiatingUserId: event.userId,
          UserId: event.userId,
          OrganizationId: organizationId,
          Stage: 40,
          Depth: 1,
          Mode: 1,
          RequestId: randomUUID(),
        };
        fetch(hook.url, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(payload), signal: AbortSignal.timeout(2000) }).catch(() => {});
      }
    }
  };
  store.onEvents = (events) => {
    schedulePersist();
    dispatchWebhooks(events);
  };

  const seedWith = (kind: SeedKind) => {
    const previous = store.onEvents;
    store.onEvents = () => {};
    store.clear();
    if (kind === "demo") seedDemo(api, clientIds);
    else seedSystem(api, clientIds);
    store.onEvents = previous;
  };

  const loaded = dataFile && existsSync(dataFile) ? (JSON.parse(readFileSync(dataFile, "utf8")) as PersistedState) : null;
  if (loaded) {
    organizationId = loaded.organizationId;
    api.settings.organizationId = organizationId;
    store.loadSnapshot(loaded.store);
    webhooks = loaded.webhooks ?? [];
    const previous = store.onEvents;
    store.onEvents = () => {};
    ensureApplicationUsers(api, clientIds);
    store.onEvents = previous;
  } else {
    seedWith(options.seed ?? "none");
  }

  // ---------- tokens ----------
  let tokenEpoch = 0;
  const tokenCache = new Map<string, { clientId: string; expiresAt: number; epoch: number }>();
  const signingKey = (secret: string) => `${organizationId}:${secret}`;
  const issueToken = (clientId: string): string => {
    const payload = Buffer.from(JSON.stringify({ cid: clientId, exp: Date.now() + config.tokenLifetimeSeconds * 1000, ep: tokenEpoch, jti: randomUUID() })).toString("base64url");
    const signature = createHmac("sha256", signingKey(clients.get(clientId) as string)).update(payload).digest("base64url");
    return `emu.${payload}.${signature}`;
  };
  const verifyToken = (token: string): string | null => {
    const cached = tokenCache.get(token);
    if (cached) return cached.expiresAt > Date.now() && cached.epoch === tokenEpoch ? cached.clientId : null;
    const [prefix, payload, signature] = token.split(".");
    if (prefix !== "emu" || !payload || !signature) return null;
    let claims: { cid?: string; exp?: number; ep?: number };
    try {
      claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
    } catch {
      return null;
    }
    const secret = claims.cid ? clients.get(claims.cid) : undefined;
    if (!secret || typeof claims.exp !== "number") return null;
    const expected = new Uint8Array(createHmac("sha256", signingKey(secret)).update(payload).digest());
    const given = new Uint8Array(Buffer.from(signature, "base64url"));
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
    if (tokenCache.size > 10_000) tokenCache.clear();
    tokenCache.set(token, { clientId: claims.cid as string, expiresAt: claims.exp, epoch: claims.ep ?? 0 });
    return claims.exp > Date.now() && (claims.ep ?? 0) === tokenEpoch ? (claims.cid as string) : null;
  };

  // ---------- stats and log ----------
  let stats = { since: new Date().toISOString(), total: 0, byMethod: {} as Record<string, number>, byEntitySet: {} as Record<string, number>, byStatus: {} as Record<string, number>, batchOperations: 0 };
  const resetStats = () => {
    stats = { since: new Date().toISOString(), total: 0, byMethod: {}, byEntitySet: {}, byStatus: {}, batchOperations: 0 };
  };
  const log: LogEntry[] = [];
  let logSeq = 0;
  const record = (entry: Omit<LogEntry, "seq" | "time" | "respondedAtMs">, path: string) => {
    logSeq += 1;
    const logged = entry as LogEntry;
    logged.seq = logSeq;
    logged.time = "";
    logged.respondedAtMs = Date.now();
    // The log keeps the newest entries; trimming in chunks keeps the hot path free of per-request array shifts.
    log.push(logged);
    if (log.length > logCapacity * 1.5) log.splice(0, log.length - logCapacity);
    stats.total += 1;
    stats.byMethod[entry.method] = (stats.byMethod[entry.method] ?? 0) + 1;
    let end = 0;
    while (end < path.length && path.charCodeAt(end) !== 40 && path.charCodeAt(end) !== 47 && path.charCodeAt(end) !== 63) end += 1;
    const setName = end === 0 ? "(root)" : path.slice(0, end);
    stats.byEntitySet[setName] = (stats.byEntitySet[setName] ?? 0) + 1;
    const statusKey = String(entry.status);
    stats.byStatus[statusKey] = (stats.byStatus[statusKey] ?? 0) + 1;
  };

  const forcedFaults: ForcedFault[] = [];

  // ---------- Web API ----------
  const handleApi = async (request: IncomingMessage, response: ServerResponse, rawPath: string, query: string) => {
    const arrival = Date.now();
    const method = request.method ?? "GET";
    const relative = rawPath.length <= apiPrefix.length + 1 ? "" : rawPath.slice(apiPrefix.length + 1);
    const logPath = (query ? `${rawPath}?${query}` : rawPath).slice(0, 500);
    const authorization = request.headers.authorization;
    const clientId = authorization?.startsWith("Bearer ") ? verifyToken(authorization.slice(7).trim()) : null;
    if (!clientId) {
      request.resume();
      record({ timeMs: arrival, method, path: logPath, status: 401, clientId: null }, relative);
      send(
        response,
        401,
        {
          "Content-Type": "application/json; odata.metadata=minimal",
          "WWW-Authenticate": `Bearer authorization_uri=http://${request.headers.host ?? "127.0.0.1"}/common/oauth2/authorize, resource_id=http://${request.headers.host ?? "127.0.0.1"}/`,
        },
        JSON.stringify({ error: { code: "0x80072560", message: "The user is not a member of the organization or the access token is missing, invalid or expired." } }),
      );
      return;
    }
    // A queued error or drop belongs to the next request that gets past service protection; taking it from the queue
    // before a random 429 would lose it.
    const pending = forcedFaults[0];
    const forcedThrottle = pending?.type === "throttle" ? pending : undefined;
    if (forcedThrottle) forcedFaults.shift();
    const admission = protection.admit(clientId, forcedThrottle ? { code: forcedThrottle.code, retryAfter: forcedThrottle.retryAfter } : undefined);
    const forced = !admission && pending && pending.type !== "throttle" ? forcedFaults.shift() : undefined;
    if (admission) {
      request.resume();
      const includeDetails = parsePrefer(request.headers.prefer as string | undefined).includeAnnotations !== null;
      const answer = faultResponse(admission.fault, includeDetails);
      record({ timeMs: arrival, method, path: logPath, status: 429, clientId, retryAfter: admission.retryAfter, duringPenalty: admission.duringPenalty }, relative);
      send(response, answer.status, answer.headers, answer.body);
      return;
    }
    // Only a counted (throttling on) request holds a concurrency slot that must be given back when the answer is done.
    let released = protection.current === null;
    if (!released) {
      response.once("close", () => {
        if (released) return;
        released = true;
        protection.release(clientId);
      });
    }
    try {
      const body = method === "GET" || method === "HEAD" ? "" : await readBody(request);
      const delay = config.latencyMs + (config.jitterMs > 0 ? Math.random() * config.jitterMs : 0);
      if (delay > 0) await sleep(delay);
      if (forced?.type === "drop" || (config.dropRate > 0 && Math.random() < config.dropRate)) {
        record({ timeMs: arrival, method, path: logPath, status: 0, clientId, dropped: true }, relative);
        response.socket?.destroy();
        return;
      }
      if (forced?.type === "error" || (config.failRate > 0 && Math.random() < config.failRate)) {
        const status = forced?.type === "error" ? forced.status : 503;
        record({ timeMs: arrival, method, path: logPath, status, clientId }, relative);
        send(response, status, { "Content-Type": "application/json; odata.metadata=minimal", "OData-Version": "4.0" }, JSON.stringify({ error: { code: "0x80040216", message: "The service is temporarily unavailable (injected fault). Try again later." } }));
        return;
      }
      if (body === null) {
        const fault = new DataverseFault(413, "0x8004d2a8", "The request body is too large.");
        const answer = faultResponse(fault, false);
        record({ timeMs: arrival, method, path: logPath, status: 413, clientId }, relative);
        send(response, answer.status, answer.headers, answer.body);
        return;
      }
      const base = `http://${request.headers.host ?? "127.0.0.1"}${apiPrefix}/`;
      const userId = applicationUserId(clientId);
      let answer: ApiResponse;
      let batchOperations: number | undefined;
      if (relative === "$batch") {
        if (method !== "POST") {
          answer = faultResponse(new DataverseFault(405, "0x80060888", "The requested resource does not support http method."), false);
        } else {
          const prefs = parsePrefer(request.headers.prefer as string | undefined);
          answer = executeBatch(api, { contentType: request.headers["content-type"], body, userId, base, continueOnError: prefs.continueOnError });
          batchOperations = answer.operations ?? 0;
          stats.batchOperations += batchOperations;
        }
      } else {
        const headers: Record<string, string | undefined> = {
          prefer: request.headers.prefer as string | undefined,
          "if-match": request.headers["if-match"] as string | undefined,
          "if-none-match": request.headers["if-none-match"] as string | undefined,
        };
        answer = api.handle({ method, path: relative, query, headers, body, userId, base });
      }
      const remaining = protection.remaining(clientId);
      if (remaining !== null) answer.headers["x-ms-ratelimit-burst-remaining-xrm-requests"] = String(remaining);
      record({ timeMs: arrival, method, path: logPath, status: answer.status, clientId, batchOperations }, relative);
      send(response, answer.status, answer.headers, answer.body);
    } finally {
      if (!released) {
        released = true;
        protection.release(clientId);
      }
    }
  };

  // ---------- OAuth ----------
  const handleToken = async (request: IncomingMessage, response: ServerResponse) => {
    const body = (await readBody(request)) ?? "";
    const form = new URLSearchParams(body);
    let clientId = form.get("client_id");
    let secret = form.get("client_secret");
    const basic = request.headers.authorization;
    if (basic?.startsWith("Basic ")) {
      const [id, pass] = Buffer.from(basic.slice(6), "base64").toString("utf8").split(":");
      clientId ??= decodeURIComponent(id ?? "");
      secret ??= decodeURIComponent(pass ?? "");
    }
    const aadError = (status: number, error: string, code: number, description: string) =>
      sendJson(response, status, {
        error,
        error_description: `AADSTS${code}: ${description}\r\nTrace ID: ${randomUUID()}\r\nCorrelation ID: ${randomUUID()}\r\nTimestamp: ${new Date().toISOString()}`,
        error_codes: [code],
        timestamp: new Date().toISOString(),
        trace_id: randomUUID(),
        correlation_id: randomUUID(),
      });
    if (form.get("grant_type") !== "client_credentials") {
      aadError(400, "unsupported_grant_type", 70003, "The app requested an unsupported grant type. This emulator supports client_credentials only.");
      return;
    }
    if (!clientId || !clients.has(clientId)) {
      aadError(400, "unauthorized_client", 700016, `Application with identifier '${clientId ?? ""}' was not found in the directory.`);
      return;
    }
    if (secret !== clients.get(clientId)) {
      aadError(401, "invalid_client", 7000215, "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.");
      return;
    }
    const scope = form.get("scope") ?? "";
    if (!scope.split(" ").some((item) => item.endsWith("/.default"))) {
      aadError(400, "invalid_scope", 70011, `The provided request must include a 'scope' input parameter. The provided value for the input parameter 'scope' is not valid. The scope ${scope} is not valid.`);
      return;
    }
    sendJson(response, 200, { token_type: "Bearer", expires_in: config.tokenLifetimeSeconds, ext_expires_in: config.tokenLifetimeSeconds, access_token: issueToken(clientId) });
  };

  // ---------- admin ----------
  const readJson = async (request: IncomingMessage): Promise<unknown> => {
    const text = (await readBody(request)) ?? "";
    if (text.trim().length === 0) return {};
    return JSON.parse(text);
  };
  const publicConfig = () => ({ ...config, throttle: protection.current ?? "off" });

  const handleAdmin = async (request: IncomingMessage, response: ServerResponse, path: string, search: URLSearchParams) => {
    const method = request.method ?? "GET";
    const invalid = (error: unknown) => {
      if (error instanceof z.ZodError) sendJson(response, 400, { error: "invalid_request", issues: error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message })) });
      else sendJson(response, 400, { error: "invalid_request", message: "The body must be valid JSON." });
    };
    try {
      if (path === "/_emulator/config") {
        if (method === "GET") return sendJson(response, 200, publicConfig());
        if (method !== "POST") return sendJson(response, 405, { error: "method_not_allowed" });
        const parsed = configSchema.parse(await readJson(request));
        if (parsed.throttle !== undefined) {
          config.throttle = resolveThrottle(parsed.throttle);
          protection.configure(config.throttle);
        }
        for (const key of ["latencyMs", "jitterMs", "failRate", "dropRate", "deltaTokenMaxAgeSeconds", "tokenLifetimeSeconds"] as const) {
          if (parsed[key] !== undefined) config[key] = parsed[key] as number;
        }
        api.settings.deltaTokenMaxAgeSeconds = config.deltaTokenMaxAgeSeconds;
        return sendJson(response, 200, publicConfig());
      }
      if (path === "/_emulator/reset" && method === "POST") {
        const parsed = resetSchema.parse(await readJson(request));
        seedWith(parsed.seed ?? options.seed ?? "none");
        webhooks = [];
        forcedFaults.length = 0;
        protection.configure(config.throttle);
        resetStats();
        schedulePersist();
        return sendJson(response, 200, { ok: true, seed: parsed.seed ?? options.seed ?? "none" });
      }
      if (path === "/_emulator/stats" && method === "GET") return sendJson(response, 200, stats);
      if (path === "/_emulator/stats/reset" && method === "POST") {
        resetStats();
        return sendJson(response, 200, stats);
      }
      if (path === "/_emulator/log" && method === "GET") {
        const since = search.get("since");
        let entries = log;
        if (since) {
          const numeric = Number(since);
          const sinceMs = Number.isFinite(numeric) ? numeric : Date.parse(since);
          entries = Number.isFinite(numeric) && numeric < 1e12 ? log.filter((entry) => entry.seq > numeric) : log.filter((entry) => entry.timeMs >= sinceMs);
        }
        return sendJson(response, 200, { lastSeq: logSeq, entries: entries.slice(-logCapacity).map((entry) => ({ ...entry, time: new Date(entry.timeMs).toISOString() })) });
      }
      if (path === "/_emulator/faults" && method === "POST") {
        const parsed = faultsSchema.parse(await readJson(request));
        forcedFaults.push(...(parsed.faults as ForcedFault[]));
        return sendJson(response, 200, { queued: forcedFaults.length });
      }
      if (path === "/_emulator/revoke-tokens" && method === "POST") {
        tokenEpoch += 1;
        tokenCache.clear();
        return sendJson(response, 200, { ok: true });
      }
      if (path === "/_emulator/webhooks") {
        if (method === "GET") return sendJson(response, 200, { value: webhooks });
        if (method !== "POST") return sendJson(response, 405, { error: "method_not_allowed" });
        const parsed = webhookSchema.parse(await readJson(request));
        const hook: Webhook = { id: randomUUID(), url: parsed.url, entities: parsed.entities, messages: parsed.messages ?? ["create", "update", "delete"] };
        webhooks.push(hook);
        schedulePersist();
        return sendJson(response, 201, hook);
      }
      const hookMatch = /^\/_emulator\/webhooks\/([^/]+)$/.exec(path);
      if (hookMatch && method === "DELETE") {
        const before = webhooks.length;
        webhooks = webhooks.filter((hook) => hook.id !== hookMatch[1]);
        schedulePersist();
        return before === webhooks.length ? sendJson(response, 404, { error: "not_found" }) : send(response, 204, {}, "");
      }
      return sendJson(response, 404, { error: "not_found" });
    } catch (error) {
      invalid(error);
    }
  };

  // ---------- HTML view ----------
  const viewUser = (): string => {
    for (const row of store.table("systemuser").rows.values()) if (row.islicensed === true && row.isdisabled !== true) return row.systemuserid as string;
    return applicationUserId(clientIds[0]);
  };
  const handleHtml = async (request: IncomingMessage, response: ServerResponse, path: string, search: URLSearchParams) => {
    const viewOptions = { consoleUrl: options.consoleUrl ?? null, base: `http://${request.headers.host ?? "127.0.0.1"}${apiPrefix}/`, userId: viewUser() };
    const html = (status: number, text: string) => send(response, status, { "Content-Type": "text/html; charset=utf-8" }, text);
    if (path === "/" && request.method === "GET") return html(200, renderList(api, viewOptions, search));
    if (path === "/ui/edit") {
      const entity = search.get("entity") ?? "";
      const id = search.get("id") ?? "";
      if (request.method === "POST") {
        const form = new URLSearchParams((await readBody(request)) ?? "");
        const error = applyEdit(api, viewOptions, entity, id, form);
        if (error === null) return send(response, 303, { Location: `/?entity=${encodeURIComponent(entity)}` }, "");
        const page = renderEdit(api, viewOptions, entity, id, error);
        return page ? html(400, page) : html(404, "<p>Not found</p>");
      }
      const page = renderEdit(api, viewOptions, entity, id);
      return page ? html(200, page) : html(404, "<p>Record not found</p>");
    }
    return html(404, "<p>Not found</p>");
  };

  const server = createServer((request, response) => {
    const url = request.url ?? "/";
    const questionMark = url.indexOf("?");
    const path = questionMark === -1 ? url : url.slice(0, questionMark);
    const query = questionMark === -1 ? "" : url.slice(questionMark + 1);
    const route = async () => {
      if (path === apiPrefix || path.startsWith(`${apiPrefix}/`)) return handleApi(request, response, path, query);
      if (path.startsWith("/_emulator/")) return handleAdmin(request, response, path, new URLSearchParams(query));
      if (/^\/[^/]+\/oauth2\/v2\.0\/token$/.test(path) && request.method === "POST") return handleToken(request, response);
      const discovery = /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/.exec(path);
      if (discovery) {
        const host = `http://${request.headers.host ?? "127.0.0.1"}`;
        return sendJson(response, 200, {
          token_endpoint: `${host}/${discovery[1]}/oauth2/v2.0/token`,
          issuer: `${host}/${discovery[1]}/v2.0`,
          authorization_endpoint: `${host}/${discovery[1]}/oauth2/v2.0/authorize`,
          jwks_uri: `${host}/${discovery[1]}/discovery/v2.0/keys`,
          token_endpoint_auth_methods_supported: ["client_secret_post", "client_secret_basic"],
          response_types_supported: ["code", "token"],
          scopes_supported: ["openid"],
        });
      }
      return handleHtml(request, response, path, new URLSearchParams(query));
    };
    route().catch((error: unknown) => {
      if (!quiet) console.error("emulator: request failed", error);
      sendJson(response, 500, { error: { code: "0x80040216", message: "An unexpected error occurred in the emulator." } });
    });
  });
  server.keepAliveTimeout = 65_000;

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 5555, options.host ?? "127.0.0.1", () => resolve());
  });
  const address = server.address() as AddressInfo;
  const url = `http://${options.host ?? "127.0.0.1"}:${address.port}`;
  if (dataFile && !loaded) await persistNow();
  if (!quiet) console.log(`Dataverse emulator listening on ${url} (Web API ${url}${apiPrefix}/)`);

  let closed = false;
  return {
    url,
    apiBase: `${url}${apiPrefix}/`,
    async close() {
      if (closed) return;
      closed = true;
      if (persistTimer) clearTimeout(persistTimer);
      await persisting;
      if (dataFile && options.dataDir) {
        mkdirSync(options.dataDir, { recursive: true });
        const temp = `${dataFile}.${process.pid}.tmp`;
        writeFileSync(temp, snapshotText());
        renameSync(temp, dataFile);
      }
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

