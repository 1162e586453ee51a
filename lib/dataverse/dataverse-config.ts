import { z } from "zod";

// Everything the client needs arrives in one explicit object: lib/dataverse never reads process.env,
// so the caller (lib/env.ts, a worker, a test) decides where the values come from.
export const dataverseLimitsSchema = z.object({
  maxConcurrentRequests: z.number().int().min(1).max(52).default(16),
  maxRetries: z.number().int().min(0).max(20).default(5),
  maxThrottleRetries: z.number().int().min(0).max(100).default(25),
  backoffBaseMs: z.number().int().min(1).default(250),
  backoffMaxMs: z.number().int().min(1).default(30_000),
  requestTimeoutMs: z.number().int().min(1).default(120_000),
  maxPageSize: z.number().int().min(1).max(5000).default(5000),
  maxOperationsPerBatch: z.number().int().min(1).max(1000).default(1000),
  batchConcurrency: z.number().int().min(1).max(52).default(4),
});

export const dataverseConfigSchema = z.object({
  // Environment URL, e.g. https://contoso.crm4.dynamics.com or http://127.0.0.1:5555 for the emulator.
  baseUrl: z.url(),
  tenantId: z.string().min(1),
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  authorityHost: z.url().optional(),
  scope: z.string().min(1).optional(),
  apiVersion: z.string().regex(/^v\d+\.\d+$/).default("v9.2"),
  limits: dataverseLimitsSchema.prefault({}),
});

export type DataverseConfigInput = z.input<typeof dataverseConfigSchema>;
export type DataverseConfig = z.output<typeof dataverseConfigSchema>;
export type DataverseLimits = z.output<typeof dataverseLimitsSchema>;

export function parseDataverseConfig(input: DataverseConfigInput): DataverseConfig {
  return dataverseConfigSchema.parse(input);
}

export function environmentUrl(config: Pick<DataverseConfig, "baseUrl">): string {
  return config.baseUrl.replace(/\/+$/, "");
}

export function webApiBase(config: Pick<DataverseConfig, "baseUrl" | "apiVersion">): string {
  return `${environmentUrl(config)}/api/data/${config.apiVersion}/`;
}
