import { entityPath, identifier, type EntityKey } from "./odata-query.ts";

// Lookups are written through their navigation property with @odata.bind and read back as _<nav>_value
// (reference §4.5). Polymorphic lookups use one navigation property per target, e.g. parentcustomerid_account.

export function bindLookup(navigationProperty: string, entitySet: string, key: EntityKey): Record<string, string> {
  return { [`${identifier(navigationProperty)}@odata.bind`]: `/${entityPath(entitySet, key, { urlEncode: false })}` };
}

export function clearLookup(navigationProperty: string): Record<string, null> {
  return { [`${identifier(navigationProperty)}@odata.bind`]: null };
}

export type CustomerTarget = "account" | "contact";

export function bindParentCustomer(target: CustomerTarget, key: EntityKey): Record<string, string> {
  return bindLookup(`parentcustomerid_${target}`, target === "account" ? "accounts" : "contacts", key);
}

// Clearing a polymorphic lookup through either navigation property clears the shared _parentcustomerid_value.
export function clearParentCustomer(): Record<string, null> {
  return clearLookup("parentcustomerid_account");
}

// A reference to an entity created earlier in the same change set (Content-ID), for use in a body.
export function bindContentId(navigationProperty: string, contentId: string): Record<string, string> {
  return { [`${identifier(navigationProperty)}@odata.bind`]: `$${contentId}` };
}
