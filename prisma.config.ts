import { defineConfig } from "prisma/config";

// Prisma 7 does not load .env and its env() helper throws when a variable is unset, which would break
// `generate` on a fresh clone; read process.env directly instead.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://localhost:5432/coupling_console" },
});
