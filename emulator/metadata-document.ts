import { createHash } from "node:crypto";
import { entityByLogicalName, entityDefs, edmTypeOf, isLookup, type AttributeDef, type EntityDef } from "./entity-schema.ts";
import { DataverseFault, faults } from "./odata-errors.ts";
import { compileFilter, type ValueType } from "./odata-filter-parser.ts";
import { parseKeyPredicate, type QueryOptions, type ResourcePath } from "./odata-url.ts";
import type { ApiRequest, ApiResponse } from "./web-api.ts";

// Minimal metadata: the CSDL document and EntityDefinitions(...)/Attributes as the mapping editor needs them.

const jsonType = "application/json; odata.metadata=minimal";

function stableGuid(text: string): string {
  const hex = createHash("md5").update(text).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function label(text: string): Record<string, unknown> {
  const localized = { Label: text, LanguageCode: 1033, IsManaged: true };
  return { LocalizedLabels: [localized], UserLocalizedLabel: localized };
}

const metadataTypes: Record<AttributeDef["type"], [string, string]> = {
  String: ["StringAttributeMetadata", "StringType"],
  Memo: ["MemoAttributeMetadata", "MemoType"],
  Integer: ["IntegerAttributeMetadata", "IntegerType"],
  BigInt: ["BigIntAttributeMetadata", "BigIntType"],
  Money: ["MoneyAttributeMetadata", "MoneyType"],
  Decimal: ["DecimalAttributeMetadata", "DecimalType"],
  Double: ["DoubleAttributeMetadata", "DoubleType"],
  Boolean: ["BooleanAttributeMetadata", "BooleanType"],
  DateTime: ["DateTimeAttributeMetadata", "DateTimeType"],
  Uniqueidentifier: ["UniqueIdentifierAttributeMetadata", "UniqueidentifierType"],
  Lookup: ["LookupAttributeMetadata", "LookupType"],
  Customer: ["LookupAttributeMetadata", "CustomerType"],
  Owner: ["LookupAttributeMetadata", "OwnerType"],
  State: ["StateAttributeMetadata", "StateType"],
  Status: ["StatusAttributeMetadata", "StatusType"],
  Picklist: ["PicklistAttributeMetadata", "PicklistType"],
};

function schemaNameOf(logicalName: string): string {
  return logicalName
    .split("_")
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join("_");
}

export function attributeMetadata(def: EntityDef, attribute: AttributeDef): Record<string, unknown> {
  const [metadataType, typeName] = metadataTypes[attribute.type];
  const item: Record<string, unknown> = {
    "@odata.type": `#Microsoft.Dynamics.CRM.${metadataType}`,
    MetadataId: stableGuid(`${def.logicalName}.${attribute.logicalName}`),
    LogicalName: attribute.logicalName,
    SchemaName: schemaNameOf(attribute.logicalName),
    EntityLogicalName: def.logicalName,
    AttributeType: attribute.type,
    AttributeTypeName: { Value: typeName },
    DisplayName: label(attribute.displayName),
    RequiredLevel: { Value: attribute.requiredLevel ?? "None", CanBeChanged: true, ManagedPropertyLogicalName: "canmodifyrequirementlevelsettings" },
    IsPrimaryId: attribute.isPrimaryId === true,
    IsPrimaryName: attribute.isPrimaryName === true,
    IsValidForCreate: attribute.isValidForCreate,
    IsValidForUpdate: attribute.isValidForUpdate,
    IsValidForRead: true,
    IsCustomAttribute: false,
    AttributeOf: null,
  };
  if (attribute.maxLength !== undefined) item.MaxLength = attribute.maxLength;
  if (attribute.type === "String") item.Format = attribute.logicalName.startsWith("emailaddress") ? "Email" : attribute.logicalName === "websiteurl" ? "Url" : attribute.logicalName.startsWith("telephone") || attribute.logicalName === "mobilephone" ? "Phone" : "Text";
  if (attribute.minValue !== undefined) item.MinValue = attribute.minValue;
  if (attribute.maxValue !== undefined) item.MaxValue = attribute.maxValue;
  if (attribute.type === "Money") item.Precision = 2;
  if (attribute.targets) item.Targets = attribute.targets.map((target) => target.entity);
  if (attribute.options) {
    item.OptionSet = { Options: Object.entries(attribute.options).map(([value, text]) => ({ Value: Number(value), Label: label(text) })) };
  }
  return item;
}

export function entityMetadata(def: EntityDef): Record<string, unknown> {
  return {
    MetadataId: def.metadataId,
    LogicalName: def.logicalName,
    SchemaName: def.schemaName,
    EntitySetName: def.entitySetName,
    LogicalCollectionName: def.entitySetName,
    PrimaryIdAttribute: def.primaryIdAttribute,
    PrimaryNameAttribute: def.primaryNameAttribute,
    ObjectTypeCode: def.objectTypeCode,
    OwnershipType: def.ownership === "UserOwned" ? "UserOwned" : "OrganizationOwned",
    ChangeTrackingEnabled: def.changeTrackingEnabled,
    IsOptimisticConcurrencyEnabled: true,
    DisplayName: label(def.schemaName),
    IsCustomEntity: false,
  };
}

function keyMetadata(def: EntityDef): Record<string, unknown>[] {
  return def.alternateKeys.map((key) => ({
    MetadataId: stableGuid(`${def.logicalName}.key.${key.name}`),
    LogicalName: key.name,
    SchemaName: key.name,
    KeyAttributes: key.attributes,
    EntityLogicalName: def.logicalName,
    EntityKeyIndexStatus: "Active",
    DisplayName: label(key.name),
  }));
}

function project(items: Record<string, unknown>[], query: QueryOptions): Record<string, unknown>[] {
  const filterText = query.options.get("$filter");
  let selected = items;
  if (filterText) {
    const predicate = compileFilter(filterText, (path) => ({ get: (row) => row[path[0]] ?? null, type: "any" as ValueType }), query.aliases);
    selected = items.filter((item) => predicate(item));
  }
  const selectText = query.options.get("$select");
  if (!selectText) return selected;
  const names = selectText.split(",").map((name) => name.trim());
  return selected.map((item) => {
    const output: Record<string, unknown> = {};
    if (item["@odata.type"]) output["@odata.type"] = item["@odata.type"];
    for (const name of names) output[name] = item[name] ?? null;
    output.MetadataId = item.MetadataId;
    return output;
  });
}

function findEntity(keyText: string): EntityDef {
  const key = parseKeyPredicate(keyText, "MetadataId", "EntityMetadata");
  const def =
    key.kind === "id"
      ? entityDefs.find((candidate) => candidate.metadataId === key.id)
      : typeof key.values.LogicalName === "string"
        ? entityByLogicalName.get(key.values.LogicalName)
        : undefined;
  if (!def) throw new DataverseFault(404, "0x80040217", `Could not find entity with key ${keyText}.`);
  return def;
}

export function entityDefinitionsResponse(request: ApiRequest, resource: ResourcePath, query: QueryOptions): ApiResponse {
  const base = request.base;
  const respond = (payload: unknown): ApiResponse => ({ status: 200, headers: { "Content-Type": jsonType, "OData-Version": "4.0" }, body: JSON.stringify(payload) });
  if (resource.keyText === null) {
    if (resource.rest.length > 0) throw faults.segment(resource.rest[0]);
    return respond({ "@odata.context": `${base}$metadata#EntityDefinitions`, value: project(entityDefs.map(entityMetadata), query) });
  }
  const def = findEntity(resource.keyText);
  if (resource.rest.length === 0) {
    const [single] = project([entityMetadata(def)], { ...query, options: new Map([...query.options].filter(([name]) => name === "$select")) });
    return respond({ "@odata.context": `${base}$metadata#EntityDefinitions/$entity`, ...single });
  }
  const [segment, ...more] = resource.rest;
  if (segment === "Keys") {
    return respond({ "@odata.context": `${base}$metadata#EntityDefinitions('${def.logicalName}')/Keys`, value: project(keyMetadata(def), query) });
  }
  const attributeSegment = /^Attributes(?:\((.*)\))?$/.exec(segment);
  if (!attributeSegment) throw faults.segment(segment);
  let attributes = def.attributes.map((attribute) => attributeMetadata(def, attribute));
  if (attributeSegment[1] !== undefined) {
    const key = parseKeyPredicate(attributeSegment[1], "MetadataId", "AttributeMetadata");
    const found = attributes.find((item) => (key.kind === "id" ? item.MetadataId === key.id : item.LogicalName === key.values.LogicalName));
    if (!found) throw new DataverseFault(404, "0x80040217", `Could not find attribute with key ${attributeSegment[1]}.`);
    const [single] = project([found], { ...query, options: new Map([...query.options].filter(([name]) => name === "$select")) });
    return respond({ "@odata.context": `${base}$metadata#EntityDefinitions('${def.logicalName}')/Attributes/$entity`, ...single });
  }
  if (more.length > 0) {
    const cast = more[0].replace(/^Microsoft\.Dynamics\.CRM\./, "");
    attributes = attributes.filter((item) => item["@odata.type"] === `#Microsoft.Dynamics.CRM.${cast}`);
  }
  return respond({ "@odata.context": `${base}$metadata#EntityDefinitions('${def.logicalName}')/Attributes`, value: project(attributes, query) });
}

function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

let cachedDocument: string | null = null;

export function metadataDocument(): string {
  if (cachedDocument) return cachedDocument;
  const types: string[] = [];
  const sets: string[] = [];
  for (const def of entityDefs) {
    const properties: string[] = [];
    const navigations: string[] = [];
    for (const [property, attribute] of def.properties) {
      const maxLength = attribute.maxLength !== undefined ? ` MaxLength="${attribute.maxLength}"` : "";
      properties.push(`<Property Name="${escapeXml(property)}" Type="${edmTypeOf(attribute)}"${maxLength} />`);
    }
    for (const [navigation, nav] of def.navigations) {
      if (!isLookup(nav.attribute)) continue;
      navigations.push(`<NavigationProperty Name="${navigation}" Type="mscrm.${nav.target}" />`);
    }
    types.push(
      `<EntityType Name="${def.logicalName}"><Key><PropertyRef Name="${def.primaryIdAttribute}" /></Key>${properties.join("")}${navigations.join("")}</EntityType>`,
    );
    sets.push(
      `<EntitySet Name="${def.entitySetName}" EntityType="Microsoft.Dynamics.CRM.${def.logicalName}"><Annotation Term="Org.OData.Capabilities.V1.ChangeTracking"><Record><PropertyValue Property="Supported" Bool="${def.changeTrackingEnabled}" /></Record></Annotation></EntitySet>`,
    );
  }
  cachedDocument = `<?xml version="1.0" encoding="utf-8"?><edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx"><edmx:DataServices><Schema Namespace="Microsoft.Dynamics.CRM" Alias="mscrm" xmlns="http://docs.oasis-open.org/odata/ns/edm">${types.join("")}<EntityContainer Name="System">${sets.join("")}</EntityContainer></Schema></edmx:DataServices></edmx:Edmx>`;
  return cachedDocument;
}
