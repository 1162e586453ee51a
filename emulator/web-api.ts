import { randomUUID } from "node:crypto";
import { entityByLogicalName, entityBySetName, entityDefs, edmTypeOf, isLookup, lookupTypeField, type AttributeDef, type EntityDef } from "./entity-schema.ts";
import type { EntityStore, Row, TableData } from "./entity-store.ts";
import { DataverseFault, errorBody, faults } from "./odata-errors.ts";
import { compareValues, compileFilter, type MemberResolver, type ValueType } from "./odata-filter-parser.ts";
import {
  annotationMatcher,
  isGuid,
  parseKeyPredicate,
  parsePrefer,
  parseQuery,
  parseResourcePath,
  splitTopLevel,
  withoutOption,
  type KeyPredicate,
  type Preferences,
  type QueryOptions,
} from "./odata-url.ts";
import { RowSerializer, columnsFor, etagOf, type Column, type ExpandSpec } from "./row-serializer.ts";
import { metadataDocument, entityDefinitionsResponse } from "./metadata-document.ts";

export type ApiRequest = {
  method: string;
  path: string; // the part after /api/data/v9.2/, without the query string
  query: string;
  headers: Record<string, string | undefined>;
  body: string;
  userId: string;
  base: string; // absolute Web API base ending with "/"
  contentIds?: Map<string, string>;
};

export type ApiResponse = { status: number; headers: Record<string, string>; body: string; location?: string; operations?: number };

export type WebApiSettings = {
  deltaTokenMaxAgeSeconds: number;
  readOnlyProperties: "reject" | "ignore";
  organizationId: string;
  businessUnitId: string;
};

const jsonType = "application/json; odata.metadata=minimal";
const maxPage = 5000;

export function jsonResponse(status: number, payload: unknown, headers: Record<string, string> = {}): ApiResponse {
  return { status, headers: { "Content-Type": jsonType, "OData-Version": "4.0", ...headers }, body: JSON.stringify(payload) };
}

export function faultResponse(fault: DataverseFault, includeDetails: boolean): ApiResponse {
  return {
    status: fault.status,
    headers: { "Content-Type": jsonType, "OData-Version": "4.0", ...fault.headers },
    body: errorBody(fault, includeDetails),
  };
}

function noContent(headers: Record<string, string> = {}): ApiResponse {
  return { status: 204, headers: { "OData-Version": "4.0", ...headers }, body: "" };
}

type Target = { table: TableData; def: EntityDef; key: KeyPredicate; row: Row | undefined; keyUrl: string };

type Cursor = { v: unknown[] };
type TrackCursor = { from: number | null; to: number; phase: number; last: unknown };

function encodeSkipToken(page: number, cursor: unknown, tracking: boolean): string {
  const cookie = Buffer.from(JSON.stringify(cursor)).toString("base64url");
  return `<cookie pagenumber="${page}" pagingcookie="${cookie}" istracking="${tracking ? "True" : "False"}" />`;
}

function decodeSkipToken(token: string): { page: number; cursor: unknown } {
  const match = /pagenumber="(\d+)"\s+pagingcookie="([A-Za-z0-9_-]*)"/.exec(token);
  if (!match) throw new DataverseFault(400, "0x80060888", "The $skiptoken is not valid.");
  try {
    return { page: Number(match[1]), cursor: JSON.parse(Buffer.from(match[2], "base64url").toString("utf8")) };
  } catch {
    throw new DataverseFault(400, "0x80060888", "The $skiptoken is not valid.");
  }
}

function pad(value: number): string {
  return String(value).padStart(2, "0");
}

function deltaToken(version: number, at: number): string {
  const date = new Date(at);
  return `${version}!${pad(date.getUTCMonth() + 1)}/${pad(date.getUTCDate())}/${date.getUTCFullYear()} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`;
}

function parseDeltaToken(token: string): { version: number; at: number } {
  const match = /^(\d+)!(\d{2})\/(\d{2})\/(\d{4}) (\d{2}):(\d{2}):(\d{2})$/.exec(token);
  if (!match) throw new DataverseFault(400, "0x80060888", "The $deltatoken is not valid.");
  const at = Date.UTC(Number(match[4]), Number(match[2]) - 1, Number(match[3]), Number(match[5]), Number(match[6]), Number(match[7]));
  return { version: Number(match[1]), at };
}

function composeAddress(row: Row): string | null {
  const street = [row.address1_line1, row.address1_line2, row.address1_line3].filter((part) => typeof part === "string" && part.length > 0);
  const cityLine = [row.address1_city, row.address1_stateorprovince].filter((part) => typeof part === "string" && part.length > 0).join(", ");
  const cityPostal = [cityLine, row.address1_postalcode].filter((part) => typeof part === "string" && part.length > 0).join(" ");
  const lines = [...street, cityPostal, row.address1_country].filter((part) => typeof part === "string" && part.length > 0);
  return lines.length > 0 ? lines.join("\r\n") : null;
}

function wrongTypeFault(def: EntityDef, edm: string, value: unknown): DataverseFault {
  return faults.payload(
    def.entitySetName,
    `Microsoft.OData.ODataException: Cannot convert a primitive value to the expected type '${edm}'. See the inner exception for more details. ---> Cannot convert the literal '${JSON.stringify(value)}' to the expected type '${edm}'.`,
  );
}

export class WebApi {
  readonly serializer: RowSerializer;

  constructor(
    readonly store: EntityStore,
    readonly settings: WebApiSettings,
  ) {
    this.serializer = new RowSerializer(store);
  }

  handle(request: ApiRequest): ApiResponse {
    const prefs = parsePrefer(request.headers.prefer);
    // Every write runs in its own transaction (unless a change set already opened one) so a failure never half-writes.
    const ownsTransaction = request.method !== "GET" && !this.store.isInTransaction;
    if (ownsTransaction) this.store.begin();
    try {
      const response = this.route(request, prefs);
      if (ownsTransaction) this.store.commit();
      return response;
    } catch (error) {
      if (ownsTransaction) this.store.rollback();
      if (error instanceof DataverseFault) return faultResponse(error, prefs.includeAnnotations !== null);
      const message = error instanceof Error ? error.message : String(error);
      return faultResponse(new DataverseFault(500, "0x80040216", `An unexpected error occurred: ${message}`), false);
    }
  }

  private route(request: ApiRequest, prefs: Preferences): ApiResponse {
    const path = request.path;
    if (path === "" || path === "/") {
      if (request.method !== "GET") throw faults.methodNotAllowed();
      return jsonResponse(200, {
        "@odata.context": `${request.base}$metadata`,
        value: entityDefs.map((def) => ({ name: def.entitySetName, kind: "EntitySet", url: def.entitySetName })),
      });
    }
    if (path === "$metadata") {
      return { status: 200, headers: { "Content-Type": "application/xml", "OData-Version": "4.0" }, body: metadataDocument() };
    }
    if (path === "WhoAmI" || path === "WhoAmI()") {
      if (request.method !== "GET") throw faults.noResource(`${request.base}${path}`);
      return jsonResponse(200, {
        "@odata.context": `${request.base}$metadata#Microsoft.Dynamics.CRM.WhoAmIResponse`,
        BusinessUnitId: this.settings.businessUnitId,
        UserId: request.userId,
        OrganizationId: this.settings.organizationId,
      });
    }
    const resource = parseResourcePath(path);
    if (resource.segment === "EntityDefinitions") {
      if (request.method !== "GET") throw faults.methodNotAllowed();
      return entityDefinitionsResponse(request, resource, parseQuery(request.query));
    }
    const def = entityBySetName.get(resource.segment);
    if (!def) throw faults.segment(resource.segment);
    const table = this.store.table(def.logicalName);
    const query = parseQuery(request.query);

    if (resource.keyText === null) {
      if (resource.rest.length === 1 && resource.rest[0] === "$count") {
        if (request.method !== "GET") throw faults.methodNotAllowed();
        return this.countOnly(table, query);
      }
      if (resource.rest.length > 0) throw faults.segment(resource.rest[0]);
      if (request.method === "GET") return this.queryCollection(request, table, query, prefs);
      if (request.method === "POST") return this.create(request, table, query, prefs);
      throw faults.methodNotAllowed();
    }

    const target = this.resolveTarget(request, table, resource.keyText);
    if (resource.rest.length === 0) {
      switch (request.method) {
        case "GET":
          return this.retrieve(request, target, query, prefs);
        case "PATCH":
          return this.patch(request, target, query, prefs);
        case "DELETE":
          return this.remove(request, target);
        default:
          throw faults.methodNotAllowed();
      }
    }
    return this.propertyRequest(request, target, resource.rest, prefs);
  }

  private resolveTarget(request: ApiRequest, table: TableData, keyText: string): Target {
    const def = table.def;
    const key = parseKeyPredicate(keyText, def.primaryIdAttribute, def.logicalName);
    if (key.kind === "id") {
      return { table, def, key, row: table.rows.get(key.id), keyUrl: `${request.base}${def.entitySetName}(${key.id})` };
    }
    const names = Object.keys(key.values).sort();
    const alternate = def.alternateKeys.find((candidate) => candidate.attributes.length === names.length && [...candidate.attributes].sort().every((name, index) => name === names[index]));
    if (!alternate) throw faults.invalidKey(def.logicalName);
    const row = this.store.findByKey(table, alternate.name, key.values);
    return { table, def, key, row, keyUrl: `${request.base}${def.entitySetName}(${key.text})` };
  }

  // ---------- reads ----------

  private parseSelect(def: EntityDef, text: string | undefined): string[] | null {
    if (text === undefined) return null;
    const names = text.split(",").map((name) => name.trim()).filter((name) => name.length > 0);
    if (names.length === 0) return null;
    for (const name of names) {
      if (name === "*") return null;
      if (!def.properties.has(name)) throw faults.unknownProperty(name, def.logicalName);
    }
    return names;
  }

  private parseExpand(def: EntityDef, text: string | undefined): ExpandSpec[] {
    if (!text) return [];
    const specs: ExpandSpec[] = [];
    for (const part of splitTopLevel(text, ",")) {
      const item = part.trim();
      if (item.length === 0) continue;
      const open = item.indexOf("(");
      const navigation = open === -1 ? item : item.slice(0, open);
      const nav = def.navigations.get(navigation);
      if (!nav) throw faults.unknownProperty(navigation, def.logicalName);
      const target = entityByLogicalName.get(nav.target);
      if (!target) throw faults.unknownProperty(navigation, def.logicalName);
      let selectText: string | null = null;
      if (open !== -1) {
        if (!item.endsWith(")")) throw faults.querySyntax(`Syntax error at position ${item.length} in '${text}'.`);
        const inner = item.slice(open + 1, -1);
        for (const option of splitTopLevel(inner, ";")) {
          const equals = option.indexOf("=");
          const name = option.slice(0, equals).trim();
          const value = option.slice(equals + 1);
          if (name === "$select") selectText = value;
          else if (name.length > 0) throw new DataverseFault(400, "0x80060888", `The query option '${name}' is not supported inside $expand of the single-valued navigation property '${navigation}'.`);
        }
      }
      specs.push({ navigation, attribute: nav.attribute, target, columns: columnsFor(target, this.parseSelect(target, selectText ?? undefined)), selectText });
    }
    return specs;
  }

  private contextUrl(request: ApiRequest, def: EntityDef, select: string[] | null, expands: ExpandSpec[]): string {
    const parts: string[] = select ? [...select] : [];
    for (const expand of expands) parts.push(`${expand.navigation}(${expand.selectText ?? ""})`);
    return `${request.base}$metadata#${def.entitySetName}${parts.length > 0 ? `(${parts.join(",")})` : ""}`;
  }

  resolverFor(def: EntityDef): MemberResolver {
    return (path) => {
      if (path.length === 1) {
        const attribute = def.properties.get(path[0]);
        if (!attribute) throw faults.unknownProperty(path[0], def.logicalName);
        const property = path[0];
        return { get: (row) => row[property], type: edmTypeOf(attribute) as ValueType };
      }
      if (path.length === 2) {
        const nav = def.navigations.get(path[0]);
        if (!nav) throw faults.unknownProperty(path[0], def.logicalName);
        const target = entityByLogicalName.get(nav.target) as EntityDef;
        const attribute = target.properties.get(path[1]);
        if (!attribute) throw faults.unknownProperty(path[1], target.logicalName);
        const lookupValue = `_${nav.attribute.logicalName}_value`;
        const typeField = lookupTypeField(nav.attribute);
        const related = this.store.table(target.logicalName);
        const property = path[1];
        return {
          get: (row) => {
            const id = row[lookupValue] as string | null | undefined;
            if (!id || row[typeField] !== target.logicalName) return null;
            return related.rows.get(id)?.[property] ?? null;
          },
          type: edmTypeOf(attribute) as ValueType,
        };
      }
      throw faults.querySyntax(`The path '${path.join("/")}' is not supported by the emulator.`);
    };
  }

  // Lookup columns sort by the related record's primary name (reference §3.3).
  private sortGetter(def: EntityDef, path: string[]): (row: Row) => unknown {
    const member = this.resolverFor(def)(path);
    const attribute = path.length === 1 ? def.properties.get(path[0]) : undefined;
    if (!attribute || !isLookup(attribute)) return member.get;
    const typeField = lookupTypeField(attribute);
    return (row) => {
      const id = member.get(row) as string | null | undefined;
      if (!id) return null;
      const targetType = (row[typeField] as string | undefined) ?? attribute.targets?.[0]?.entity;
      const targetDef = targetType ? entityByLogicalName.get(targetType) : undefined;
      if (!targetDef) return null;
      return this.store.table(targetDef.logicalName).rows.get(id)?.[targetDef.primaryNameAttribute] ?? null;
    };
  }

  private countOnly(table: TableData, query: QueryOptions): ApiResponse {
    const token = query.options.get("$deltatoken");
    let count: number;
    if (token !== undefined) {
      const parsed = this.checkDeltaToken(token);
      count = 0;
      for (const row of table.rows.values()) if ((row.versionnumber as number) > parsed.version) count += 1;
      for (const tombstone of table.tombstones.values()) if (tombstone.version > parsed.version) count += 1;
    } else {
      const filterText = query.options.get("$filter");
      const predicate = filterText ? compileFilter(filterText, this.resolverFor(table.def), query.aliases) : null;
      count = 0;
      for (const row of table.rows.values()) if (!predicate || predicate(row)) count += 1;
      count = Math.min(count, maxPage);
    }
    return { status: 200, headers: { "Content-Type": "text/plain", "OData-Version": "4.0" }, body: `\ufeff${count}` };
  }

  private queryCollection(request: ApiRequest, table: TableData, query: QueryOptions, prefs: Preferences): ApiResponse {
    const def = table.def;
    const options = query.options;
    if (options.has("$apply")) throw new DataverseFault(501, "0x80060888", "The emulator does not implement $apply.");
    const skipToken = options.get("$skiptoken");
    const decoded = skipToken ? decodeSkipToken(skipToken) : null;
    const isTrackingCursor = decoded !== null && typeof decoded.cursor === "object" && decoded.cursor !== null && "to" in decoded.cursor;
    if (prefs.trackChanges || options.has("$deltatoken") || isTrackingCursor) return this.trackChanges(request, table, query, prefs, decoded);

    const select = this.parseSelect(def, options.get("$select"));
    const columns = columnsFor(def, select);
    const expands = this.parseExpand(def, options.get("$expand"));
    const filterText = options.get("$filter");
    const predicate = filterText !== undefined ? compileFilter(filterText, this.resolverFor(def), query.aliases) : null;
    const wants = annotationMatcher(prefs.includeAnnotations);

    const topText = options.get("$top");
    let top: number | null = null;
    if (topText !== undefined) {
      top = Number(topText);
      if (!Number.isInteger(top) || top < 0) throw faults.querySyntax(`Invalid value '${topText}' for $top query option found. The $top query option requires a non-negative integer value.`);
    }
    const countText = options.get("$count");
    if (countText !== undefined && countText !== "true" && countText !== "false") {
      throw faults.querySyntax(`'${countText}' is not a valid count option.`);
    }
    const wantsCount = countText === "true";

    // $top is ignored when odata.maxpagesize is also sent (reference §3.3).
    const pageSize = prefs.maxPageSize !== null ? Math.min(prefs.maxPageSize, maxPage) : Math.min(top ?? maxPage, maxPage);
    const limitedByTop = prefs.maxPageSize === null && top !== null;

    const orderText = options.get("$orderby");
    const keys: { get: (row: Row) => unknown; descending: boolean }[] = [];
    if (orderText) {
      for (const part of orderText.split(",")) {
        const [name, direction, ...extra] = part.trim().split(/\s+/);
        if (!name || extra.length > 0 || (direction !== undefined && direction !== "asc" && direction !== "desc")) {
          throw faults.querySyntax(`Syntax error at position ${orderText.length} in '${orderText}'.`);
        }
        keys.push({ get: this.sortGetter(def, name.split("/")), descending: direction === "desc" });
      }
    }
    const pk = def.primaryIdAttribute;
    const tupleOf = (row: Row): unknown[] => [...keys.map((key) => row[pk] === undefined ? null : key.get(row)), row[pk]];
    const compareTuples = (a: unknown[], b: unknown[]): number => {
      for (let index = 0; index < keys.length; index += 1) {
        const left = a[index];
        const right = b[index];
        let order: number;
        if (left === null || left === undefined) order = right === null || right === undefined ? 0 : -1;
        else if (right === null || right === undefined) order = 1;
        else order = compareValues(left, right);
        if (order !== 0) return keys[index].descending ? -order : order;
      }
      const leftId = a[keys.length] as string;
      const rightId = b[keys.length] as string;
      return leftId === rightId ? 0 : leftId < rightId ? -1 : 1;
    };

    const cursor = decoded ? (decoded.cursor as Cursor).v : null;
    const page: Row[] = [];
    let hasMore = false;
    let total = 0;

    if (keys.length === 0 && predicate) {
      // With a filter, match first and sort only the matches by primary key (selective filters stay cheap on big tables).
      const matches: Row[] = [];
      for (const row of table.rows.values()) if (predicate(row)) matches.push(row);
      total = matches.length;
      matches.sort((a, b) => ((a[pk] as string) < (b[pk] as string) ? -1 : 1));
      let start = 0;
      if (cursor) {
        const lastId = cursor[0] as string;
        while (start < matches.length && (matches[start][pk] as string) <= lastId) start += 1;
      }
      const end = Math.min(matches.length, start + pageSize);
      for (let index = start; index < end; index += 1) page.push(matches[index]);
      hasMore = end < matches.length;
    } else if (keys.length === 0) {
      const ids = table.idsInKeyOrder();
      let start = 0;
      if (cursor) {
        const lastId = cursor[0] as string;
        let low = 0;
        let high = ids.length;
        while (low < high) {
          const mid = (low + high) >> 1;
          if (ids[mid] <= lastId) low = mid + 1;
          else high = mid;
        }
        start = low;
      }
      if (wantsCount) for (const row of table.rows.values()) if (!predicate || predicate(row)) total += 1;
      for (let index = start; index < ids.length; index += 1) {
        const row = table.rows.get(ids[index]) as Row;
        if (predicate && !predicate(row)) continue;
        if (page.length === pageSize) {
          hasMore = true;
          break;
        }
        page.push(row);
      }
    } else {
      const matches: { row: Row; tuple: unknown[] }[] = [];
      for (const row of table.rows.values()) if (!predicate || predicate(row)) matches.push({ row, tuple: tupleOf(row) });
      total = matches.length;
      matches.sort((a, b) => compareTuples(a.tuple, b.tuple));
      let start = 0;
      if (cursor) {
        while (start < matches.length && compareTuples(matches[start].tuple, cursor) <= 0) start += 1;
      }
      for (let index = start; index < matches.length; index += 1) {
        if (page.length === pageSize) {
          hasMore = true;
          break;
        }
        page.push(matches[index].row);
      }
    }
    if (limitedByTop) hasMore = false;

    const payload: Record<string, unknown> = { "@odata.context": this.contextUrl(request, def, select, expands) };
    if (wantsCount) payload["@odata.count"] = Math.min(total, maxPage);
    if (wants("Microsoft.Dynamics.CRM.totalrecordcount")) payload["@Microsoft.Dynamics.CRM.totalrecordcount"] = wantsCount ? Math.min(total, maxPage) : -1;
    if (wants("Microsoft.Dynamics.CRM.totalrecordcountlimitexceeded")) payload["@Microsoft.Dynamics.CRM.totalrecordcountlimitexceeded"] = total > maxPage;
    const value: Record<string, unknown>[] = new Array(page.length);
    for (let index = 0; index < page.length; index += 1) value[index] = this.serializer.serialize(def, page[index], columns, wants, expands);
    payload.value = value;
    if (hasMore) {
      const last = page[page.length - 1];
      const nextCursor: Cursor = { v: keys.length === 0 ? [last[pk]] : tupleOf(last) };
      const rest = withoutOption(query.raw, ["$skiptoken"]);
      const token = encodeURIComponent(encodeSkipToken((decoded?.page ?? 1) + 1, nextCursor, false));
      payload["@odata.nextLink"] = `${request.base}${def.entitySetName}?${rest.length > 0 ? `${rest}&` : ""}$skiptoken=${token}`;
    }
    return jsonResponse(200, payload, this.appliedHeaders(prefs, { maxPage: prefs.maxPageSize !== null, annotations: true }));
  }

  private appliedHeaders(prefs: Preferences, which: { maxPage?: boolean; annotations?: boolean; representation?: boolean; tracking?: boolean }): Record<string, string> {
    const applied: string[] = [];
    if (which.representation && prefs.returnRepresentation) applied.push("return=representation");
    if (which.maxPage && prefs.maxPageSize !== null) applied.push(`odata.maxpagesize=${Math.min(prefs.maxPageSize, maxPage)}`);
    if (which.annotations && prefs.includeAnnotations !== null) applied.push(`odata.include-annotations="${prefs.includeAnnotations}"`);
    if (which.tracking) applied.push("odata.track-changes");
    return applied.length > 0 ? { "Preference-Applied": applied.join(",") } : {};
  }

  private checkDeltaToken(token: string): { version: number; at: number } {
    const parsed = parseDeltaToken(token);
    const maxAgeMs = this.settings.deltaTokenMaxAgeSeconds * 1000;
    if (Date.now() - parsed.at > maxAgeMs) throw faults.expiredToken();
    this.store.purgeTombstones(Date.now() - maxAgeMs);
    return parsed;
  }

  private trackChanges(request: ApiRequest, table: TableData, query: QueryOptions, prefs: Preferences, decoded: { page: number; cursor: unknown } | null): ApiResponse {
    const def = table.def;
    for (const option of ["$filter", "$orderby", "$expand", "$top"]) {
      if (query.options.has(option)) throw faults.trackChangesOption(option);
    }
    const select = this.parseSelect(def, query.options.get("$select"));
    const columns = columnsFor(def, select);
    const wants = annotationMatcher(prefs.includeAnnotations);
    const pageSize = Math.min(prefs.maxPageSize ?? maxPage, maxPage);
    const tokenText = query.options.get("$deltatoken");
    const previous = tokenText !== undefined ? this.checkDeltaToken(tokenText) : null;
    const cursor: TrackCursor = decoded ? (decoded.cursor as TrackCursor) : { from: previous?.version ?? null, to: this.store.version, phase: 0, last: null };
    const value: Record<string, unknown>[] = [];
    let next: TrackCursor | null = null;

    if (cursor.from === null) {
      // Initial synchronization: every current row in key order, then a delta link.
      const ids = table.idsInKeyOrder();
      let index = 0;
      if (cursor.last !== null) while (index < ids.length && ids[index] <= (cursor.last as string)) index += 1;
      for (; index < ids.length; index += 1) {
        if (value.length === pageSize) {
          next = { ...cursor, last: ids[index - 1] };
          break;
        }
        value.push(this.serializer.serialize(def, table.rows.get(ids[index]) as Row, columns, wants, []));
      }
    } else {
      const from = cursor.from;
      const to = cursor.to;
      if (cursor.phase === 0) {
        const changed: Row[] = [];
        for (const row of table.rows.values()) {
          const version = row.versionnumber as number;
          if (version > from && version <= to && (cursor.last === null || version > (cursor.last as number))) changed.push(row);
        }
        changed.sort((a, b) => (a.versionnumber as number) - (b.versionnumber as number));
        for (const row of changed) {
          if (value.length === pageSize) {
            next = { ...cursor, last: value.length > 0 ? (changed[value.length - 1].versionnumber as number) : cursor.last };
            break;
          }
          value.push(this.serializer.serialize(def, row, columns, wants, []));
        }
      }
      if (!next) {
        const startAfter = cursor.phase === 1 ? (cursor.last as number) : null;
        const deleted = [...table.tombstones.values()].filter((tombstone) => tombstone.version > from && tombstone.version <= to && (startAfter === null || tombstone.version > startAfter)).sort((a, b) => a.version - b.version);
        let lastVersion: number | null = startAfter;
        for (const tombstone of deleted) {
          if (value.length === pageSize) {
            next = { ...cursor, phase: 1, last: lastVersion };
            break;
          }
          value.push({ "@odata.context": `${request.base}$metadata#${def.entitySetName}/$deletedEntity`, id: tombstone.id, reason: "deleted" });
          lastVersion = tombstone.version;
        }
      }
    }

    const selectPart = select ? `(${select.join(",")})` : "";
    const payload: Record<string, unknown> = {
      "@odata.context": `${request.base}$metadata#${def.entitySetName}${selectPart}${cursor.from !== null ? "/$delta" : ""}`,
    };
    const selectQuery = query.options.has("$select") ? `$select=${encodeURIComponent(query.options.get("$select") as string)}&` : "";
    if (next) {
      const rest = withoutOption(query.raw, ["$skiptoken"]);
      const token = encodeURIComponent(encodeSkipToken((decoded?.page ?? 1) + 1, next, true));
      payload.value = value;
      payload["@odata.nextLink"] = `${request.base}${def.entitySetName}?${rest.length > 0 ? `${rest}&` : ""}$skiptoken=${token}`;
    } else {
      payload["@odata.deltaLink"] = `${request.base}${def.entitySetName}?${selectQuery}$deltatoken=${encodeURIComponent(deltaToken(cursor.to, Date.now()))}`;
      payload.value = value;
    }
    return jsonResponse(200, payload, this.appliedHeaders(prefs, { maxPage: true, annotations: true, tracking: true }));
  }

  private retrieve(request: ApiRequest, target: Target, query: QueryOptions, prefs: Preferences): ApiResponse {
    const def = target.def;
    const select = this.parseSelect(def, query.options.get("$select"));
    const expands = this.parseExpand(def, query.options.get("$expand"));
    if (!target.row) throw this.missing(target);
    const etag = etagOf(target.row);
    const ifNoneMatch = request.headers["if-none-match"];
    if (ifNoneMatch && ifNoneMatch !== "null" && expands.length === 0 && prefs.includeAnnotations === null) {
      if (ifNoneMatch.split(",").some((candidate) => candidate.trim() === etag || candidate.trim() === "*")) {
        return { status: 304, headers: { "OData-Version": "4.0", ETag: etag }, body: "" };
      }
    }
    const body = {
      "@odata.context": `${this.contextUrl(request, def, select, expands)}/$entity`,
      ...this.serializer.serialize(def, target.row, columnsFor(def, select), annotationMatcher(prefs.includeAnnotations), expands),
    };
    return jsonResponse(200, body, { ETag: etag, ...this.appliedHeaders(prefs, { annotations: true }) });
  }

  private missing(target: Target): DataverseFault {
    if (target.key.kind === "id") return faults.notFound(target.def.logicalName, target.key.id);
    return faults.notFoundByKey(target.def.logicalName, target.key.text);
  }

  private propertyRequest(request: ApiRequest, target: Target, rest: string[], prefs: Preferences): ApiResponse {
    const def = target.def;
    const name = rest[0];
    const nav = def.navigations.get(name);
    if (nav && rest.length === 2 && rest[1] === "$ref") {
      if (request.method === "DELETE") return this.applyUpdate(request, target, { [`${name}@odata.bind`]: null }, prefs, true);
      if (request.method === "PUT") {
        const body = this.parseBody(request, def);
        const reference = body["@odata.id"];
        if (typeof reference !== "string") throw faults.payload(def.entitySetName, "Microsoft.OData.ODataException: The '@odata.id' annotation is missing.");
        return this.applyUpdate(request, target, { [`${name}@odata.bind`]: reference }, prefs, true);
      }
      if (request.method === "GET") {
        if (!target.row) throw this.missing(target);
        const id = target.row[`_${nav.attribute.logicalName}_value`] as string | null;
        if (!id || target.row[lookupTypeField(nav.attribute)] !== nav.target) return noContent();
        const targetDef = entityByLogicalName.get(nav.target) as EntityDef;
        return jsonResponse(200, { "@odata.context": `${request.base}$metadata#$ref`, "@odata.id": `${request.base}${targetDef.entitySetName}(${id})` });
      }
      throw faults.methodNotAllowed();
    }
    if (rest.length !== 1) throw faults.segment(rest[rest.length - 1]);
    if (nav) {
      if (request.method !== "GET") throw faults.methodNotAllowed();
      if (!target.row) throw this.missing(target);
      const id = target.row[`_${nav.attribute.logicalName}_value`] as string | null;
      const targetDef = entityByLogicalName.get(nav.target) as EntityDef;
      const related = id && target.row[lookupTypeField(nav.attribute)] === nav.target ? this.store.table(nav.target).rows.get(id) : undefined;
      if (!related) return noContent();
      return jsonResponse(200, {
        "@odata.context": `${request.base}$metadata#${targetDef.entitySetName}/$entity`,
        ...this.serializer.serialize(targetDef, related, columnsFor(targetDef, null), annotationMatcher(prefs.includeAnnotations), []),
      });
    }
    const attribute = def.properties.get(name);
    if (!attribute) throw faults.segment(name);
    if (request.method === "GET") {
      if (!target.row) throw this.missing(target);
      const value = target.row[name];
      if (value === null || value === undefined) return noContent();
      const output = attribute.type === "DateTime" ? `${new Date(value as number).toISOString().slice(0, 19)}Z` : value;
      return jsonResponse(200, { "@odata.context": `${request.base}$metadata#${def.entitySetName}(${target.row[def.primaryIdAttribute] as string})/${name}`, value: output });
    }
    if (request.method === "PUT") {
      const body = this.parseBody(request, def);
      if (!("value" in body)) throw faults.payload(def.entitySetName, "Microsoft.OData.ODataException: Does not support untyped value in non-open type.");
      return this.applyUpdate(request, target, { [name]: body.value }, prefs, true);
    }
    if (request.method === "DELETE") return this.applyUpdate(request, target, { [name]: null }, prefs, true);
    throw faults.methodNotAllowed();
  }

  // ---------- writes ----------

  private parseBody(request: ApiRequest, def: EntityDef): Record<string, unknown> {
    let parsed: unknown;
    try {
      parsed = JSON.parse(request.body);
    } catch (error) {
      const detail = error instanceof Error ? error.message : "Invalid JSON";
      throw faults.payload(def.entitySetName, `Microsoft.OData.ODataException: Invalid JSON. ${detail}`);
    }
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
      throw faults.payload(def.entitySetName, "Microsoft.OData.ODataException: An entry was expected but a different node was found in the payload.");
    }
    return parsed as Record<string, unknown>;
  }

  private resolveReference(request: ApiRequest, value: string, def: EntityDef, navigation: string, expected: string): Row {
    let reference = value.trim();
    if (reference.startsWith("$")) {
      const resolved = request.contentIds?.get(reference.slice(1));
      if (!resolved) throw new DataverseFault(400, "0x0", `Content-ID Reference: '${reference}' does not exist in the batch context.`);
      reference = resolved;
    }
    const marker = reference.indexOf("/api/data/v9.2/");
    if (marker !== -1) reference = reference.slice(marker + "/api/data/v9.2/".length);
    else if (/^https?:\/\//.test(reference)) reference = reference.replace(/^https?:\/\/[^/]+\//, "");
    reference = reference.replace(/^\//, "");
    const parsed = parseResourcePath(reference);
    const targetDef = entityBySetName.get(parsed.segment);
    if (!targetDef || parsed.keyText === null || parsed.rest.length > 0) {
      throw faults.payload(def.entitySetName, `Microsoft.OData.ODataException: The URL '${value}' in the @odata.bind annotation of '${navigation}' is not a valid entity reference.`);
    }
    if (targetDef.logicalName !== expected) {
      throw faults.payload(def.entitySetName, `Microsoft.OData.ODataException: A navigation property '${navigation}' of type 'Microsoft.Dynamics.CRM.${expected}' cannot reference an entity of type 'Microsoft.Dynamics.CRM.${targetDef.logicalName}'.`);
    }
    const target = this.resolveTarget(request, this.store.table(targetDef.logicalName), parsed.keyText);
    if (!target.row) throw this.missing(target);
    return target.row;
  }

  // Applies a request body onto a draft row; returns nothing, throws DataverseFault on the first invalid member.
  private applyBody(request: ApiRequest, def: EntityDef, body: Record<string, unknown>, draft: Row, isCreate: boolean, existingId: string | null): void {
    for (const [key, value] of Object.entries(body)) {
      if (key === "@odata.type" || key === "@odata.etag" || key === "@odata.context") continue;
      const at = key.indexOf("@");
      if (at !== -1) {
        const name = key.slice(0, at);
        const annotation = key.slice(at + 1);
        if (annotation !== "odata.bind") continue;
        const nav = def.navigations.get(name);
        if (!nav) {
          throw faults.payload(
            def.entitySetName,
            `Microsoft.OData.ODataException: An undeclared property '${name}' which only has property annotations in the payload but no property value was found in the payload. In OData, only declared navigation properties and declared named streams can be represented as properties without values.`,
          );
        }
        this.setLookup(request, def, draft, nav, name, value);
        continue;
      }
      const nav = def.navigations.get(key);
      if (nav) {
        if (value === null) {
          this.setLookup(request, def, draft, nav, key, null);
          continue;
        }
        if (typeof value === "object" && !Array.isArray(value) && isCreate) {
          // Deep insert: create the related record first, then point the lookup at it.
          const targetDef = entityByLogicalName.get(nav.target) as EntityDef;
          const created = this.createRow(request, this.store.table(nav.target), value as Record<string, unknown>);
          this.setLookup(request, def, draft, nav, key, `/${targetDef.entitySetName}(${created[targetDef.primaryIdAttribute] as string})`);
          continue;
        }
        throw faults.payload(def.entitySetName, `Microsoft.OData.ODataException: The navigation property '${key}' cannot be set with a value of this kind.`);
      }
      const attribute = def.properties.get(key);
      if (!attribute || isLookup(attribute)) throw faults.invalidBodyProperty(key, def.logicalName);
      if (attribute.isPrimaryId) {
        if (typeof value !== "string" || !isGuid(value)) throw faults.payload(def.entitySetName, `Microsoft.OData.ODataException: Cannot convert the literal '${String(value)}' to the expected type 'Edm.Guid'.`);
        if (!isCreate && existingId !== null && value.toLowerCase() !== existingId) {
          throw new DataverseFault(400, "0x80040203", `The value of '${key}' in the payload doesn't match the key in the request URI.`);
        }
        draft[key] = value.toLowerCase();
        continue;
      }
      const writable = isCreate ? attribute.isValidForCreate || attribute.type === "State" : attribute.isValidForUpdate;
      if (!writable) {
        if (this.settings.readOnlyProperties === "ignore") continue;
        throw new DataverseFault(400, "0x80048d19", `The property '${key}' of entity 'Microsoft.Dynamics.CRM.${def.logicalName}' is read-only and cannot be set.`);
      }
      draft[key] = this.convertValue(def, attribute, key, value);
    }
  }

  private convertValue(def: EntityDef, attribute: AttributeDef, key: string, value: unknown): unknown {
    const edm = edmTypeOf(attribute);
    const wrongType = wrongTypeFault;
    if (value === null) {
      if (attribute.requiredLevel === "SystemRequired") throw faults.validation(`The '${key}' attribute of the '${def.logicalName}' entity is required and cannot be set to null.`);
      return null;
    }
    switch (attribute.type) {
      case "String":
      case "Memo": {
        if (typeof value !== "string") throw wrongType(def, edm, value);
        if (attribute.maxLength !== undefined && value.length > attribute.maxLength) throw faults.tooLong(key, def.logicalName, attribute.maxLength);
        return value;
      }
      case "Integer":
      case "BigInt":
      case "State":
      case "Status":
      case "Picklist": {
        if (typeof value !== "number" || !Number.isInteger(value)) throw wrongType(def, edm, value);
        if (attribute.options && !(value in attribute.options)) {
          throw faults.validation(`The value ${value} of '${key}' on record of type '${def.logicalName}' is outside the valid range.`);
        }
        if ((attribute.minValue !== undefined && value < attribute.minValue) || (attribute.maxValue !== undefined && value > attribute.maxValue)) {
          throw faults.validation(`The value ${value} of '${key}' on record of type '${def.logicalName}' is outside the valid range. Accepted range: ${attribute.minValue} to ${attribute.maxValue}`);
        }
        return value;
      }
      case "Money":
      case "Decimal":
      case "Double": {
        if (typeof value !== "number" || !Number.isFinite(value)) throw wrongType(def, edm, value);
        if ((attribute.minValue !== undefined && value < attribute.minValue) || (attribute.maxValue !== undefined && value > attribute.maxValue)) {
          throw faults.validation(`The value ${value} of '${key}' on record of type '${def.logicalName}' is outside the valid range. Accepted range: ${attribute.minValue} to ${attribute.maxValue}`);
        }
        return value;
      }
      case "Boolean":
        if (typeof value !== "boolean") throw wrongType(def, edm, value);
        return value;
      case "DateTime": {
        const ms = typeof value === "string" ? Date.parse(value) : Number.NaN;
        if (Number.isNaN(ms)) throw wrongType(def, edm, value);
        return ms;
      }
      case "Uniqueidentifier":
        if (typeof value !== "string" || !isGuid(value)) throw wrongType(def, edm, value);
        return value.toLowerCase();
      default:
        throw faults.invalidBodyProperty(key, def.logicalName);
    }
  }

  private setLookup(request: ApiRequest, def: EntityDef, draft: Row, nav: { attribute: AttributeDef; target: string }, name: string, value: unknown): void {
    const valueField = `_${nav.attribute.logicalName}_value`;
    const typeField = lookupTypeField(nav.attribute);
    if (value === null) {
      if (nav.attribute.requiredLevel === "SystemRequired") throw faults.validation(`The '${nav.attribute.logicalName}' attribute of the '${def.logicalName}' entity is required and cannot be set to null.`);
      // Clearing a polymorphic navigation only clears the lookup when it currently points at that table.
      if (draft[typeField] === undefined || draft[typeField] === null || draft[typeField] === nav.target) {
        draft[valueField] = null;
        draft[typeField] = null;
      }
      return;
    }
    if (typeof value !== "string") throw faults.payload(def.entitySetName, `Microsoft.OData.ODataException: The value of the '${name}@odata.bind' annotation must be a string.`);
    if (!nav.attribute.isValidForCreate && !nav.attribute.isValidForUpdate) throw faults.invalidBodyProperty(`${name}@odata.bind`, def.logicalName);
    const targetDef = entityByLogicalName.get(nav.target) as EntityDef;
    const related = this.resolveReference(request, value, def, name, nav.target);
    draft[valueField] = related[targetDef.primaryIdAttribute];
    draft[typeField] = nav.target;
  }

  private finishRow(def: EntityDef, draft: Row, body: Record<string, unknown>): void {
    if (def.logicalName === "contact" || def.logicalName === "systemuser") {
      const full = [draft.firstname, draft.lastname].filter((part) => typeof part === "string" && part.length > 0).join(" ");
      draft.fullname = full.length > 0 ? full : null;
    }
    if (def.addressParts.length > 0) draft.address1_composite = composeAddress(draft);
    if (!def.properties.has("statecode")) return;
    const stateSet = "statecode" in body;
    const statusSet = "statuscode" in body;
    if (stateSet && !statusSet) draft.statuscode = draft.statecode === 1 ? 2 : 1;
    else if (statusSet && !stateSet) draft.statecode = draft.statuscode === 2 ? 1 : 0;
    else if (stateSet && statusSet && (draft.statecode === 1) !== (draft.statuscode === 2)) {
      throw faults.validation(`${String(draft.statuscode)} is not a valid status code for state code ${def.schemaName}State.${draft.statecode === 1 ? "Inactive" : "Active"} on ${def.logicalName}.`);
    }
  }

  createRow(request: ApiRequest, table: TableData, body: Record<string, unknown>, forcedId?: string, keyValues?: Record<string, unknown>): Row {
    const def = table.def;
    const now = Date.now();
    const draft: Row = this.template(def)();
    this.applyBody(request, def, body, draft, true, null);
    if (keyValues) for (const [name, value] of Object.entries(keyValues)) draft[name] = value;
    const id = forcedId ?? (draft[def.primaryIdAttribute] as string | null) ?? randomUUID();
    if (forcedId && draft[def.primaryIdAttribute] && draft[def.primaryIdAttribute] !== forcedId) {
      throw new DataverseFault(400, "0x80040203", `The value of '${def.primaryIdAttribute}' in the payload doesn't match the key in the request URI.`);
    }
    if (table.rows.has(id)) throw faults.duplicateId();
    draft[def.primaryIdAttribute] = id;
    draft.createdon = now;
    draft.modifiedon = now;
    draft._createdby_value = request.userId;
    draft._createdby_type = "systemuser";
    draft._modifiedby_value = request.userId;
    draft._modifiedby_type = "systemuser";
    if (def.properties.has("_ownerid_value") && !draft._ownerid_value) {
      draft._ownerid_value = request.userId;
      draft._ownerid_type = "systemuser";
    }
    if (def.properties.has("_transactioncurrencyid_value") && !draft._transactioncurrencyid_value) {
      const base = this.baseCurrencyId();
      if (base) {
        draft._transactioncurrencyid_value = base;
        draft._transactioncurrencyid_type = "transactioncurrency";
      }
    }
    this.finishRow(def, draft, body);
    const conflict = this.store.conflictingKey(table, draft, id);
    if (conflict) throw faults.duplicateKey(conflict.name, conflict.attributes);
    draft.versionnumber = this.store.nextVersion();
    this.store.put(table, draft, "create", request.userId);
    return draft;
  }

  private readonly templates = new Map<string, () => Row>();

  // New rows come from a generated object-literal factory (every column null, active state): V8 keeps such objects in
  // fast mode, whereas copying a dynamically built 60-member template costs microseconds per row.
  private template(def: EntityDef): () => Row {
    let factory = this.templates.get(def.logicalName);
    if (factory) return factory;
    const members: string[] = [];
    for (const [property, attribute] of def.properties) {
      const initial = property === "statecode" ? "0" : property === "statuscode" ? "1" : "null";
      members.push(`${JSON.stringify(property)}: ${initial}`);
      if (isLookup(attribute)) members.push(`${JSON.stringify(lookupTypeField(attribute))}: null`);
    }
    factory = new Function(`return { ${members.join(", ")} };`) as () => Row;
    this.templates.set(def.logicalName, factory);
    return factory;
  }

  private baseCurrencyCache: string | null = null;

  private baseCurrencyId(): string | null {
    const currencies = this.store.table("transactioncurrency").rows;
    if (this.baseCurrencyCache && currencies.has(this.baseCurrencyCache)) return this.baseCurrencyCache;
    for (const row of currencies.values()) {
      if (row.exchangerate === 1) {
        this.baseCurrencyCache = row.transactioncurrencyid as string;
        return this.baseCurrencyCache;
      }
    }
    return null;
  }

  updateRow(request: ApiRequest, table: TableData, existing: Row, body: Record<string, unknown>): Row {
    const def = table.def;
    const draft: Row = { ...existing };
    const id = existing[def.primaryIdAttribute] as string;
    this.applyBody(request, def, body, draft, false, id);
    draft[def.primaryIdAttribute] = id;
    draft.modifiedon = Date.now();
    draft._modifiedby_value = request.userId;
    draft._modifiedby_type = "systemuser";
    this.finishRow(def, draft, body);
    const conflict = this.store.conflictingKey(table, draft, id);
    if (conflict) throw faults.duplicateKey(conflict.name, conflict.attributes);
    draft.versionnumber = this.store.nextVersion();
    this.store.put(table, draft, "update", request.userId);
    return draft;
  }

  private representation(request: ApiRequest, def: EntityDef, row: Row, query: QueryOptions, prefs: Preferences, status: number, includeExpand: boolean): ApiResponse {
    const select = this.parseSelect(def, query.options.get("$select"));
    const expands = includeExpand ? this.parseExpand(def, query.options.get("$expand")) : [];
    const body = {
      "@odata.context": `${this.contextUrl(request, def, select, expands)}/$entity`,
      ...this.serializer.serialize(def, row, columnsFor(def, select), annotationMatcher(prefs.includeAnnotations), expands),
    };
    return jsonResponse(status, body, { ETag: etagOf(row), ...this.appliedHeaders(prefs, { representation: true, annotations: true }) });
  }

  private create(request: ApiRequest, table: TableData, query: QueryOptions, prefs: Preferences): ApiResponse {
    const def = table.def;
    // Validate query options before writing so a bad $select never leaves a half-done create behind.
    if (prefs.returnRepresentation) {
      this.parseSelect(def, query.options.get("$select"));
      this.parseExpand(def, query.options.get("$expand"));
    }
    const body = this.parseBody(request, def);
    const row = this.createRow(request, table, body);
    const url = `${request.base}${def.entitySetName}(${row[def.primaryIdAttribute] as string})`;
    if (prefs.returnRepresentation) {
      const response = this.representation(request, def, row, query, prefs, 201, true);
      response.location = url;
      return response;
    }
    return { ...noContent({ "OData-EntityId": url }), location: url };
  }

  private checkIfMatch(request: ApiRequest, row: Row): void {
    const ifMatch = request.headers["if-match"];
    if (!ifMatch || ifMatch === "*") return;
    const etag = etagOf(row);
    if (!ifMatch.split(",").some((candidate) => candidate.trim() === etag)) throw faults.versionMismatch();
  }

  private patch(request: ApiRequest, target: Target, query: QueryOptions, prefs: Preferences): ApiResponse {
    const def = target.def;
    const body = this.parseBody(request, def);
    const ifMatch = request.headers["if-match"];
    const ifNoneMatch = request.headers["if-none-match"];
    if (prefs.returnRepresentation) this.parseSelect(def, query.options.get("$select"));
    if (target.row) {
      if (ifNoneMatch === "*") throw faults.alreadyExists();
      this.checkIfMatch(request, target.row);
      const keyValues = target.key.kind === "alternate" ? target.key.values : {};
      const row = this.updateRow(request, target.table, target.row, { ...body, ...keyValues });
      if (prefs.returnRepresentation) return this.representation(request, def, row, query, prefs, 200, false);
      return noContent({ "OData-EntityId": target.keyUrl });
    }
    if (ifMatch) throw this.missing(target);
    const row =
      target.key.kind === "id"
        ? this.createRow(request, target.table, body, target.key.id)
        : this.createRow(request, target.table, body, undefined, target.key.values);
    if (prefs.returnRepresentation) {
      const response = this.representation(request, def, row, query, prefs, 201, false);
      response.location = target.keyUrl;
      return response;
    }
    return { ...noContent({ "OData-EntityId": target.keyUrl }), location: target.keyUrl };
  }

  private applyUpdate(request: ApiRequest, target: Target, body: Record<string, unknown>, _prefs: Preferences, _single: boolean): ApiResponse {
    if (!target.row) throw this.missing(target);
    this.checkIfMatch(request, target.row);
    this.updateRow(request, target.table, target.row, body);
    return noContent();
  }

  private remove(request: ApiRequest, target: Target): ApiResponse {
    if (!target.row) throw this.missing(target);
    this.checkIfMatch(request, target.row);
    const def = target.def;
    const id = target.row[def.primaryIdAttribute] as string;
    this.store.remove(target.table, id, request.userId);
    this.clearReferencesTo(def.logicalName, id, request.userId);
    return noContent();
  }

  // Deleting a record follows Dataverse's default cascades: a contact's parent customer is a parental relationship
  // (children are deleted with it); every other lookup to the deleted record is cleared ("remove link").
  private clearReferencesTo(logicalName: string, id: string, userId: string): void {
    for (const table of this.store.tables.values()) {
      for (const attribute of table.def.attributes) {
        if (!attribute.targets?.some((target) => target.entity === logicalName)) continue;
        if (attribute.logicalName === "createdby" || attribute.logicalName === "modifiedby" || attribute.logicalName === "ownerid") continue;
        const valueField = `_${attribute.logicalName}_value`;
        const typeField = lookupTypeField(attribute);
        const cascade = attribute.logicalName === "parentcustomerid";
        for (const row of [...table.rows.values()]) {
          if (row[valueField] !== id || row[typeField] !== logicalName) continue;
          const rowId = row[table.def.primaryIdAttribute] as string;
          if (cascade) {
            if (!table.rows.has(rowId)) continue;
            this.store.remove(table, rowId, userId);
            this.clearReferencesTo(table.def.logicalName, rowId, userId);
            continue;
          }
          const updated: Row = { ...row, [valueField]: null, [typeField]: null, modifiedon: Date.now(), versionnumber: this.store.nextVersion() };
          this.store.put(table, updated, "update", userId);
        }
      }
    }
  }
}
