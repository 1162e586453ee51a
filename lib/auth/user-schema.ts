import { z } from "zod";
import { Role } from "../db/generated/enums.ts";

// Input schemas for user administration and API tokens. Client-safe (forms reuse them for the same messages).

export const ROLES = [Role.VIEWER, Role.USER, Role.ADMIN] as const;

const emptyToUndefined = (value: unknown) => (typeof value === "string" && value.trim() === "" ? undefined : value);

export const emailSchema = z
  .string({ error: "Enter an e-mail address." })
  .trim()
  .toLowerCase()
  .min(1, "Enter an e-mail address.")
  .max(200, "The e-mail address can be at most 200 characters.")
  .pipe(z.email("Enter a valid e-mail address, like name@example.com."));

// bcrypt only looks at the first 72 bytes; a longer password would silently be cut, so refuse it instead.
export const passwordSchema = z
  .string({ error: "Enter a password." })
  .min(8, "The password must be at least 8 characters.")
  .refine((p) => new TextEncoder().encode(p).length <= 72, "The password can be at most 72 characters.");

const nameSchema = z
  .string({ error: "Enter a name." })
  .trim()
  .min(1, "Enter a name.")
  .max(100, "The name can be at most 100 characters.");

export const roleSchema = z.enum(ROLES, { error: "Choose a role: viewer, user or admin." });

const userIdSchema = z.uuid({ error: "Choose a user." });

export const createUserSchema = z.object({
  email: emailSchema,
  name: nameSchema,
  role: roleSchema,
  password: passwordSchema,
});

export const changeRoleSchema = z.object({ userId: userIdSchema, role: roleSchema });

export const setActiveSchema = z.object({
  userId: userIdSchema,
  isActive: z.boolean({ error: "Choose whether the user is active." }),
});

export const resetPasswordSchema = z.object({ userId: userIdSchema, password: passwordSchema });

export const createApiTokenSchema = z.object({
  name: z
    .string({ error: "Enter a name for the token." })
    .trim()
    .min(1, "Enter a name for the token, e.g. the script that will use it.")
    .max(100, "The token name can be at most 100 characters."),
  expiresInDays: z.preprocess(
    emptyToUndefined,
    z.coerce
      .number({ error: "Enter a number of days." })
      .int("Enter a whole number of days.")
      .min(1, "A token must be valid for at least 1 day.")
      .max(3650, "A token can be valid for at most 3650 days.")
      .optional(),
  ),
});

export const revokeApiTokenSchema = z.object({ tokenId: z.uuid({ error: "Choose a token." }) });

export type CreateUserInput = z.infer<typeof createUserSchema>;
export type ChangeRoleInput = z.infer<typeof changeRoleSchema>;
export type SetActiveInput = z.infer<typeof setActiveSchema>;
export type ResetPasswordInput = z.infer<typeof resetPasswordSchema>;
export type CreateApiTokenInput = z.infer<typeof createApiTokenSchema>;
export type RevokeApiTokenInput = z.infer<typeof revokeApiTokenSchema>;
