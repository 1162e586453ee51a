import type { Metadata } from "next";
import { getLocale, getTranslations } from "next-intl/server";
import { z } from "zod";
import "../../../../components/integration/integration-admin.css";
import { SyncErrorList } from "../../../../components/integration/sync-error-list.tsx";
import { PageHeader } from "../../../../components/page-header.tsx";
import { pageUser } from "../../../../lib/auth/page-guard.ts";
import { roleHasPermission } from "../../../../lib/auth/permissions.ts";
import { getDb } from "../../../../lib/db/db-client.ts";
import { DataverseError } from "../../../../lib/dataverse/dataverse-error.ts";
import { DataverseNotConfiguredError, getDataverseClient } from "../../../../lib/integration/dataverse-connection.ts";
import { localizeEngineMessage } from "../../../../lib/integration/engine-messages.ts";
import { listSyncErrors } from "../../../../lib/integration/sync-errors-service.ts";
import { compareCouplingAction, resolveSyncErrorsAction } from "./actions.ts";

export const dynamic = "force-dynamic";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("integration");
  return { title: t("coupledDataSynchronizationErrors") };
}

// Lenient: a hand-edited URL shows the first page rather than an error.
const querySchema = z.object({
  mapping: z.string().trim().max(20).optional().catch(undefined),
  signature: z.string().trim().max(64).optional().catch(undefined),
  errorClass: z.enum(["TRANSIENT", "PERMANENT", "WAITING_FOR_PARENT", "CONFLICT", "DELETION_CONFLICT", "SKIPPED"]).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(100_000).catch(1).default(1),
  pageSize: z.coerce.number().int().min(10).max(200).catch(50).default(50),
});

export default async function SyncErrorsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { user, isAllowed } = await pageUser("/integration/sync-errors", "integration.read");
  const t = await getTranslations();
  if (!isAllowed) return <main className="page ia-page"><p role="alert" className="form-error">{t("integrationAdmin.notAllowed")}</p></main>;
  const query = querySchema.parse(await searchParams);
  const db = getDb();
  let problem: string | null = null;
  let client = null;
  try {
    client = await getDataverseClient(db);
  } catch (error) {
    if (!(error instanceof DataverseNotConfiguredError)) throw error;
    problem = t("integrationAdmin.errors.existsUnknown");
  }
  let result;
  try {
    result = await listSyncErrors({ db, client: client as never }, { ...query, checkDataverse: client !== null });
  } catch (error) {
    if (!(error instanceof DataverseError)) throw error;
    problem = t("integrationAdmin.errors.existsUnknown");
    result = await listSyncErrors({ db, client: client as never }, { ...query, checkDataverse: false });
  }
  // Engine messages are stored in English; the page shows them in the reader's language.
  const locale = await getLocale();
  const rows = result.items.map((row) => ({ ...row, message: localizeEngineMessage(locale, row.message) }));
  const groups = result.groups.map((group) => ({ ...group, message: localizeEngineMessage(locale, group.message) }));
  return (
    <main className="page ia-page">
      <PageHeader title={t("integration.coupledDataSynchronizationErrors")} subtitle={t("integrationAdmin.errors.subtitle")} />
      {problem && <p role="note" className="read-only-note">{problem}</p>}
      <SyncErrorList
        rows={rows}
        groups={groups}
        total={result.total}
        page={result.page}
        pageSize={result.pageSize}
        query={{ mapping: query.mapping, signature: query.signature, errorClass: query.errorClass }}
        canResolve={roleHasPermission(user.role, "sync-errors.resolve")}
        resolve={resolveSyncErrorsAction}
        compare={compareCouplingAction}
      />
    </main>
  );
}
