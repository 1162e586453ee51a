import type { Role } from "../db/generated/enums.ts";

// The one roles-and-permissions table. Every server action, route handler and worker-facing API checks a
// permission from here on the server; the UI uses the same table only to hide what a role may not do.
export const PERMISSIONS = {
  "erp.read": ["VIEWER", "USER", "ADMIN"],
  "erp.write": ["USER", "ADMIN"],
  "integration.read": ["VIEWER", "USER", "ADMIN"],
  "coupling.manage": ["USER", "ADMIN"],
  "sync.run": ["USER", "ADMIN"],
  "sync-errors.resolve": ["USER", "ADMIN"],
  "mapping.manage": ["ADMIN"],
  "full-sync.run": ["ADMIN"],
  "couplings.remove-all": ["ADMIN"],
  "connection.manage": ["ADMIN"],
  "users.manage": ["ADMIN"],
  "api-tokens.manage-own": ["USER", "ADMIN"],
  "profile.update-own": ["VIEWER", "USER", "ADMIN"],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

export function roleHasPermission(role: Role, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(role);
}

export function permissionsOf(role: Role): Permission[] {
  return (Object.keys(PERMISSIONS) as Permission[]).filter((p) => roleHasPermission(role, p));
}
