"use client";

import { useFormatter, useTranslations } from "next-intl";
import Link from "next/link";
import { useEffect, useId, useRef, useState } from "react";
import type { ActionResult } from "../../lib/actions/action-result.ts";
import type { JobSummary } from "../../lib/integration/job-queries.ts";
import type { MappingOverview } from "../../lib/integration/mapping-admin-service.ts";
import type { MatchReport } from "../../lib/integration/match-based-coupling.ts";
import { formatDateTime } from "../format.ts";
import { Badge, OutcomeMessage, ProgressBar, useActionRunner, useAutoRefresh } from "./action-feedback.tsx";
import { directionKey, mappingStatusTone } from "./captions.ts";

export type MatchField = { erpField: string; label: string; isCriterion: boolean; caseSensitive: boolean; priority: number };

type Action<I, O> = (input: I) => Promise<ActionResult<O>>;

export type MappingListProps = {
  mappings: MappingOverview[];
  matchFields: Record<string, MatchField[]>;
  can: { sync: boolean; manage: boolean; fullSync: boolean; removeAll: boolean };
  actions: {
    synchronize: Action<{ name: string }, { message: string }>;
    setPaused: Action<{ name: string; isPaused: boolean }, { status: string }>;
    useDefault: Action<{ names?: string[] }, { names: string[] }>;
    removeCouplings: Action<{ name: string }, { jobId: string }>;
    previewMatch: Action<MatchInput, MatchReport>;
    runMatch: Action<MatchInput, { jobId: string }>;
    jobProgress: Action<{ ids: string[] }, JobSummary[]>;
  };
};

type MatchInput = { name: string; criteria: { erpField: string; caseSensitive: boolean; priority: number }[]; createNewIfNoMatch: boolean; syncAfterCoupling: boolean };

const isFinished = (j: JobSummary) => j.status === "SUCCEEDED" || j.status === "FAILED" || j.status === "CANCELLED";

/** Follows one background job (Remove Couplings, Match-Based Coupling) until it finishes. */
function useJobProgress(jobId: string | null, poll: MappingListProps["actions"]["jobProgress"]) {
  const [job, setJob] = useState<JobSummary | null>(null);
  useEffect(() => {
    if (!jobId) return;
    let stopped = false;
    const tick = async () => {
      const result = await poll({ ids: [jobId] });
      if (stopped) return;
      if (result.ok && result.data[0]) {
        setJob(result.data[0]);
        if (isFinished(result.data[0])) return;
      }
      setTimeout(tick, 1000);
    };
    void tick();
    return () => {
      stopped = true;
    };
  }, [jobId, poll]);
  return jobId ? job : null;
}

export function MappingList(props: MappingListProps) {
  const t = useTranslations("integrationAdmin");
  const ti = useTranslations("integration");
  const format = useFormatter();
  const ids = useId();
  const [selected, setSelected] = useState<string | null>(props.mappings[0]?.name ?? null);
  const runner = useActionRunner();
  const [removeJobId, setRemoveJobId] = useState<string | null>(null);
  const removeJob = useJobProgress(removeJobId, props.actions.jobProgress);
  const confirmRemoveRef = useRef<HTMLDialogElement>(null);
  const confirmDefaultRef = useRef<HTMLDialogElement>(null);
  const matchRef = useRef<HTMLDialogElement>(null);
  const current = props.mappings.find((m) => m.name === selected) ?? null;
  useAutoRefresh(props.mappings.some((m) => m.isRunning) || (removeJob !== null && !isFinished(removeJob)), 3000);

  useEffect(() => {
    if (removeJob && isFinished(removeJob)) {
      runner.setOutcome({
        kind: removeJob.status === "SUCCEEDED" ? "success" : "error",
        text: removeJob.status === "SUCCEEDED" ? t("mappings.removeDone", { count: removeJob.counters.uncoupled, name: removeJob.mapping }) : t("mappings.removeFailed", { message: removeJob.message ?? "" }),
      });
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps -- only when the job finishes
  }, [removeJob?.status]);

  return (
    <section aria-labelledby={`${ids}-caption`}>
      <div className="ia-toolbar" role="toolbar" aria-label={t("mappings.actionsFor", { name: current?.name ?? "—" })}>
        {props.can.sync && (
          <button type="button" className="button" disabled={!current || runner.isPending} onClick={() => current && runner.runAction(() => props.actions.synchronize({ name: current.name }), () => t("mappings.syncQueued", { name: current.name }))}>
            {ti("synchronizeModifiedRecords")}
          </button>
        )}
        {props.can.fullSync && (
          <Link className="button" href="/integration/full-sync-review">
            {ti("runFullSynchronization")}
          </Link>
        )}
        {props.can.manage && (
          <button type="button" className="button" disabled={!current} onClick={() => matchRef.current?.showModal()}>
            {ti("matchBasedCoupling")}
          </button>
        )}
        {props.can.removeAll && (
          <button type="button" className="button button-danger" disabled={!current || current.couplings === 0 || runner.isPending} onClick={() => confirmRemoveRef.current?.showModal()}>
            {ti("removeCouplings")}
          </button>
        )}
        {props.can.manage && current && (
          <button type="button" className="button" disabled={runner.isPending} onClick={() => runner.runAction(() => props.actions.setPaused({ name: current.name, isPaused: current.status !== "PAUSED" }), (d) => (d.status === "PAUSED" ? t("mappings.paused", { name: current.name }) : t("mappings.resumed", { name: current.name })))}>
            {current.status === "PAUSED" ? ti("resume") : ti("pause")}
          </button>
        )}
        {props.can.manage && (
          <button type="button" className="button" disabled={runner.isPending} onClick={() => confirmDefaultRef.current?.showModal()}>
            {ti("useDefaultSynchronizationSetup")}
          </button>
        )}
        {current && (
          <Link className="button button-quiet" href={`/integration/sync-jobs?mapping=${encodeURIComponent(current.name)}`}>
            {ti("synchronizationLog")}
          </Link>
        )}
      </div>
      <OutcomeMessage outcome={runner.outcome} />
      {removeJob && !isFinished(removeJob) && <ProgressBar label={t("mappings.removing", { name: removeJob.mapping })} done={removeJob.progress.done} total={removeJob.progress.total} etaSeconds={removeJob.progress.etaSeconds} />}

      <div className="table-scroll">
        <table className="data-table">
          <caption id={`${ids}-caption`} className="visually-hidden">
            {ti("integrationTableMappings")}
          </caption>
          <thead>
            <tr>
              <th scope="col" className="ia-cell-tight">
                <span className="visually-hidden">{t("mappings.select")}</span>
              </th>
              <th scope="col">{t("mappings.name")}</th>
              <th scope="col">{t("mappings.direction")}</th>
              <th scope="col">{t("mappings.status")}</th>
              <th scope="col">{t("mappings.lastRun")}</th>
              <th scope="col">{t("mappings.nextRun")}</th>
              <th scope="col" className="num">{t("mappings.recordsCoupled")}</th>
              <th scope="col" className="num">{t("mappings.openErrors")}</th>
            </tr>
          </thead>
          <tbody>
            {props.mappings.length === 0 && (
              <tr>
                <td colSpan={8} className="empty-row">
                  {t("mappings.empty")}
                </td>
              </tr>
            )}
            {props.mappings.map((m) => (
              <tr key={m.name} className={m.name === selected ? "ia-selected-row" : undefined} onClick={() => setSelected(m.name)}>
                <td>
                  <input type="radio" name={`${ids}-mapping`} checked={m.name === selected} onChange={() => setSelected(m.name)} aria-label={t("mappings.selectMapping", { name: m.name })} />
                </td>
                <td>
                  <Link href={`/integration/table-mappings/${encodeURIComponent(m.name)}`}>{m.name}</Link>
                  <div className="ia-small ia-muted">
                    {t(`erpTables.${m.erpTable}`)} ⇄ {m.dataverseEntity}
                  </div>
                </td>
                <td>{ti(`direction.${directionKey(m.direction)}`)}</td>
                <td>
                  <Badge tone={mappingStatusTone(m.status, m.isEnabled)}>{m.isEnabled ? ti(`mappingStatus.${statusKey(m.status)}`) : t("mappings.disabled")}</Badge>
                  {m.failing && <FailingNote failing={m.failing} />}
                </td>
                <td>{formatDateTime(format, m.lastRunAt ? new Date(m.lastRunAt) : null)}</td>
                <td>{m.nextRunAt ? formatDateTime(format, new Date(m.nextRunAt)) : t("mappings.notScheduled")}</td>
                <td className="num">{format.number(m.couplings)}</td>
                <td className="num">
                  {m.openErrors > 0 ? <Link href={`/integration/sync-errors?mapping=${encodeURIComponent(m.name)}`}>{format.number(m.openErrors)}</Link> : format.number(0)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <dialog ref={confirmRemoveRef} className="dialog" aria-labelledby={`${ids}-remove-title`}>
        <h2 id={`${ids}-remove-title`}>{ti("removeCouplings")}</h2>
        <p>{t("mappings.removeConfirm", { name: current?.name ?? "", count: current?.couplings ?? 0 })}</p>
        <div className="form-actions">
          <button
            type="button"
            className="button button-danger"
            onClick={() => {
              confirmRemoveRef.current?.close();
              if (current) runner.runAction(() => props.actions.removeCouplings({ name: current.name }), (d) => {
                setRemoveJobId(d.jobId);
                return t("mappings.removeQueued", { name: current.name });
              });
            }}
          >
            {ti("removeCouplings")}
          </button>
          <button type="button" className="button" autoFocus onClick={() => confirmRemoveRef.current?.close()}>
            {t("cancel")}
          </button>
        </div>
      </dialog>

      <dialog ref={confirmDefaultRef} className="dialog" aria-labelledby={`${ids}-default-title`}>
        <h2 id={`${ids}-default-title`}>{ti("useDefaultSynchronizationSetup")}</h2>
        <p>{current ? t("mappings.defaultConfirmOne", { name: current.name }) : t("mappings.defaultConfirmAll")}</p>
        <div className="form-actions">
          <button
            type="button"
            className="button button-primary"
            onClick={() => {
              confirmDefaultRef.current?.close();
              runner.runAction(() => props.actions.useDefault({ names: current ? [current.name] : undefined }), (d) => t("mappings.defaultDone", { names: d.names.join(", ") }));
            }}
          >
            {ti("useDefaultSynchronizationSetup")}
          </button>
          <button type="button" className="button" autoFocus onClick={() => confirmDefaultRef.current?.close()}>
            {t("cancel")}
          </button>
        </div>
      </dialog>

      {current && props.can.manage && (
        <MatchDialog key={current.name} dialogRef={matchRef} mapping={current.name} fields={props.matchFields[current.name] ?? []} actions={props.actions} />
      )}
    </section>
  );
}

/** A mapping whose automatic runs fail in a row: since when, how many, when the next automatic attempt is. */
function FailingNote({ failing }: { failing: NonNullable<MappingOverview["failing"]> }) {
  const t = useTranslations("integrationAdmin.mappings");
  const format = useFormatter();
  const since = formatDateTime(format, new Date(failing.since));
  return (
    <div className="ia-small ia-cell-note" role="note">
      <Badge tone="error">{t("failing")}</Badge>{" "}
      {failing.nextAttemptAt
        ? t("failingSince", { since, attempts: failing.attempts, next: formatDateTime(format, new Date(failing.nextAttemptAt)) })
        : t("failingSinceHeld", { since, attempts: failing.attempts })}
      {failing.message && (
        <div className="ia-muted ia-clamp" title={failing.message}>
          {t("lastError", { message: failing.message })}
        </div>
      )}
    </div>
  );
}

function statusKey(status: string): "ready" | "running" | "paused" | "onHold" {
  return status === "RUNNING" ? "running" : status === "PAUSED" ? "paused" : status === "ON_HOLD" ? "onHold" : "ready";
}

function MatchDialog(props: { dialogRef: React.RefObject<HTMLDialogElement | null>; mapping: string; fields: MatchField[]; actions: MappingListProps["actions"] }) {
  const t = useTranslations("integrationAdmin.match");
  const tc = useTranslations("integrationAdmin");
  const ti = useTranslations("integration");
  const ids = useId();
  const [criteria, setCriteria] = useState(() => props.fields.map((f) => ({ ...f })));
  const [createNew, setCreateNew] = useState(false);
  const [syncAfter, setSyncAfter] = useState(false);
  const [report, setReport] = useState<MatchReport | null>(null);
  const [jobId, setJobId] = useState<string | null>(null);
  const job = useJobProgress(jobId, props.actions.jobProgress);
  const runner = useActionRunner();
  const input = (): MatchInput => ({
    name: props.mapping,
    criteria: criteria.filter((c) => c.isCriterion).map((c) => ({ erpField: c.erpField, caseSensitive: c.caseSensitive, priority: c.priority })),
    createNewIfNoMatch: createNew,
    syncAfterCoupling: syncAfter,
  });
  const update = (index: number, patch: Partial<MatchField>) => {
    setReport(null);
    setCriteria((all) => all.map((c, i) => (i === index ? { ...c, ...patch } : c)));
  };
  return (
    <dialog ref={props.dialogRef} className="dialog ia-dialog-wide" aria-labelledby={`${ids}-title`}>
      <h2 id={`${ids}-title`}>{t("title", { name: props.mapping })}</h2>
      <p className="ia-muted">{t("intro")}</p>
      <table className="data-table">
        <caption className="visually-hidden">{t("criteria")}</caption>
        <thead>
          <tr>
            <th scope="col">{t("useField")}</th>
            <th scope="col">{t("caseSensitive")}</th>
            <th scope="col">{t("priority")}</th>
          </tr>
        </thead>
        <tbody>
          {criteria.map((c, index) => (
            <tr key={c.erpField}>
              <td>
                <label className="ia-checkbox">
                  <input type="checkbox" checked={c.isCriterion} onChange={(e) => update(index, { isCriterion: e.target.checked })} />
                  {c.label}
                </label>
              </td>
              <td>
                <input type="checkbox" checked={c.caseSensitive} aria-label={t("caseSensitiveFor", { field: c.label })} onChange={(e) => update(index, { caseSensitive: e.target.checked })} />
              </td>
              <td>
                <input type="number" min={0} max={1000} value={c.priority} aria-label={t("priorityFor", { field: c.label })} onChange={(e) => update(index, { priority: Math.max(0, Number.parseInt(e.target.value || "0", 10) || 0) })} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <label className="ia-checkbox">
        <input type="checkbox" checked={createNew} onChange={(e) => { setCreateNew(e.target.checked); setReport(null); }} />
        {t("createNew")}
      </label>
      <label className="ia-checkbox">
        <input type="checkbox" checked={syncAfter} onChange={(e) => setSyncAfter(e.target.checked)} />
        {t("syncAfter")}
      </label>
      <OutcomeMessage outcome={runner.outcome} />
      {runner.fieldErrors.criteria && <p className="field-error">{runner.fieldErrors.criteria.join(" ")}</p>}
      {report && (
        <div className="ia-section" aria-live="polite">
          <h3>{t("previewTitle")}</h3>
          <p>{t("previewSummary", { matched: report.matched.length, ambiguous: report.ambiguous.length, create: report.unmatched.filter((u) => u.action === "create").length, none: report.unmatched.filter((u) => u.action === "none").length, already: report.alreadyCoupled })}</p>
          <div className="ia-grid-2">
            <PreviewList title={t("matched")} items={report.matched.slice(0, 20).map((m) => `${m.no} → ${m.name}`)} more={report.matched.length - 20} />
            <PreviewList title={t("ambiguous")} items={report.ambiguous.slice(0, 20).map((a) => `${a.no}: ${a.candidates.map((c) => c.name).join(", ")}`)} more={report.ambiguous.length - 20} />
            <PreviewList title={t("unmatched")} items={report.unmatched.slice(0, 20).map((u) => `${u.no}: ${u.action === "create" ? t("willCreate") : u.message}`)} more={report.unmatched.length - 20} />
          </div>
        </div>
      )}
      {job && (isFinished(job) ? (
        <p role="status" className={job.status === "SUCCEEDED" ? "form-success" : "form-error"}>
          {job.status === "SUCCEEDED" ? t("done", { coupled: job.counters.coupled, inserted: job.counters.inserted, failed: job.counters.failed }) : t("failed", { message: job.message ?? "" })}
        </p>
      ) : (
        <ProgressBar label={t("running")} done={job.progress.done} total={job.progress.total} etaSeconds={job.progress.etaSeconds} />
      ))}
      <div className="form-actions">
        <button type="button" className="button" disabled={runner.isPending} onClick={() => runner.runAction(() => props.actions.previewMatch(input()), (r) => { setReport(r); return null; })}>
          {t("preview")}
        </button>
        <button type="button" className="button button-primary" disabled={runner.isPending || !report || (jobId !== null && !(job && isFinished(job)))} onClick={() => runner.runAction(() => props.actions.runMatch(input()), (d) => { setJobId(d.jobId); return t("queued"); })}>
          {ti("matchBasedCoupling")}
        </button>
        <button type="button" className="button" onClick={() => props.dialogRef.current?.close()}>
          {tc("close")}
        </button>
      </div>
    </dialog>
  );
}

function PreviewList(props: { title: string; items: string[]; more: number }) {
  const t = useTranslations("integrationAdmin.match");
  return (
    <div>
      <h4>{props.title}</h4>
      {props.items.length === 0 ? (
        <p className="ia-muted">{t("none")}</p>
      ) : (
        <ul className="ia-small">
          {props.items.map((item) => (
            <li key={item}>{item}</li>
          ))}
          {props.more > 0 && <li className="ia-muted">{t("more", { count: props.more })}</li>}
        </ul>
      )}
    </div>
  );
}
