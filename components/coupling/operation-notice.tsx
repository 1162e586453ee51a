"use client";

import { useTranslations } from "next-intl";
import Link from "next/link";
import type { OperationPhase } from "./use-operation.ts";
import { totalCounters } from "./use-operation.ts";

const COUNTERS = ["inserted", "modified", "unchanged", "skipped", "failed", "coupled", "uncoupled", "deleted"] as const;

// The notification of a coupling operation: progress while it runs, then its outcome with counts, the first errors
// and a way to the log. Nothing is rendered while idle (an empty live region would only add noise).
export function OperationNotice(props: { phase: OperationPhase; onShowLog?: () => void; logHref?: string; onDismiss: () => void }) {
  const t = useTranslations("records");
  const { phase } = props;
  if (phase.kind === "idle") return null;
  if (phase.kind === "error") {
    return (
      <div role="alert" className="cpl-notice cpl-notice-error">
        <span>{phase.message || t("unexpectedError")}</span>
        {phase.fieldErrors && (
          <ul>
            {Object.entries(phase.fieldErrors).flatMap(([field, messages]) => messages.map((m) => <li key={`${field}-${m}`}>{m}</li>))}
          </ul>
        )}
        <div className="cpl-notice-actions">
          <button type="button" className="button button-link" onClick={props.onDismiss}>
            {t("dismiss")}
          </button>
        </div>
      </div>
    );
  }
  if (phase.kind === "working") {
    return (
      <div role="status" aria-live="polite" className="cpl-notice">
        {t("working")}
      </div>
    );
  }
  const counts = totalCounters(phase.jobs);
  const countText = COUNTERS.filter((name) => (counts[name] ?? 0) > 0)
    .map((name) => t(`counter.${name}`, { count: counts[name] }))
    .join(" · ");
  const errors = phase.jobs.flatMap((j) => j.errors).slice(0, 3);
  const jobMessages = phase.jobs.filter((j) => j.status === "FAILED" && j.message).map((j) => j.message!);
  const progressTotal = phase.jobs.reduce((sum, j) => sum + (j.progress.total ?? 0), 0);
  const progressDone = phase.jobs.reduce((sum, j) => sum + j.progress.done, 0);
  const isFailure = phase.kind === "done" && (phase.jobs.some((j) => j.status === "FAILED") || (counts.failed ?? 0) > 0);
  return (
    <div role="status" aria-live="polite" className={phase.kind === "done" ? (isFailure ? "cpl-notice cpl-notice-error" : "cpl-notice cpl-notice-success") : "cpl-notice"}>
      <span>{phase.message}</span>
      {phase.kind === "scheduled" && (
        <>
          <span>{t("inProgress")}</span>
          {progressTotal > 0 && <progress max={progressTotal} value={progressDone} aria-label={t("progress")} />}
        </>
      )}
      {phase.kind === "done" && phase.detail && <span>{phase.detail}</span>}
      {phase.kind === "done" && countText && <span>{countText}</span>}
      {phase.kind === "done" && [...jobMessages, ...errors].length > 0 && (
        <ul>
          {[...new Set([...jobMessages, ...errors])].map((m) => (
            <li key={m}>{m}</li>
          ))}
        </ul>
      )}
      {phase.kind === "done" && (
        <div className="cpl-notice-actions">
          {props.onShowLog && (
            <button type="button" className="button button-link" onClick={props.onShowLog}>
              {t("showLog")}
            </button>
          )}
          {props.logHref && (
            <Link href={props.logHref} className="button button-link">
              {t("openJobs")}
            </Link>
          )}
          <button type="button" className="button button-link" onClick={props.onDismiss}>
            {t("dismiss")}
          </button>
        </div>
      )}
    </div>
  );
}
