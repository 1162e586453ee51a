import { actionError, type ActionError } from "../actions/action-result.ts";
import { serverMessage } from "../actions/server-message.ts";
import { Prisma } from "../db/generated/client.ts";
import type { Db, Tx } from "../db/db-client.ts";
import { Role } from "../db/generated/enums.ts";
import { createApiToken } from "./api-tokens.ts";
import { writeAuditEntry, type AuditActor } from "./audit-entry.ts";
import type { SessionUser } from "./authorize.ts";
import { hashPassword } from "./credentials.ts";
import { roleHasPermission } from "./permissions.ts";
import type {
  ChangeRoleInput,
  CreateApiTokenInput,
  CreateUserInput,
  ResetPasswordInput,
  RevokeApiTokenInput,
  SetActiveInput,
} from "./user-schema.ts";

// User administration and API tokens. Callers check the permission first (server actions: requirePermission);
// these functions enforce the rules that depend on data: unique e-mail, the last active admin, token ownership.
// Every change writes an AuditEntry in the same transaction.

export type Actor = AuditActor & { canManageUsers: boolean };

export function actorOf(user: Pick<SessionUser, "id" | "email" | "role">): Actor {
  return { id: user.id, label: user.email, canManageUsers: roleHasPermission(user.role, "users.manage") };
}

/** The command-line console: whoever can run it already has the database. */
export const CONSOLE_ACTOR: Actor = { id: null, label: "console", canManageUsers: true };

export type UserSummary = {
  id: string;
  email: string;
  name: string;
  role: Role;
  isActive: boolean;
  hasPassword: boolean;
  createdAt: Date;
  updatedAt: Date;
  activeTokenCount: number;
};

export type ApiTokenSummary = {
  id: string;
  name: string;
  prefix: string;
  userId: string;
  userEmail: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
};

type UserRow = { id: string; email: string; name: string; role: Role; isActive: boolean };

// What the audit log may show of a user: no password hash.
function auditView(user: UserRow) {
  return { email: user.email, name: user.name, role: user.role, isActive: user.isActive };
}

function activeTokenCount() {
  const now = new Date();
  return {
    _count: {
      select: { apiTokens: { where: { revokedAt: null, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] } } },
    },
  } satisfies Prisma.UserInclude;
}

type UserWithCount = UserRow & {
  passwordHash: string | null;
  createdAt: Date;
  updatedAt: Date;
  _count: { apiTokens: number };
};

function toSummary(u: UserWithCount): UserSummary {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    role: u.role,
    isActive: u.isActive,
    hasPassword: u.passwordHash !== null,
    createdAt: u.createdAt,
    updatedAt: u.updatedAt,
    activeTokenCount: u._count.apiTokens,
  };
}

export async function listUsers(db: Db): Promise<UserSummary[]> {
  const users = await db.user.findMany({
    orderBy: [{ isActive: "desc" }, { email: "asc" }],
    include: activeTokenCount(),
  });
  return users.map(toSummary);
}

export async function getUserSummary(db: Db, userId: string): Promise<UserSummary | null> {
  const user = await db.user.findUnique({ where: { id: userId }, include: activeTokenCount() });
  return user ? toSummary(user) : null;
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";
}

function duplicateEmail(email: string): ActionError {
  return actionError("invalid", serverMessage("errors.userEmailExists"), {
    email: [serverMessage("errors.userEmailExistsField", { email })],
  });
}

export async function createUser(db: Db, actor: Actor, input: CreateUserInput): Promise<{ id: string }> {
  const passwordHash = await hashPassword(input.password);
  try {
    return await db.$transaction(async (tx) => {
      const existing = await tx.user.findUnique({ where: { email: input.email }, select: { id: true } });
      if (existing) throw duplicateEmail(input.email);
      const user = await tx.user.create({
        data: { email: input.email, name: input.name, role: input.role, passwordHash },
      });
      await writeAuditEntry(tx, actor, {
        action: "user.create",
        entityType: "User",
        entityId: user.id,
        after: auditView(user),
      });
      return { id: user.id };
    });
  } catch (error) {
    // Two admins creating the same e-mail at once: the unique index decides, the loser gets the same message.
    if (isUniqueViolation(error)) throw duplicateEmail(input.email);
    throw error;
  }
}

// Serialises every change that can remove an active admin, so two admins demoting each other at the same moment
// cannot both succeed and leave nobody able to manage users.
async function lockAdminSet(tx: Tx): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('coupling-console:active-admins'))`;
}

async function assertNotLastActiveAdmin(tx: Tx, user: UserRow): Promise<void> {
  if (user.role !== Role.ADMIN || !user.isActive) return;
  const others = await tx.user.count({ where: { role: Role.ADMIN, isActive: true, id: { not: user.id } } });
  if (others > 0) return;
  throw actionError("conflict", serverMessage("errors.lastAdmin", { email: user.email }));
}

async function findUserOrThrow(tx: Tx, userId: string): Promise<UserRow> {
  const user = await tx.user.findUnique({ where: { id: userId } });
  if (!user) throw actionError("not_found", serverMessage("errors.userGone"));
  return user;
}

export async function changeUserRole(db: Db, actor: Actor, input: ChangeRoleInput): Promise<void> {
  await db.$transaction(async (tx) => {
    await lockAdminSet(tx);
    const before = await findUserOrThrow(tx, input.userId);
    if (before.role === input.role) return;
    if (input.role !== Role.ADMIN) await assertNotLastActiveAdmin(tx, before);
    const after = await tx.user.update({
      where: { id: before.id },
      data: { role: input.role, rowVersion: { increment: 1 } },
    });
    await writeAuditEntry(tx, actor, {
      action: "user.role-change",
      entityType: "User",
      entityId: before.id,
      before: auditView(before),
      after: auditView(after),
    });
  });
}

export async function setUserActive(db: Db, actor: Actor, input: SetActiveInput): Promise<void> {
  await db.$transaction(async (tx) => {
    await lockAdminSet(tx);
    const before = await findUserOrThrow(tx, input.userId);
    if (before.isActive === input.isActive) return;
    if (!input.isActive) await assertNotLastActiveAdmin(tx, before);
    const after = await tx.user.update({
      where: { id: before.id },
      data: { isActive: input.isActive, rowVersion: { increment: 1 } },
    });
    await writeAuditEntry(tx, actor, {
      action: input.isActive ? "user.activate" : "user.deactivate",
      entityType: "User",
      entityId: before.id,
      before: auditView(before),
      after: auditView(after),
    });
  });
}

export async function resetUserPassword(db: Db, actor: Actor, input: ResetPasswordInput): Promise<void> {
  const passwordHash = await hashPassword(input.password);
  await db.$transaction(async (tx) => {
    const user = await findUserOrThrow(tx, input.userId);
    await tx.user.update({ where: { id: user.id }, data: { passwordHash, rowVersion: { increment: 1 } } });
    await writeAuditEntry(tx, actor, {
      action: "user.password-reset",
      entityType: "User",
      entityId: user.id,
      after: { email: user.email, passwordChanged: true },
    });
  });
}

// ───────────────────────────── API tokens ─────────────────────────────

export async function listApiTokens(db: Db, filter: { userId?: string; includeRevoked?: boolean } = {}) {
  const rows = await db.apiToken.findMany({
    where: { userId: filter.userId, ...(filter.includeRevoked ? {} : { revokedAt: null }) },
    include: { user: { select: { email: true } } },
    orderBy: { createdAt: "desc" },
  });
  return rows.map(
    (t): ApiTokenSummary => ({
      id: t.id,
      name: t.name,
      prefix: t.prefix,
      userId: t.userId,
      userEmail: t.user.email,
      createdAt: t.createdAt,
      lastUsedAt: t.lastUsedAt,
      expiresAt: t.expiresAt,
      revokedAt: t.revokedAt,
    }),
  );
}

/** Issues a token for `userId`; the plain token is returned once and never stored. */
export async function issueApiToken(
  db: Db,
  actor: Actor,
  input: CreateApiTokenInput & { userId: string },
): Promise<{ id: string; token: string; name: string; expiresAt: Date | null }> {
  if (input.userId !== actor.id && !actor.canManageUsers) {
    throw actionError("forbidden", serverMessage("errors.tokenOwnOnly"));
  }
  const expiresAt = input.expiresInDays ? new Date(Date.now() + input.expiresInDays * 86_400_000) : null;
  return db.$transaction(async (tx) => {
    const owner = await findUserOrThrow(tx, input.userId);
    if (!owner.isActive) throw actionError("conflict", serverMessage("errors.userDeactivated", { email: owner.email }));
    const { id, token } = await createApiToken(tx, { userId: owner.id, name: input.name, expiresAt });
    await writeAuditEntry(tx, actor, {
      action: "api-token.create",
      entityType: "ApiToken",
      entityId: id,
      after: { name: input.name, owner: owner.email, prefix: token.slice(0, 10), expiresAt: expiresAt?.toISOString() ?? null },
    });
    return { id, token, name: input.name, expiresAt };
  });
}

/** Revokes a token: its owner may, and so may a user manager for anyone's token. Revoking twice is a no-op. */
export async function revokeApiToken(db: Db, actor: Actor, input: RevokeApiTokenInput): Promise<void> {
  await db.$transaction(async (tx) => {
    const token = await tx.apiToken.findUnique({ where: { id: input.tokenId }, include: { user: true } });
    if (!token) throw actionError("not_found", serverMessage("errors.tokenGone"));
    if (token.userId !== actor.id && !actor.canManageUsers) {
      throw actionError("forbidden", serverMessage("errors.tokenRevokeOwnOnly"));
    }
    if (token.revokedAt) return;
    const revokedAt = new Date();
    await tx.apiToken.update({ where: { id: token.id }, data: { revokedAt } });
    await writeAuditEntry(tx, actor, {
      action: "api-token.revoke",
      entityType: "ApiToken",
      entityId: token.id,
      before: { name: token.name, owner: token.user.email, prefix: token.prefix, revokedAt: null },
      after: { name: token.name, owner: token.user.email, prefix: token.prefix, revokedAt: revokedAt.toISOString() },
    });
  });
}

export async function findUserIdByEmail(db: Db, email: string): Promise<string | null> {
  const user = await db.user.findUnique({ where: { email: email.trim().toLowerCase() }, select: { id: true } });
  return user?.id ?? null;
}
