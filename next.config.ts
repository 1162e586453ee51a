import type { NextConfig } from "next";
import createNextIntlPlugin from "next-intl/plugin";

// The plugin points next-intl at i18n/request.ts (the per-request locale and messages); it configures Turbopack.
const withNextIntl = createNextIntlPlugin("./i18n/request.ts");

const nextConfig: NextConfig = {
  // NEXT_DIST_DIR lets parallel builds (several developers' test runs on one machine) use separate output folders.
  distDir: process.env.NEXT_DIST_DIR ?? ".next",
  // Server-only packages with native parts or dynamic requires stay outside the bundle.
  serverExternalPackages: ["pino", "pg", "bullmq", "ioredis", "@prisma/adapter-pg", "bcryptjs"],
  poweredByHeader: false,
  // The build type-checks only what the app ships; tests, scripts, benchmarks and the emulator are checked by the
  // typecheck step of `npm test` (tsc over tsconfig.json), so a test in progress cannot break `npm start`.
  typescript: { tsconfigPath: "tsconfig.build.json" },
  typedRoutes: false,
};

export default withNextIntl(nextConfig);
