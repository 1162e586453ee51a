import type { JobSummary } from "../../lib/integration/job-queries.ts";

// The plain shapes the coupling server actions and pages hand to the coupling components (serializable: they cross
// the server/client boundary).

export type SyncStatus = "synchronized" | "modified" | "conflict" | "failed" | "skipped" | "notCoupled";

export type SyncAfterChoice = "none" | "erp" | "dataverse";

export type MappingDirection = "BIDIRECTIONAL" | "TO_INTEGRATION_TABLE" | "FROM_INTEGRATION_TABLE";

export type DataverseCandidate = { id: string; name: string; detail: string; isCoupled: boolean };

export type CouplingDialogState = {
  mapping: string;
  direction: MappingDirection;
  entity: string;
  coupledTo: DataverseCandidate | null;
  defaultSyncAfter: SyncAfterChoice;
  canCreateNew: boolean;
  syncAfterOptions: SyncAfterChoice[];
};

export type FieldComparisonRow = {
  key: string;
  erpLabel: string;
  dataverseLabel: string;
  erp: string;
  dataverse: string;
  direction: string;
  isSame: boolean;
};

export type OperationOutcome =
  | { status: "completed"; message: string; jobs: JobSummary[] }
  | { status: "queued"; message: string; jobIds: string[]; jobs: JobSummary[]; skipped?: number };

export type RecordLogEntry = {
  jobId: string;
  at: string;
  outcome: string;
  message: string | null;
  jobType: string | null;
  direction: string | null;
  jobStatus: string | null;
  jobMessage: string | null;
};

export type MatchCriteriaOptions = {
  mapping: string;
  fields: { erpField: string; dataverseAttribute: string; isSelected: boolean; caseSensitive: boolean; priority: number }[];
  createNewIfNoMatch: boolean;
  syncAfterCoupling: boolean;
  canCreateNew: boolean;
  /** May make a run's choices the mapping's defaults (the role may change mappings). */
  canSaveCriteria: boolean;
};

/** The card's Dataverse panel. */
export type CardCoupling = {
  status: SyncStatus;
  dataverseId: string | null;
  dataverseName: string | null;
  dataverseExists: boolean | null;
  openUrl: string | null;
  errorMessage: string | null;
  lastToResult: string;
  lastToAt: string | null;
  lastFromResult: string;
  lastFromAt: string | null;
  mappingDirection: MappingDirection | null;
};

export type CouplingPermissions = { canCouple: boolean; canSync: boolean; canRead: boolean };
