import type { Metadata } from "next";
import { getLocale, getTranslations } from "next-intl/server";
import "../../../../components/integration/integration-admin.css";
import { MappingList, type MatchField } from "../../../../components/integration/mapping-list.tsx";
import { PageHeader } from "../../../../components/page-header.tsx";
import { pageUser } from "../../../../lib/auth/page-guard.ts";
import { roleHasPermission } from "../../../../lib/auth/permissions.ts";
import { getDb } from "../../../../lib/db/db-client.ts";
import { localizeEngineMessage } from "../../../../lib/integration/engine-messages.ts";
import { findErpField } from "../../../../lib/integration/field-catalog.ts";
import { listMappingOverview } from "../../../../lib/integration/mapping-admin-service.ts";
import {
  jobProgressAction,
  previewMatchBasedCouplingAction,
  removeCouplingsAction,
  runMatchBasedCouplingAction,
  setMappingPausedAction,
  synchronizeModifiedRecordsAction,
  useDefaultSetupAction,
} from "./actions.ts";

export const dynamic = "force-dynamic";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("integration");
  return { title: t("integrationTableMappings") };
}

export default async function TableMappingsPage() {
  const { user, isAllowed } = await pageUser("/integration/table-mappings", "integration.read");
  const t = await getTranslations();
  if (!isAllowed) return <main className="page ia-page"><p role="alert" className="form-error">{t("integrationAdmin.notAllowed")}</p></main>;
  const db = getDb();
  const locale = await getLocale();
  const [overview, fieldRows] = await Promise.all([
    listMappingOverview(db),
    db.integrationFieldMapping.findMany({ where: { isEnabled: true, constantValue: null, erpField: { not: null }, dataverseAttribute: { not: null } }, include: { mapping: { select: { name: true, erpTable: true } } }, orderBy: { sortOrder: "asc" } }),
  ]);
  // A failing mapping's last error is stored in English (engine messages); shown in the reader's language.
  const mappings = overview.map((m) => (m.failing?.message ? { ...m, failing: { ...m.failing, message: localizeEngineMessage(locale, m.failing.message) } } : m));
  const matchFields: Record<string, MatchField[]> = {};
  for (const fm of fieldRows) {
    // A lookup cannot be matched on: its values are ids of other couplings.
    if (fm.transformation && typeof fm.transformation === "object" && "lookup" in (fm.transformation as object)) continue;
    const list = (matchFields[fm.mapping.name] ??= []);
    if (list.some((f) => f.erpField === fm.erpField)) continue;
    list.push({ erpField: fm.erpField!, label: findErpField(fm.mapping.erpTable, fm.erpField!)?.label ?? fm.erpField!, isCriterion: fm.useForMatchBasedCoupling, caseSensitive: fm.caseSensitiveMatching, priority: fm.matchPriority });
  }
  const can = {
    sync: roleHasPermission(user.role, "sync.run"),
    manage: roleHasPermission(user.role, "mapping.manage"),
    fullSync: roleHasPermission(user.role, "full-sync.run"),
    removeAll: roleHasPermission(user.role, "couplings.remove-all"),
  };
  return (
    <main className="page ia-page">
      <PageHeader title={t("integration.integrationTableMappings")} subtitle={t("integrationAdmin.mappings.subtitle")} />
      <MappingList
        mappings={mappings}
        matchFields={matchFields}
        can={can}
        actions={{
          synchronize: synchronizeModifiedRecordsAction,
          setPaused: setMappingPausedAction,
          useDefault: useDefaultSetupAction,
          removeCouplings: removeCouplingsAction,
          previewMatch: previewMatchBasedCouplingAction,
          runMatch: runMatchBasedCouplingAction,
          jobProgress: jobProgressAction,
        }}
      />
    </main>
  );
}
