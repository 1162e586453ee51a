import type { MappingStatus, SyncDirection } from "../../lib/db/generated/browser.ts";

// Enum values → catalog keys of the shared "integration" namespace, and status → badge tone.

export function directionKey(direction: SyncDirection | string): "bidirectional" | "toIntegrationTable" | "fromIntegrationTable" {
  return direction === "TO_INTEGRATION_TABLE" ? "toIntegrationTable" : direction === "FROM_INTEGRATION_TABLE" ? "fromIntegrationTable" : "bidirectional";
}

export function mappingStatusTone(status: MappingStatus | string, isEnabled: boolean): "ok" | "warn" | "error" | "neutral" | "info" {
  if (!isEnabled) return "neutral";
  if (status === "RUNNING") return "info";
  if (status === "PAUSED" || status === "ON_HOLD") return "warn";
  return "ok";
}

export function jobStatusTone(status: string): "ok" | "warn" | "error" | "neutral" | "info" {
  if (status === "SUCCEEDED") return "ok";
  if (status === "FAILED") return "error";
  if (status === "RUNNING") return "info";
  if (status === "CANCELLED") return "warn";
  return "neutral";
}
