import type { SyncStatus } from "./coupling-types.ts";

type CouplingState = {
  isSkipped: boolean;
  errorClass: string | null;
  conflict: unknown;
  lastToResult: string;
  lastFromResult: string;
  lastSyncedErpVersion: number | null;
};

/**
 * A record's synchronization status from its coupling row and its current rowVersion: the ERP record counts as
 * modified when its version moved past the one the last synchronization saw (or none was ever synchronized).
 */
export function syncStatusOf(coupling: CouplingState | null | undefined, rowVersion: number | undefined): SyncStatus {
  if (!coupling) return "notCoupled";
  if (coupling.isSkipped) return "skipped";
  if (coupling.errorClass === "CONFLICT" || coupling.errorClass === "DELETION_CONFLICT" || (coupling.conflict !== null && coupling.conflict !== undefined)) {
    return "conflict";
  }
  if (coupling.errorClass || coupling.lastToResult === "FAILURE" || coupling.lastFromResult === "FAILURE") return "failed";
  if (coupling.lastSyncedErpVersion === null || rowVersion === undefined || rowVersion !== coupling.lastSyncedErpVersion) return "modified";
  return "synchronized";
}
