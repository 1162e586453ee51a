"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";
import type { ActionResult } from "../../lib/actions/action-result.ts";
import type { JobSummary } from "../../lib/integration/job-queries.ts";
import { Badge, OutcomeMessage, ProgressBar, useActionRunner, useAutoRefresh } from "./action-feedback.tsx";
import { directionKey, jobStatusTone } from "./captions.ts";

// Dataverse Full Synch. Review (BC §1.7): the enabled mappings in dependency order with their recommendation and the
// progress of their latest full synchronization; Start All queues them all (the worker keeps the order).

export type ReviewLine = {
  mapping: string;
  direction: string;
  dependencies: string[];
  erpCount: number;
  dataverseCount: number;
  recommendation: "FULL_SYNCHRONIZATION" | "COUPLE_RECORDS" | "NO_RECORDS_FOUND";
  isRunning: boolean;
  jobs: JobSummary[];
};

const isActive = (j: JobSummary) => j.status === "QUEUED" || j.status === "RUNNING";

export function FullSyncReview(props: { lines: ReviewLine[]; canRun: boolean; start: (input: unknown) => Promise<ActionResult<{ queued: true }>> }) {
  const t = useTranslations("integrationAdmin.fullSync");
  const ti = useTranslations("integration");
  const runner = useActionRunner();
  const [justStarted, setJustStarted] = useState(false);
  const anyRunning = props.lines.some((l) => l.isRunning || l.jobs.some(isActive));
  useAutoRefresh(anyRunning || justStarted, 2000);

  const statusOf = (line: ReviewLine): { tone: "ok" | "warn" | "error" | "neutral" | "info"; label: string } => {
    if (line.isRunning || line.jobs.some(isActive)) return { tone: "info", label: t("status.inProcess") };
    if (line.jobs.length === 0) return { tone: "neutral", label: t("status.notStarted") };
    if (line.jobs.some((j) => j.status === "FAILED" || j.counters.failed > 0)) return { tone: "error", label: t("status.error") };
    return { tone: "ok", label: t("status.success") };
  };

  return (
    <section>
      {props.canRun && (
        <div className="ia-toolbar">
          <button type="button" className="button button-primary" disabled={runner.isPending || anyRunning} onClick={() => runner.runAction(() => props.start({}), () => { setJustStarted(true); return t("started"); })}>
            {ti("startAll")}
          </button>
        </div>
      )}
      <OutcomeMessage outcome={runner.outcome} />
      <div className="table-scroll">
        <table className="data-table">
          <caption className="visually-hidden">{ti("dataverseFullSynchReview")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("order")}</th>
              <th scope="col">{t("mapping")}</th>
              <th scope="col">{t("direction")}</th>
              <th scope="col">{t("dependsOn")}</th>
              <th scope="col" className="num">{t("erpRecords")}</th>
              <th scope="col" className="num">{t("dataverseRecords")}</th>
              <th scope="col">{t("recommendation")}</th>
              <th scope="col">{t("statusHeading")}</th>
              <th scope="col">{t("progress")}</th>
              {props.canRun && <th scope="col"><span className="visually-hidden">{t("actions")}</span></th>}
            </tr>
          </thead>
          <tbody>
            {props.lines.length === 0 && (
              <tr>
                <td colSpan={10} className="empty-row">{t("empty")}</td>
              </tr>
            )}
            {props.lines.map((line, index) => {
              const status = statusOf(line);
              return (
                <tr key={line.mapping}>
                  <td className="num">{index + 1}</td>
                  <th scope="row">{line.mapping}</th>
                  <td>{ti(`direction.${directionKey(line.direction)}`)}</td>
                  <td>{line.dependencies.join(", ") || "—"}</td>
                  <td className="num">{line.erpCount}</td>
                  <td className="num">{line.dataverseCount}</td>
                  <td>{t(`recommendations.${line.recommendation}`)}</td>
                  <td>
                    <Badge tone={status.tone}>{status.label}</Badge>
                  </td>
                  <td>
                    {line.jobs.length === 0 ? (
                      <span className="ia-muted">—</span>
                    ) : (
                      line.jobs.map((job) => (
                        <div key={job.id} className="ia-small">
                          <span>
                            {t(`jobType.${job.type}`)} {job.direction ? `· ${ti(`direction.${directionKey(job.direction)}`)}` : ""} <Badge tone={jobStatusTone(job.status)}>{t(`jobStatus.${job.status}`)}</Badge>
                          </span>
                          {isActive(job) ? (
                            <ProgressBar label={t("progressOf", { mapping: line.mapping })} done={job.progress.done} total={job.progress.total} etaSeconds={job.progress.etaSeconds} />
                          ) : (
                            <span className="ia-muted"> {t("counts", { inserted: job.counters.inserted, modified: job.counters.modified, coupled: job.counters.coupled, failed: job.counters.failed })}</span>
                          )}
                        </div>
                      ))
                    )}
                  </td>
                  {props.canRun && (
                    <td>
                      <button type="button" className="button" disabled={runner.isPending || line.isRunning || line.recommendation === "NO_RECORDS_FOUND"} aria-label={t("startOne", { mapping: line.mapping })} onClick={() => runner.runAction(() => props.start({ names: [line.mapping] }), () => { setJustStarted(true); return t("startedOne", { mapping: line.mapping }); })}>
                        {t("start")}
                      </button>
                    </td>
                  )}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}
