import { Prisma } from "../db/generated/client.ts";

/** True when a write failed on a unique constraint (P2002), e.g. two users creating the same customer no. */
export function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";
}

/** True when a delete was refused by a foreign key (P2003), e.g. a contact added to a customer being deleted. */
export function isForeignKeyViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2003";
}
