import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import "../../../../components/integration/integration-admin.css";
import { FullSyncReview, type ReviewLine } from "../../../../components/integration/full-sync-review.tsx";
import { PageHeader } from "../../../../components/page-header.tsx";
import { pageUser } from "../../../../lib/auth/page-guard.ts";
import { roleHasPermission } from "../../../../lib/auth/permissions.ts";
import { getDb } from "../../../../lib/db/db-client.ts";
import { DataverseError } from "../../../../lib/dataverse/dataverse-error.ts";
import { DataverseNotConfiguredError } from "../../../../lib/integration/dataverse-connection.ts";
import { reviewFullSync } from "../../../../lib/integration/full-sync-service.ts";
import { operationDeps } from "../../../../lib/integration/operations-api.ts";
import { startFullSyncAction } from "./actions.ts";

export const dynamic = "force-dynamic";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("integration");
  return { title: t("dataverseFullSynchReview") };
}

export default async function FullSyncReviewPage() {
  const { user, isAllowed } = await pageUser("/integration/full-sync-review", "integration.read");
  const t = await getTranslations();
  if (!isAllowed) return <main className="page ia-page"><p role="alert" className="form-error">{t("integrationAdmin.notAllowed")}</p></main>;
  let lines: ReviewLine[] = [];
  let problem: string | null = null;
  try {
    lines = (await reviewFullSync(await operationDeps(getDb()))).map(({ mappingId: _id, ...line }) => line);
  } catch (error) {
    if (!(error instanceof DataverseNotConfiguredError) && !(error instanceof DataverseError)) throw error;
    problem = error instanceof DataverseNotConfiguredError ? t("integrationAdmin.fullSync.notConfigured") : t("integrationAdmin.fullSync.unreachable", { message: error.message });
  }
  return (
    <main className="page ia-page">
      <PageHeader title={t("integration.dataverseFullSynchReview")} subtitle={t("integrationAdmin.fullSync.subtitle")} trail={[{ href: "/integration/table-mappings", label: t("integration.integrationTableMappings") }]} />
      {problem && <p role="alert" className="form-error">{problem}</p>}
      <FullSyncReview lines={lines} canRun={roleHasPermission(user.role, "full-sync.run")} start={startFullSyncAction} />
    </main>
  );
}
