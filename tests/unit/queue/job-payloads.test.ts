import { describe, expect, it } from "vitest";
import {
  JobPayloadError,
  jobKinds,
  parseJobPayload,
  type JobKind,
} from "../../../lib/queue/job-payloads.ts";

const mappingId = "0b8f9c3e-4a5d-4e6f-8a7b-9c0d1e2f3a4b";
const recordId = "1c9a0d4f-5b6e-4f70-9b8c-0d1e2f3a4b5c";
const dataverseId = "a1b2c3d4-0000-0000-0000-000000000001";

const valid: { kind: JobKind; payload: unknown }[] = [
  { kind: "sync-run", payload: { mappingId, trigger: "SCHEDULE" } },
  {
    kind: "sync-run",
    payload: {
      mappingId,
      direction: "TO_INTEGRATION_TABLE",
      trigger: "MANUAL",
      scope: { erpRecordIds: [recordId], forceModify: true },
      jobId: recordId,
    },
  },
  { kind: "coupling", payload: { mappingId, erpRecordId: recordId, dataverseId } },
  { kind: "uncoupling", payload: { mappingId, couplingIds: [recordId] } },
  { kind: "uncoupling", payload: { mappingId, all: true } },
  { kind: "match-coupling", payload: { mappingId, erpRecordIds: [recordId], createNewIfNoMatch: true } },
  { kind: "full-sync", payload: {} },
  { kind: "full-sync", payload: { mappingIds: [mappingId] } },
  { kind: "maintenance", payload: {} },
  { kind: "ping", payload: { echo: "hello", workMs: 10, failAttempts: 1 } },
];

const invalid: { kind: JobKind; payload: unknown; fields: string[] }[] = [
  { kind: "sync-run", payload: {}, fields: ["mappingId", "trigger"] },
  { kind: "sync-run", payload: { mappingId: "42", trigger: "SOMETIMES" }, fields: ["mappingId", "trigger"] },
  { kind: "sync-run", payload: { mappingId, trigger: "MANUAL", direction: "SIDEWAYS" }, fields: ["direction"] },
  { kind: "sync-run", payload: { mappingId, trigger: "MANUAL", scope: { erpRecordIds: ["x"] } }, fields: ["scope.erpRecordIds.0"] },
  { kind: "sync-run", payload: { mappingId, trigger: "MANUAL", extra: 1 }, fields: ["_form"] },
  { kind: "coupling", payload: { mappingId, erpRecordId: recordId, dataverseId: "nope" }, fields: ["dataverseId"] },
  { kind: "uncoupling", payload: { mappingId }, fields: ["couplingIds"] },
  { kind: "uncoupling", payload: { mappingId, all: true, couplingIds: [recordId] }, fields: ["couplingIds"] },
  { kind: "match-coupling", payload: { mappingId, erpRecordIds: [] }, fields: ["erpRecordIds"] },
  { kind: "full-sync", payload: { mappingIds: [] }, fields: ["mappingIds"] },
  { kind: "maintenance", payload: { staleHeartbeatSeconds: 1 }, fields: ["staleHeartbeatSeconds"] },
  { kind: "ping", payload: { workMs: -1 }, fields: ["workMs"] },
  { kind: "ping", payload: null, fields: ["_form"] },
];

describe("job payload schemas", () => {
  it("has a schema for every job kind", () => {
    expect(jobKinds.sort()).toEqual(
      ["coupling", "full-sync", "maintenance", "match-coupling", "ping", "sync-run", "uncoupling"].sort(),
    );
  });

  it.each(valid)("accepts a valid $kind payload", ({ kind, payload }) => {
    expect(() => parseJobPayload(kind, payload)).not.toThrow();
  });

  it.each(invalid)("refuses $kind payload $payload with messages on $fields", ({ kind, payload, fields }) => {
    let error: unknown;
    try {
      parseJobPayload(kind, payload);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(JobPayloadError);
    const payloadError = error as JobPayloadError;
    expect(payloadError.code).toBe("invalid");
    expect(Object.keys(payloadError.fieldErrors ?? {}).sort()).toEqual([...fields].sort());
    for (const field of fields) expect(payloadError.message).toContain(field);
  });

  it("applies the maintenance defaults", () => {
    expect(parseJobPayload("maintenance", {})).toEqual({
      completedJobAgeSeconds: 86_400,
      failedJobAgeSeconds: 604_800,
      staleHeartbeatSeconds: 3_600,
    });
  });
});
