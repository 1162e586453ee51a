import type { Metadata } from "next";
import { getFormatter, getTranslations } from "next-intl/server";
import { notFound } from "next/navigation";
import "../../../../../components/integration/integration-admin.css";
import { MappingEditor, type FieldMappingRow, type MappingEditorValue } from "../../../../../components/integration/mapping-editor.tsx";
import type { FilterFieldOption, FilterRow } from "../../../../../components/integration/filter-editor.tsx";
import { formatDateTime } from "../../../../../components/format.ts";
import { PageHeader } from "../../../../../components/page-header.tsx";
import { pageUser } from "../../../../../lib/auth/page-guard.ts";
import { roleHasPermission } from "../../../../../lib/auth/permissions.ts";
import { getDb } from "../../../../../lib/db/db-client.ts";
import { dataverseAttributesOf, ERP_FIELDS } from "../../../../../lib/integration/field-catalog.ts";
import { auditTrailOf, filterFieldsOf } from "../../../../../lib/integration/mapping-admin-service.ts";
import { getMappingDetail } from "../../../../../lib/integration/mapping-edit-service.ts";
import { operatorsFor } from "../../../../../lib/integration/table-filter.ts";
import { countFilterMatchesAction, saveMappingAction } from "../actions.ts";

export const dynamic = "force-dynamic";

type Params = Promise<{ name: string }>;

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const { name } = await params;
  return { title: decodeURIComponent(name).toUpperCase() };
}

/** "direction: BIDIRECTIONAL → TO_INTEGRATION_TABLE" lines for the audit trail (field mappings summarised). */
function changesOf(before: unknown, after: unknown): string[] {
  const b = (before ?? {}) as Record<string, unknown>;
  const a = (after ?? {}) as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])].filter((k) => k !== "rowVersion" && k !== "couplings" && k !== "lastRunAt" && k !== "status");
  const show = (v: unknown) => (v === undefined ? "—" : JSON.stringify(v));
  return keys.flatMap((key) => {
    if (JSON.stringify(b[key]) === JSON.stringify(a[key])) return [];
    if (key === "fieldMappings" && Array.isArray(b[key]) && Array.isArray(a[key])) {
      const before = b[key] as Record<string, unknown>[];
      const after = a[key] as Record<string, unknown>[];
      const strip = (fm: Record<string, unknown>) => JSON.stringify({ ...fm, id: undefined, sortOrder: undefined });
      const lines = [`fieldMappings: ${before.length} → ${after.length}`];
      after.forEach((fm, i) => {
        if (before[i] && strip(before[i]) !== strip(fm)) {
          const diff = Object.keys(fm).filter((k) => k !== "id" && k !== "sortOrder" && JSON.stringify(fm[k]) !== JSON.stringify(before[i][k]));
          lines.push(`  ${String(fm.erpField ?? fm.dataverseAttribute ?? i + 1)}: ${diff.map((k) => `${k} ${show(before[i][k])} → ${show(fm[k])}`).join(", ")}`);
        }
      });
      return lines;
    }
    return [`${key}: ${show(b[key])} → ${show(a[key])}`];
  });
}

export default async function MappingEditorPage({ params }: { params: Params }) {
  const { name: raw } = await params;
  const name = decodeURIComponent(raw).toUpperCase();
  const { user, isAllowed } = await pageUser(`/integration/table-mappings/${encodeURIComponent(name)}`, "integration.read");
  const t = await getTranslations();
  const format = await getFormatter();
  if (!isAllowed) return <main className="page ia-page"><p role="alert" className="form-error">{t("integrationAdmin.notAllowed")}</p></main>;
  const db = getDb();
  const detail = await getMappingDetail(db, name);
  if (!detail) notFound();
  const row = await db.integrationTableMapping.findUniqueOrThrow({ where: { name: detail.name }, select: { id: true } });
  const audit = await auditTrailOf(db, "IntegrationTableMapping", row.id);
  const options = (side: "erp" | "dataverse"): FilterFieldOption[] =>
    filterFieldsOf(side, detail.erpTable, detail.dataverseEntity).map((f) => ({ name: f.name, label: f.label, kind: f.kind, operators: [...operatorsFor(f.kind)], enumValues: f.enumValues ? [...f.enumValues] : undefined }));
  const initial: MappingEditorValue = {
    name: detail.name,
    rowVersion: detail.rowVersion,
    direction: detail.direction,
    tableFilter: (Array.isArray(detail.tableFilter) ? detail.tableFilter : []) as FilterRow[],
    integrationTableFilter: (Array.isArray(detail.integrationTableFilter) ? detail.integrationTableFilter : []) as FilterRow[],
    syncOnlyCoupledRecords: detail.syncOnlyCoupledRecords,
    updateConflictResolution: detail.updateConflictResolution,
    deletionConflictResolution: detail.deletionConflictResolution,
    scheduleSeconds: detail.scheduleSeconds,
    isEnabled: detail.isEnabled,
    fieldMappings: detail.fieldMappings.map(({ id: _id, ...fm }) => fm as FieldMappingRow),
  };
  return (
    <main className="page ia-page">
      <PageHeader
        title={t("integrationAdmin.editor.title", { name: detail.name })}
        subtitle={t("integrationAdmin.editor.subtitle", { erp: t(`integrationAdmin.erpTables.${detail.erpTable}`), dataverse: detail.dataverseEntity })}
        trail={[{ href: "/integration/table-mappings", label: t("integration.integrationTableMappings") }]}
      />
      <MappingEditor
        key={detail.rowVersion}
        initial={initial}
        erpFields={ERP_FIELDS[detail.erpTable].map((f) => ({ value: f.name, label: f.label }))}
        dataverseAttributes={dataverseAttributesOf(detail.dataverseEntity).map((a) => ({ value: a.logicalName, label: a.label ? `${a.label} (${a.logicalName})` : a.logicalName }))}
        erpFilterFields={options("erp")}
        dataverseFilterFields={options("dataverse")}
        canManage={roleHasPermission(user.role, "mapping.manage")}
        save={saveMappingAction}
        count={countFilterMatchesAction}
      />
      <section className="card ia-section ia-audit" aria-labelledby="mapping-audit">
        <h2 id="mapping-audit">{t("integrationAdmin.editor.changes")}</h2>
        {audit.length === 0 ? (
          <p className="ia-muted">{t("integrationAdmin.editor.noChanges")}</p>
        ) : (
          <div className="table-scroll">
            <table className="data-table">
              <thead>
                <tr>
                  <th scope="col">{t("integrationAdmin.editor.when")}</th>
                  <th scope="col">{t("integrationAdmin.editor.who")}</th>
                  <th scope="col">{t("integrationAdmin.editor.what")}</th>
                  <th scope="col">{t("integrationAdmin.editor.beforeAfter")}</th>
                </tr>
              </thead>
              <tbody>
                {audit.map((entry) => (
                  <tr key={entry.id}>
                    <td>{formatDateTime(format, new Date(entry.at))}</td>
                    <td>{entry.actor}</td>
                    <td>{entry.action}</td>
                    <td>
                      <pre>{changesOf(entry.before, entry.after).join("\n") || "—"}</pre>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </main>
  );
}
