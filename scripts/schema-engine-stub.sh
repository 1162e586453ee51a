#!/bin/sh
# Prisma's CLI insists on a native schema-engine binary it cannot download here; generate/validate/format run in
# WebAssembly and never call it. Migrations go through scripts/migrate.ts instead.
echo "The native Prisma schema engine is not available here: use 'npm run db:migrate -- <name>' / 'npm run db:deploy'." >&2
exit 1
