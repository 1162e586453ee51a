import { DataverseClient, type DataverseClientOptions } from "../../../lib/dataverse/dataverse-client.ts";
import type { DataverseConfigInput } from "../../../lib/dataverse/dataverse-config.ts";

// The client tests run against a freshly started emulator, or against a real org when DV_BASE, DV_TENANT,
// DV_CLIENT_ID and DV_CLIENT_SECRET are set (tests that need the emulator's admin endpoints are skipped then).
export type ClientTarget = {
  config: DataverseConfigInput;
  // Emulator root URL for /_emulator/* admin calls; null against a real org.
  emulatorUrl: string | null;
  client(options?: DataverseClientOptions & { limits?: DataverseConfigInput["limits"] }): DataverseClient;
  close(): Promise<void>;
};

type EmulatorOptions = Parameters<typeof import("../../../emulator/emulator-server.ts").startEmulator>[0];

export const realOrg =
  process.env.DV_BASE && process.env.DV_TENANT && process.env.DV_CLIENT_ID && process.env.DV_CLIENT_SECRET
    ? {
        baseUrl: process.env.DV_BASE,
        tenantId: process.env.DV_TENANT,
        clientId: process.env.DV_CLIENT_ID,
        clientSecret: process.env.DV_CLIENT_SECRET,
      }
    : null;

export async function startTarget(emulatorOptions: EmulatorOptions = {}): Promise<ClientTarget> {
  if (realOrg) {
    const config: DataverseConfigInput = { ...realOrg };
    return {
      config,
      emulatorUrl: null,
      client: (options = {}) => new DataverseClient({ ...config, limits: options.limits }, options),
      close: async () => {},
    };
  }
  const { startEmulator } = await import("../../../emulator/emulator-server.ts");
  const emulator = await startEmulator({ port: 0, dataDir: null, seed: "none", quiet: true, ...emulatorOptions });
  const config: DataverseConfigInput = {
    baseUrl: emulator.url,
    tenantId: "conformance-tenant",
    clientId: emulatorOptions?.clientId ?? "emulator",
    clientSecret: emulatorOptions?.clientSecret ?? "emulator-secret",
    authorityHost: emulator.url,
  };
  return {
    config,
    emulatorUrl: emulator.url,
    client: (options = {}) => new DataverseClient({ ...config, limits: options.limits }, options),
    close: () => emulator.close(),
  };
}

export async function setEmulatorConfig(emulatorUrl: string, config: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${emulatorUrl}/_emulator/config`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(config),
  });
  if (!response.ok) throw new Error(`emulator config failed: ${response.status} ${await response.text()}`);
}

export async function getEmulatorJson(emulatorUrl: string, path: string): Promise<unknown> {
  const response = await fetch(`${emulatorUrl}${path}`);
  if (!response.ok) throw new Error(`${path} failed: ${response.status}`);
  return response.json();
}

export function uniquePrefix(): string {
  return `T${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`.toUpperCase();
}
