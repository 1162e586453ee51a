import { renderText, serverMessage, type LocalText, type ServerMessage } from "../actions/server-message.ts";
import type { SessionUser } from "../auth/authorize.ts";
import { roleHasPermission } from "../auth/permissions.ts";
import { isGuid, normalizeGuid } from "../dataverse/odata-query.ts";
import {
  dataverseRecordNameText,
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

/** An explanation's `title` and `message` are in English; `text` describes them, for the reader's language. */
export type OpenResult =
  | { kind: "redirect"; location: string; created: boolean }
  | { kind: "explain"; status: 400 | 403 | 404 | 409 | 422; title: string; message: string; text: { title: ServerMessage; message: LocalText } };

type ExplainStatus = Extract<OpenResult, { kind: "explain" }>["status"];

function explain(status: ExplainStatus, title: ServerMessage, message: LocalText): OpenResult {
  return { kind: "explain", status, title: renderText("en", title), message: renderText("en", message), text: { title, message } };
}

export const OPENABLE_ENTITIES = ["account", "contact"] as const;

export async function openFromDataverse(deps: OperationDeps, user: SessionUser, input: { entity: string; id: string }): Promise<OpenResult> {
  const { db, client } = deps;
  if (!(OPENABLE_ENTITIES as readonly string[]).includes(input.entity) || !isGuid(input.id)) {
    return explain(
      400,
      serverMessage("openFromDataverse.linkInvalidTitle"),
      serverMessage("openFromDataverse.linkInvalid", { example: "/dataverse/open?entity=account&id=<guid>" }),
    );
  }
  const id = normalizeGuid(input.id);
  const mapping = await mappingForEntity(db, input.entity);
  if (!mapping) {
    return explain(422, serverMessage("openFromDataverse.notCoupledTitle"), serverMessage("openFromDataverse.noMapping", { entity: input.entity }));
  }
  const noun = { key: `tableNouns.${mapping.row.erpTable}` } as const;
  const coupling = await db.coupling.findUnique({ where: { dataverseEntity_dataverseId: { dataverseEntity: input.entity, dataverseId: id } } });
  if (coupling) {
    const erp = await findErpRecord(db, coupling.erpTable, coupling.erpId);
    if (erp) return { kind: "redirect", location: erpCardPath(coupling.erpTable, erp), created: false };
    return explain(409, serverMessage("openFromDataverse.erpDeletedTitle", { noun }), serverMessage("openFromDataverse.erpDeleted", { entity: input.entity, noun }));
  }
  const dataverse = await fetchDataverseRecord(client, input.entity, id);
  if (!dataverse) return explain(404, serverMessage("openFromDataverse.notFoundTitle"), serverMessage("openFromDataverse.notFound", { entity: input.entity, id }));
  const name = dataverseRecordNameText(input.entity, dataverse, id);
  const notCoupledTo = serverMessage("openFromDataverse.notCoupledToTitle", { noun });
  const direction = mapping.row.direction;
  if (mapping.row.syncOnlyCoupledRecords || direction === "TO_INTEGRATION_TABLE") {
    const why = serverMessage(mapping.row.syncOnlyCoupledRecords ? "openFromDataverse.whySyncOnlyCoupled" : "openFromDataverse.whySendOnly", { mapping: mapping.row.name });
    return explain(422, notCoupledTo, serverMessage("openFromDataverse.cannotCreate", { name, noun, why }));
  }
  if (!roleHasPermission(user.role, "coupling.manage")) {
    return explain(403, notCoupledTo, serverMessage("openFromDataverse.roleMayNotCouple", { name, noun, role: user.role.toLowerCase() }));
  }
  if (!(await dataverseRowPasses(client, input.entity, id, integrationODataFilter(mapping)))) {
    return explain(422, notCoupledTo, serverMessage("openFromDataverse.filtered", { mapping: mapping.row.name, name, filter: describeIntegrationFilter(mapping) }));
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
  // The engine's message is stored in English; the page shows it translated.
  return explain(
    422,
    serverMessage("openFromDataverse.createFailedTitle", { noun }),
    failure?.message ?? serverMessage("openFromDataverse.createFailed", { name, mapping: mapping.row.name }),
  );
}
