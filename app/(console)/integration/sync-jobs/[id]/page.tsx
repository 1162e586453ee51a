import type { Metadata } from "next";
import { getFormatter, getLocale, getTranslations } from "next-intl/server";
import { notFound } from "next/navigation";
import { z } from "zod";
import "../../../../../components/integration/integration-admin.css";
import { Badge, ProgressBar } from "../../../../../components/integration/action-feedback.tsx";
import { directionKey, jobStatusTone } from "../../../../../components/integration/captions.ts";
import { formatDateTime } from "../../../../../components/format.ts";
import { PageHeader } from "../../../../../components/page-header.tsx";
import { pageUser } from "../../../../../lib/auth/page-guard.ts";
import { getDb } from "../../../../../lib/db/db-client.ts";
import { localizeEngineMessage } from "../../../../../lib/integration/engine-messages.ts";
import { getJobDetail } from "../../../../../lib/integration/job-queries.ts";

export const dynamic = "force-dynamic";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("integrationAdmin.jobs");
  return { title: t("detailTitle") };
}

export default async function SyncJobPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const { isAllowed } = await pageUser(`/integration/sync-jobs/${id}`, "integration.read");
  const t = await getTranslations();
  const format = await getFormatter();
  const locale = await getLocale();
  if (!isAllowed) return <main className="page ia-page"><p role="alert" className="form-error">{t("integrationAdmin.notAllowed")}</p></main>;
  if (!z.uuid().safeParse(id).success) notFound();
  const job = await getJobDetail(getDb(), id);
  if (!job) notFound();
  const tj = (key: string, values?: Record<string, string | number>) => t(`integrationAdmin.jobs.${key}` as "integrationAdmin.jobs.title", values as never);
  const isActive = job.status === "QUEUED" || job.status === "RUNNING";
  return (
    <main className="page ia-page">
      <PageHeader title={tj("jobHeading", { mapping: job.mapping, type: t(`integrationAdmin.fullSync.jobType.${job.type}`) })} trail={[{ href: "/integration/sync-jobs", label: t("integration.synchronizationJobs") }]} />
      {isActive && <meta httpEquiv="refresh" content="3" />}
      <section className="card">
        <dl className="form-grid">
          <div><dt>{tj("status")}</dt><dd><Badge tone={jobStatusTone(job.status)}>{t(`integrationAdmin.fullSync.jobStatus.${job.status}`)}</Badge></dd></div>
          <div><dt>{tj("direction")}</dt><dd>{job.direction ? t(`integration.direction.${directionKey(job.direction)}`) : "—"}</dd></div>
          <div><dt>{tj("trigger")}</dt><dd>{t(`integrationAdmin.jobs.triggers.${job.trigger}`)}</dd></div>
          <div><dt>{tj("queued")}</dt><dd>{formatDateTime(format, new Date(job.queuedAt))}</dd></div>
          <div><dt>{tj("start")}</dt><dd>{formatDateTime(format, job.startedAt ? new Date(job.startedAt) : null)}</dd></div>
          <div><dt>{tj("finish")}</dt><dd>{formatDateTime(format, job.finishedAt ? new Date(job.finishedAt) : null)}</dd></div>
          {(["inserted", "modified", "deleted", "unchanged", "skipped", "failed", "coupled", "uncoupled"] as const).map((c) => (
            <div key={c}><dt>{tj(`c.${c}`)}</dt><dd>{format.number(job.counters[c])}</dd></div>
          ))}
          <div><dt>{tj("records")}</dt><dd>{format.number(job.records)}</dd></div>
        </dl>
        {job.repeatCount > 1 && (
          <p className="ia-message" role="note">
            {tj("repeated", { count: job.repeatCount, first: formatDateTime(format, new Date(job.startedAt ?? job.queuedAt)), last: formatDateTime(format, job.lastAttemptAt ? new Date(job.lastAttemptAt) : null) })}
          </p>
        )}
        {isActive && <ProgressBar label={tj("progress")} done={job.progress.done} total={job.progress.total} etaSeconds={job.progress.etaSeconds} />}
        {job.message && <p className="ia-message">{localizeEngineMessage(locale, job.message)}</p>}
      </section>
      <section className="ia-section" aria-labelledby="job-errors">
        <h2 id="job-errors">{tj("errorsHeading", { count: job.errors.length })}</h2>
        {job.errors.length === 0 ? (
          <p className="ia-muted">{tj("noErrors")}</p>
        ) : (
          <div className="table-scroll">
            <table className="data-table">
              <thead>
                <tr>
                  <th scope="col">{tj("source")}</th>
                  <th scope="col">{tj("destination")}</th>
                  <th scope="col">{t("integrationAdmin.errors.errorClass")}</th>
                  <th scope="col">{t("integrationAdmin.errors.message")}</th>
                  <th scope="col">{tj("at")}</th>
                </tr>
              </thead>
              <tbody>
                {job.errors.map((e) => (
                  <tr key={e.id}>
                    <td>{e.source.ref ?? `${e.source.table} ${e.source.id ?? ""}`}</td>
                    <td>{e.destination.ref ?? (e.destination.table ? `${e.destination.table} ${e.destination.id ?? ""}` : "—")}</td>
                    <td><Badge tone="error">{t(`integrationAdmin.errors.classes.${e.errorClass}`)}</Badge></td>
                    <td className="ia-message">{localizeEngineMessage(locale, e.message)}</td>
                    <td>{formatDateTime(format, new Date(e.at))}</td>
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
