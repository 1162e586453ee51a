import type { Metadata } from "next";
import { getFormatter, getTranslations } from "next-intl/server";
import Link from "next/link";
import { z } from "zod";
import "../../../../components/integration/integration-admin.css";
import { Badge } from "../../../../components/integration/action-feedback.tsx";
import { directionKey, jobStatusTone } from "../../../../components/integration/captions.ts";
import { JobsChart, type HourBucket } from "../../../../components/integration/jobs-chart.tsx";
import { formatDateTime } from "../../../../components/format.ts";
import { PageHeader } from "../../../../components/page-header.tsx";
import { pageUser } from "../../../../lib/auth/page-guard.ts";
import { getDb } from "../../../../lib/db/db-client.ts";
import { listJobs } from "../../../../lib/integration/job-queries.ts";

export const dynamic = "force-dynamic";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("integration");
  return { title: t("synchronizationJobs") };
}

const TYPES = ["SYNCHRONIZATION", "COUPLING", "UNCOUPLING"] as const;
const STATUSES = ["QUEUED", "RUNNING", "SUCCEEDED", "FAILED", "CANCELLED"] as const;

const querySchema = z.object({
  mapping: z.string().trim().max(20).optional().catch(undefined),
  type: z.enum(TYPES).optional().catch(undefined),
  status: z.enum(STATUSES).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(100_000).catch(1).default(1),
  pageSize: z.coerce.number().int().min(10).max(200).catch(50).default(50),
});

const HOURS = 24;

async function hourlyBuckets(mapping: string | undefined, now = new Date()): Promise<HourBucket[]> {
  const since = new Date(Math.floor(now.getTime() / 3_600_000) * 3_600_000 - (HOURS - 1) * 3_600_000);
  const rows = await getDb().$queryRaw<{ hour: Date; synced: bigint; errors: bigint }[]>`
    SELECT date_trunc('hour', coalesce(j."startedAt", j."queuedAt")) AS hour,
           sum(j.inserted + j.modified + j.deleted + j.coupled + j.uncoupled)::bigint AS synced,
           sum(j.failed)::bigint AS errors
    FROM "SyncJob" j JOIN "IntegrationTableMapping" m ON m.id = j."mappingId"
    WHERE coalesce(j."startedAt", j."queuedAt") >= ${since} AND (${mapping ?? null}::text IS NULL OR m.name = ${mapping ?? null}::text)
    GROUP BY 1`;
  const byHour = new Map(rows.map((r) => [new Date(r.hour).getTime(), r]));
  return Array.from({ length: HOURS }, (_, i) => {
    const at = new Date(since.getTime() + i * 3_600_000);
    const row = byHour.get(at.getTime());
    return { hour: at.toISOString(), label: `${String(at.getUTCHours()).padStart(2, "0")}:00`, synced: Number(row?.synced ?? 0), errors: Number(row?.errors ?? 0) };
  });
}

function durationOf(start: string | null, end: string | null): number | null {
  if (!start) return null;
  return Math.max(0, Math.round(((end ? new Date(end) : new Date()).getTime() - new Date(start).getTime()) / 1000));
}

export default async function SyncJobsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { isAllowed } = await pageUser("/integration/sync-jobs", "integration.read");
  const t = await getTranslations();
  const format = await getFormatter();
  if (!isAllowed) return <main className="page ia-page"><p role="alert" className="form-error">{t("integrationAdmin.notAllowed")}</p></main>;
  const query = querySchema.parse(await searchParams);
  const db = getDb();
  const [jobs, mappings, buckets] = await Promise.all([
    listJobs(db, { ...query, mapping: query.mapping?.toUpperCase() }),
    db.integrationTableMapping.findMany({ select: { name: true }, orderBy: { name: "asc" } }),
    hourlyBuckets(query.mapping?.toUpperCase()),
  ]);
  const pages = Math.max(1, Math.ceil(jobs.total / jobs.pageSize));
  const href = (page: number) => {
    const p = new URLSearchParams();
    if (query.mapping) p.set("mapping", query.mapping);
    if (query.type) p.set("type", query.type);
    if (query.status) p.set("status", query.status);
    if (page > 1) p.set("page", String(page));
    return `/integration/sync-jobs${p.size ? `?${p}` : ""}`;
  };
  const tj = (key: string, values?: Record<string, string | number>) => t(`integrationAdmin.jobs.${key}` as "integrationAdmin.jobs.title", values as never);
  return (
    <main className="page ia-page">
      <PageHeader title={t("integration.synchronizationJobs")} subtitle={tj("subtitle")} />
      <form method="get" action="/integration/sync-jobs" className="ia-inline-form" aria-label={tj("filters")}>
        <label>
          {tj("mapping")}
          <select name="mapping" defaultValue={query.mapping?.toUpperCase() ?? ""}>
            <option value="">{tj("all")}</option>
            {mappings.map((m) => <option key={m.name} value={m.name}>{m.name}</option>)}
          </select>
        </label>
        <label>
          {tj("type")}
          <select name="type" defaultValue={query.type ?? ""}>
            <option value="">{tj("all")}</option>
            {TYPES.map((x) => <option key={x} value={x}>{t(`integrationAdmin.fullSync.jobType.${x}`)}</option>)}
          </select>
        </label>
        <label>
          {tj("status")}
          <select name="status" defaultValue={query.status ?? ""}>
            <option value="">{tj("all")}</option>
            {STATUSES.map((x) => <option key={x} value={x}>{t(`integrationAdmin.fullSync.jobStatus.${x}`)}</option>)}
          </select>
        </label>
        <button type="submit" className="button">{tj("apply")}</button>
        <Link href="/integration/sync-jobs" className="button button-quiet">{tj("clear")}</Link>
      </form>
      <JobsChart buckets={buckets} />
      <div className="table-scroll ia-section">
        <table className="data-table">
          <caption className="visually-hidden">{t("integration.synchronizationJobs")}</caption>
          <thead>
            <tr>
              <th scope="col">{tj("start")}</th>
              <th scope="col">{tj("mapping")}</th>
              <th scope="col">{tj("type")}</th>
              <th scope="col">{tj("direction")}</th>
              <th scope="col">{tj("trigger")}</th>
              <th scope="col">{tj("status")}</th>
              <th scope="col" className="num">{tj("duration")}</th>
              <th scope="col" className="num">{tj("c.inserted")}</th>
              <th scope="col" className="num">{tj("c.modified")}</th>
              <th scope="col" className="num">{tj("c.deleted")}</th>
              <th scope="col" className="num">{tj("c.unchanged")}</th>
              <th scope="col" className="num">{tj("c.skipped")}</th>
              <th scope="col" className="num">{tj("c.failed")}</th>
              <th scope="col" className="num">{tj("c.coupled")}</th>
              <th scope="col" className="num">{tj("c.uncoupled")}</th>
            </tr>
          </thead>
          <tbody>
            {jobs.items.length === 0 && <tr><td colSpan={15} className="empty-row">{tj("empty")}</td></tr>}
            {jobs.items.map((j) => {
              // A row standing for repeated failures: the duration of its latest attempt, not of the whole streak.
              const seconds = durationOf(j.repeatCount > 1 ? (j.lastAttemptAt ?? j.startedAt) : j.startedAt, j.finishedAt);
              return (
                <tr key={j.id}>
                  <td>
                    <Link href={`/integration/sync-jobs/${j.id}`} aria-label={tj("openJob", { mapping: j.mapping, start: formatDateTime(format, new Date(j.startedAt ?? j.queuedAt)) })}>
                      {formatDateTime(format, new Date(j.startedAt ?? j.queuedAt))}
                    </Link>
                  </td>
                  <td>{j.mapping}</td>
                  <td>{t(`integrationAdmin.fullSync.jobType.${j.type}`)}</td>
                  <td>{j.direction ? t(`integration.direction.${directionKey(j.direction)}`) : "—"}</td>
                  <td>{t(`integrationAdmin.jobs.triggers.${j.trigger}`)}</td>
                  <td>
                    <Badge tone={jobStatusTone(j.status)}>{t(`integrationAdmin.fullSync.jobStatus.${j.status}`)}</Badge>
                    {j.repeatCount > 1 && (
                      <div className="ia-small ia-muted ia-cell-note">
                        {tj("repeated", { count: j.repeatCount, first: formatDateTime(format, new Date(j.startedAt ?? j.queuedAt)), last: formatDateTime(format, j.lastAttemptAt ? new Date(j.lastAttemptAt) : null) })}
                      </div>
                    )}
                  </td>
                  <td className="num">{seconds === null ? "—" : tj("seconds", { seconds })}</td>
                  {(["inserted", "modified", "deleted", "unchanged", "skipped", "failed", "coupled", "uncoupled"] as const).map((c) => (
                    <td key={c} className="num">{c === "failed" && j.counters.failed > 0 ? <Link href={`/integration/sync-jobs/${j.id}#job-errors`}>{format.number(j.counters.failed)}</Link> : format.number(j.counters[c])}</td>
                  ))}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <nav className="pager" aria-label={tj("pages")}>
        <span>{tj("total", { total: jobs.total })}</span>
        {jobs.page > 1 ? <Link className="button" href={href(jobs.page - 1)}>{tj("previous")}</Link> : null}
        <span>{tj("pageOf", { page: jobs.page, pages })}</span>
        {jobs.page < pages ? <Link className="button" href={href(jobs.page + 1)}>{tj("next")}</Link> : null}
      </nav>
    </main>
  );
}
