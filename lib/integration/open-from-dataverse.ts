import type { SessionUser } from "../auth/authorize.ts";
import { roleHasPermission } from "../auth/permissions.ts";
import { isGuid, normalizeGuid } from "../dataverse/odata-query.ts";
import { ERP_TABLE_NOUNS } from "./field-catalog.ts";
import {
  dataverseRecordName,
  dataverseRowPasses,
  describeIntegrationFilter,
  erpCardPath,
  fetchDataverseRecord,
  findErpRecord,
  integrationODataFilter,
  mappingForEntity,
  type OperationDeps,
} from "./operation-context.ts";
import { runSync } from "./sync-run.ts";

// The "open in ERP" link of a Dataverse record (BC `OpenCoupledNavRecordPage`, §2h): a coupled record opens its ERP
// card; an uncoupled one is first created in the ERP from the Dataverse record and coupled — synchronously, by the
// engine's From insert — when the mapping allows it (Sync Only Coupled Records off, direction Bidirectional or From)
// and the user may couple records; otherwise the page explains why it cannot. A lookup of the record whose parent is
// not coupled but has a natural match (the account's currency by ISO code) is coupled on the fly by that insert
// (lookup-resolution.ts), so opening an account does not need the currencies coupled first.

export type OpenResult =
  | { kind: "redirect"; location: string; created: boolean }
  | { kind: "explain"; status: 400 | 403 | 404 | 409 | 422; title: string; message: string };

export const OPENABLE_ENTITIES = ["account", "contact"] as const;

export async function openFromDataverse(deps: OperationDeps, user: SessionUser, input: { entity: string; id: string }): Promise<OpenResult> {
  const { db, client } = deps;
  if (!(OPENABLE_ENTITIES as readonly string[]).includes(input.entity) || !isGuid(input.id)) {
    return { kind: "explain", status: 400, title: "This link is not valid", message: "The link must name an account or a contact and its id, like /dataverse/open?entity=account&id=<guid>." };
  }
  const id = normalizeGuid(input.id);
  const mapping = await mappingForEntity(db, input.entity);
  if (!mapping) {
    return { kind: "explain", status: 422, title: "Not coupled", message: `No table mapping couples Dataverse ${input.entity} records with the ERP.` };
  }
  const noun = ERP_TABLE_NOUNS[mapping.row.erpTable];
  const coupling = await db.coupling.findUnique({ where: { dataverseEntity_dataverseId: { dataverseEntity: input.entity, dataverseId: id } } });
  if (coupling) {
    const erp = await findErpRecord(db, coupling.erpTable, coupling.erpId);
    if (erp) return { kind: "redirect", location: erpCardPath(coupling.erpTable, erp), created: false };
    return {
      kind: "explain",
      status: 409,
      title: `The ${noun} was deleted`,
      message: `This Dataverse ${input.entity} is coupled to a ${noun} that no longer exists in the ERP. Use Restore Records or Remove Coupling on the Coupled Data Synchronization Errors page.`,
    };
  }
  const dataverse = await fetchDataverseRecord(client, input.entity, id);
  if (!dataverse) return { kind: "explain", status: 404, title: "Not found", message: `There is no Dataverse ${input.entity} with the id ${id}.` };
  const name = dataverseRecordName(input.entity, dataverse, id);
  const direction = mapping.row.direction;
  if (mapping.row.syncOnlyCoupledRecords || direction === "TO_INTEGRATION_TABLE") {
    const why = mapping.row.syncOnlyCoupledRecords
      ? `the table mapping ${mapping.row.name} synchronizes only coupled records`
      : `the table mapping ${mapping.row.name} only sends data to Dataverse`;
    return {
      kind: "explain",
      status: 422,
      title: `Not coupled to a ${noun}`,
      message: `The ${name} is not coupled to a ${noun}, and it cannot be created in the ERP from here because ${why}. Couple it from the ${noun}'s card with Set Up Coupling, or ask an administrator to change the mapping.`,
    };
  }
  if (!roleHasPermission(user.role, "coupling.manage")) {
    return {
      kind: "explain",
      status: 403,
      title: `Not coupled to a ${noun}`,
      message: `The ${name} is not coupled to a ${noun}. Creating the ${noun} from it needs a role that may couple records; yours (${user.role.toLowerCase()}) does not. Ask a user or an administrator.`,
    };
  }
  if (!(await dataverseRowPasses(client, input.entity, id, integrationODataFilter(mapping)))) {
    return {
      kind: "explain",
      status: 422,
      title: `Not coupled to a ${noun}`,
      message: `The filters applied to table mapping ${mapping.row.name} are preventing the ${name} from being synchronized (integration table filter: ${describeIntegrationFilter(mapping)}).`,
    };
  }
  const result = await runSync(deps, {
    mappingId: mapping.row.id,
    direction: "FROM_INTEGRATION_TABLE",
    trigger: "MANUAL",
    scope: { dataverseIds: [id] },
    force: true,
    overrideSyncOnlyCoupled: true,
    requestedById: user.id,
  });
  const created = await db.coupling.findUnique({ where: { dataverseEntity_dataverseId: { dataverseEntity: input.entity, dataverseId: id } } });
  const erp = created ? await findErpRecord(db, created.erpTable, created.erpId) : null;
  if (erp) return { kind: "redirect", location: erpCardPath(mapping.row.erpTable, erp), created: true };
  const failure = await db.syncRecordLog.findFirst({ where: { jobId: { in: result.jobs.map((j) => j.id) }, dataverseId: id }, orderBy: { id: "desc" } });
  return {
    kind: "explain",
    status: 422,
    title: `The ${noun} could not be created`,
    message: failure?.message ?? `The ${name} could not be created in the ERP. See the synchronization log of the ${mapping.row.name} mapping.`,
  };
}
