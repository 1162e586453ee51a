import type { Metadata } from "next";
import { getLocale, getTranslations } from "next-intl/server";
import "../../../../components/integration/integration-admin.css";
import { ConnectionForm } from "../../../../components/integration/connection-form.tsx";
import { PageHeader } from "../../../../components/page-header.tsx";
import { pageUser } from "../../../../lib/auth/page-guard.ts";
import { roleHasPermission } from "../../../../lib/auth/permissions.ts";
import { getDb } from "../../../../lib/db/db-client.ts";
import { getConnectionView } from "../../../../lib/integration/connection-service.ts";
import { localizeEngineMessage } from "../../../../lib/integration/engine-messages.ts";
import { saveConnectionAction, setConnectionEnabledAction, testConnectionAction } from "./actions.ts";

export const dynamic = "force-dynamic";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("integration");
  return { title: t("dataverseConnection") };
}

export default async function ConnectionPage() {
  const { user, isAllowed } = await pageUser("/integration/connection", "integration.read");
  const t = await getTranslations();
  if (!isAllowed) return <main className="page ia-page"><p role="alert" className="form-error">{t("integrationAdmin.notAllowed")}</p></main>;
  const stored = await getConnectionView(getDb());
  // The last test's message is stored in English.
  const connection = { ...stored, lastTestMessage: localizeEngineMessage(await getLocale(), stored.lastTestMessage) };
  return (
    <main className="page ia-page">
      <PageHeader title={t("integration.dataverseConnection")} subtitle={t("integrationAdmin.connection.subtitle")} />
      <ConnectionForm connection={connection} canManage={roleHasPermission(user.role, "connection.manage")} save={saveConnectionAction} test={testConnectionAction} setEnabled={setConnectionEnabledAction} />
    </main>
  );
}
