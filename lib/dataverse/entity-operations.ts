import type { BatchOperation } from "./batch-builder.ts";
import { buildQueryString, entityPath, entitySetName, normalizeGuid, isGuid, type EntityKey, type Expand } from "./odata-query.ts";
import type { Entity } from "./response-schemas.ts";

// Request specs for single-record operations (reference §4). The same spec is sent on its own by the client or
// placed into a $batch, so both paths have identical semantics.

const knownPrimaryKeys: Record<string, string> = {
  accounts: "accountid",
  contacts: "contactid",
  systemusers: "systemuserid",
  transactioncurrencies: "transactioncurrencyid",
};

export function primaryKeyOf(entitySet: string): string {
  const known = knownPrimaryKeys[entitySet];
  if (known) return known;
  const singular = entitySet.endsWith("ies") ? `${entitySet.slice(0, -3)}y` : entitySet.replace(/s$/, "");
  return `${singular}id`;
}

export type RepresentationOptions = { returnRepresentation?: boolean; select?: string[] };

function representation(options: RepresentationOptions & { expand?: Expand[] }): { query: string; headers: Record<string, string> } {
  if (!options.returnRepresentation) return { query: "", headers: {} };
  return { query: buildQueryString({ select: options.select, expand: options.expand }), headers: { Prefer: "return=representation" } };
}

export type CreateOptions = RepresentationOptions & { id?: string; primaryKey?: string; expand?: Expand[] };

// $expand is honoured on POST with return=representation (ignored by Dataverse on PATCH, so not offered there).
// A client-chosen id makes create retry-safe: a repeat is refused as a duplicate instead of creating a second row.
export function createOperation(entitySet: string, body: Entity, options: CreateOptions = {}): BatchOperation {
  const rep = representation(options);
  const payload = { ...body };
  if (options.id) payload[options.primaryKey ?? primaryKeyOf(entitySet)] = normalizeGuid(options.id);
  return { method: "POST", url: `${entitySetName(entitySet)}${rep.query}`, headers: rep.headers, body: payload };
}

export type RetrieveOptions = { select?: string[]; expand?: Expand[]; includeAnnotations?: string };

export function retrieveOperation(entitySet: string, key: EntityKey, options: RetrieveOptions = {}): BatchOperation {
  const headers: Record<string, string> = {};
  if (options.includeAnnotations) headers.Prefer = `odata.include-annotations="${options.includeAnnotations}"`;
  return { method: "GET", url: entityPath(entitySet, key) + buildQueryString({ select: options.select, expand: options.expand }), headers };
}

export type UpdateOptions = RepresentationOptions & { ifMatch?: string };

// A plain PATCH would create a missing record; update sends If-Match (the ETag, or * for "must exist").
export function updateOperation(entitySet: string, key: EntityKey, body: Entity, options: UpdateOptions = {}): BatchOperation {
  const rep = representation(options);
  return { method: "PATCH", url: entityPath(entitySet, key) + rep.query, headers: { ...rep.headers, "If-Match": options.ifMatch ?? "*" }, body };
}

export type UpsertMode = "upsert" | "createOnly" | "updateOnly";
export type UpsertOptions = RepresentationOptions & { mode?: UpsertMode };

export function upsertOperation(entitySet: string, key: EntityKey, body: Entity, options: UpsertOptions = {}): BatchOperation {
  const rep = representation(options);
  const headers: Record<string, string> = { ...rep.headers };
  if (options.mode === "createOnly") headers["If-None-Match"] = "*";
  if (options.mode === "updateOnly") headers["If-Match"] = "*";
  return { method: "PATCH", url: entityPath(entitySet, key) + rep.query, headers, body };
}

export type DeleteOptions = { ifMatch?: string };

export function deleteOperation(entitySet: string, key: EntityKey, options: DeleteOptions = {}): BatchOperation {
  const headers: Record<string, string> = {};
  if (options.ifMatch) headers["If-Match"] = options.ifMatch;
  return { method: "DELETE", url: entityPath(entitySet, key), headers };
}

// OData-EntityId is `{base}/accounts(<guid>)`, or the alternate-key form when the request used one.
export function idFromEntityUrl(url: string | null | undefined): string | null {
  if (!url) return null;
  const match = /\(([^()]*)\)\s*$/.exec(url);
  if (!match) return null;
  const inner = match[1].replace(/^[A-Za-z_]+id=/, "");
  return isGuid(inner) ? normalizeGuid(inner) : null;
}

export function idFromKey(key: EntityKey): string | null {
  return typeof key === "string" ? normalizeGuid(key) : null;
}
