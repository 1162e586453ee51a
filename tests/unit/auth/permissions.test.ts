import { describe, expect, it } from "vitest";
import { PERMISSIONS, permissionsOf, roleHasPermission, type Permission } from "../../../lib/auth/permissions.ts";
import { Role } from "../../../lib/db/generated/enums.ts";

// The documented roles (issue 2, item 6): viewer reads; user also couples, synchronizes and uncouples records;
// admin also manages the connection, mappings, full sync, removal of all couplings, and users.
const DOCUMENTED: Record<Role, Permission[]> = {
  VIEWER: ["erp.read", "integration.read", "profile.update-own"],
  USER: ["erp.read", "erp.write", "integration.read", "coupling.manage", "sync.run", "sync-errors.resolve", "api-tokens.manage-own", "profile.update-own"],
  ADMIN: [
    "erp.read",
    "erp.write",
    "integration.read",
    "coupling.manage",
    "sync.run",
    "sync-errors.resolve",
    "mapping.manage",
    "full-sync.run",
    "couplings.remove-all",
    "connection.manage",
    "users.manage",
    "api-tokens.manage-own",
    "profile.update-own",
  ],
};

describe("permissions table", () => {
  it.each(Object.values(Role))("%s gets exactly the documented permissions", (role) => {
    expect(new Set(permissionsOf(role))).toEqual(new Set(DOCUMENTED[role]));
  });

  it("every permission in the table is granted to admins and documented for some role", () => {
    for (const permission of Object.keys(PERMISSIONS) as Permission[]) {
      expect(roleHasPermission(Role.ADMIN, permission), permission).toBe(true);
    }
    const documented = new Set(Object.values(DOCUMENTED).flat());
    expect(new Set(Object.keys(PERMISSIONS))).toEqual(documented);
  });

  it("each role holds everything the role below it holds", () => {
    for (const p of permissionsOf(Role.VIEWER)) expect(roleHasPermission(Role.USER, p), p).toBe(true);
    for (const p of permissionsOf(Role.USER)) expect(roleHasPermission(Role.ADMIN, p), p).toBe(true);
  });
});
