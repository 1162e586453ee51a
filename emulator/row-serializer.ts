import { entityByLogicalName, isLookup, lookupTypeField, type AttributeDef, type EntityDef } from "./entity-schema.ts";
import type { EntityStore, Row } from "./entity-store.ts";

// Turns stored rows into Web API JSON: etag first, selected columns, companion columns, annotations, expansions.

export const formattedValue = "OData.Community.Display.V1.FormattedValue";
export const lookupLogicalName = "Microsoft.Dynamics.CRM.lookuplogicalname";
export const associatedNavigation = "Microsoft.Dynamics.CRM.associatednavigationproperty";

export type ExpandSpec = { navigation: string; attribute: AttributeDef; target: EntityDef; columns: Column[]; selectText: string | null };

export type Column = { property: string; attribute: AttributeDef };

export function isoSeconds(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

export function etagOf(row: Row): string {
  return `W/"${row.versionnumber as number}"`;
}

// Columns returned for a $select: the requested ones, then companions (currency for money, composite for address parts), then the key.
const columnCache = new Map<string, Column[]>();

// Column lists are cached per table and $select text: the same few selections repeat on every request of a sync.
export function columnsFor(def: EntityDef, select: string[] | null): Column[] {
  const cacheKey = `${def.logicalName}|${select ? select.join(",") : "*"}`;
  const cached = columnCache.get(cacheKey);
  if (cached) return cached;
  const columns = buildColumns(def, select);
  if (columnCache.size < 10_000) columnCache.set(cacheKey, columns);
  return columns;
}

function buildColumns(def: EntityDef, select: string[] | null): Column[] {
  if (!select) {
    const all: Column[] = [];
    for (const [property, attribute] of def.properties) all.push({ property, attribute });
    return all;
  }
  const seen = new Set<string>();
  const columns: Column[] = [];
  const add = (property: string) => {
    if (seen.has(property)) return;
    const attribute = def.properties.get(property);
    if (!attribute) return;
    seen.add(property);
    columns.push({ property, attribute });
  };
  for (const property of select) add(property);
  for (const property of select) {
    const attribute = def.properties.get(property);
    if (attribute?.type === "Money") add("_transactioncurrencyid_value");
    if (def.addressParts.includes(property)) add("address1_composite");
  }
  add(def.primaryIdAttribute);
  return columns;
}

const dateFormatter = new Intl.DateTimeFormat("en-US", {
  timeZone: "UTC",
  year: "numeric",
  month: "numeric",
  day: "numeric",
  hour: "numeric",
  minute: "2-digit",
});

export class RowSerializer {
  constructor(private readonly store: EntityStore) {}

  serialize(def: EntityDef, row: Row, columns: Column[], wants: (name: string) => boolean, expands: ExpandSpec[], includeEtag = true): Record<string, unknown> {
    const output: Record<string, unknown> = {};
    if (includeEtag) output["@odata.etag"] = etagOf(row);
    const annotate = wants(formattedValue) || wants(lookupLogicalName) || wants(associatedNavigation);
    for (const { property, attribute } of columns) {
      const value = row[property];
      if (annotate && value !== null && value !== undefined) this.annotate(output, def, row, property, attribute, value, wants);
      output[property] = attribute.type === "DateTime" && typeof value === "number" ? isoSeconds(value) : (value ?? null);
    }
    for (const expand of expands) {
      const targetId = row[`_${expand.attribute.logicalName}_value`] as string | null | undefined;
      const targetType = row[lookupTypeField(expand.attribute)] as string | undefined;
      const related = targetId && targetType === expand.target.logicalName ? this.store.table(expand.target.logicalName).rows.get(targetId) : undefined;
      output[expand.navigation] = related ? this.serialize(expand.target, related, expand.columns, wants, []) : null;
    }
    return output;
  }

  private annotate(output: Record<string, unknown>, def: EntityDef, row: Row, property: string, attribute: AttributeDef, value: unknown, wants: (name: string) => boolean): void {
    if (isLookup(attribute)) {
      const targetType = (row[lookupTypeField(attribute)] as string | undefined) ?? attribute.targets?.[0]?.entity ?? "";
      const targetDef = entityByLogicalName.get(targetType);
      if (wants(formattedValue) && targetDef) {
        const related = this.store.table(targetType).rows.get(value as string);
        if (related) output[`${property}@${formattedValue}`] = related[targetDef.primaryNameAttribute] ?? "";
      }
      if (wants(associatedNavigation)) {
        const navigation = attribute.targets?.find((target) => target.entity === targetType)?.navigation;
        if (navigation) output[`${property}@${associatedNavigation}`] = navigation;
      }
      if (wants(lookupLogicalName)) output[`${property}@${lookupLogicalName}`] = targetType;
      return;
    }
    if (!wants(formattedValue)) return;
    const formatted = this.format(def, row, attribute, value);
    if (formatted !== null) output[`${property}@${formattedValue}`] = formatted;
  }

  private format(_def: EntityDef, row: Row, attribute: AttributeDef, value: unknown): string | null {
    switch (attribute.type) {
      case "State":
      case "Status":
      case "Picklist":
        return attribute.options?.[value as number] ?? String(value);
      case "Boolean":
        return value ? "Yes" : "No";
      case "Money": {
        const currencyId = row._transactioncurrencyid_value as string | undefined;
        const currency = currencyId ? this.store.table("transactioncurrency").rows.get(currencyId) : undefined;
        const symbol = (currency?.currencysymbol as string | undefined) ?? "$";
        return `${symbol}${(value as number).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
      }
      case "Decimal":
      case "Double":
        return (value as number).toLocaleString("en-US", { maximumFractionDigits: 10 });
      case "Integer":
        return (value as number).toLocaleString("en-US");
      case "DateTime":
        return dateFormatter.format(new Date(value as number)).replace(",", "").replace(/\u202f/g, " ");
      default:
        return null;
    }
  }
}
