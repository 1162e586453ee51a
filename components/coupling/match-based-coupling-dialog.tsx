"use client";

import { useTranslations } from "next-intl";
import { useEffect, useId, useState } from "react";
import type { MatchReport } from "../../lib/integration/match-based-coupling.ts";
import type { CouplingActions } from "./coupling-action-props.ts";
import type { MatchCriteriaOptions } from "./coupling-types.ts";

// Match-Based Coupling on a selection (BC §2g): the criteria (fields, case sensitivity, priority groups), Create New
// when no match, Synchronize After Coupling; a dry run shows matches, ambiguities and creations, and only then may
// the run start. The choices are this run's own; only a role that may change mappings may also save them as the
// mapping's defaults (the server refuses anyone else).

type Criterion = { erpField: string; dataverseAttribute: string; isSelected: boolean; caseSensitive: boolean; priority: number };
export type MatchRunInput = {
  erpIds: string[];
  criteria: { erpField: string; caseSensitive: boolean; priority: number }[];
  createNewIfNoMatch: boolean;
  syncAfterCoupling: boolean;
  saveCriteria: boolean;
};

export function MatchBasedCouplingDialog(props: {
  erpIds: string[];
  actions: Pick<CouplingActions, "matchCriteria" | "previewMatch">;
  onRun: (input: MatchRunInput) => void;
  onCancel: () => void;
}) {
  const t = useTranslations("records");
  const tc = useTranslations("common");
  const ids = useId();
  const [options, setOptions] = useState<MatchCriteriaOptions | null>(null);
  const [criteria, setCriteria] = useState<Criterion[]>([]);
  const [createNew, setCreateNew] = useState(false);
  const [syncAfter, setSyncAfter] = useState(false);
  const [saveCriteria, setSaveCriteria] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [report, setReport] = useState<MatchReport | null>(null);
  const [isPreviewing, setIsPreviewing] = useState(false);
  const { actions } = props;

  useEffect(() => {
    let cancelled = false;
    actions.matchCriteria().then((result) => {
      if (cancelled) return;
      if (!result.ok) return setError(result.message);
      setOptions(result.data);
      setCriteria(result.data.fields);
      setCreateNew(result.data.createNewIfNoMatch && result.data.canCreateNew);
      setSyncAfter(result.data.syncAfterCoupling);
    });
    return () => {
      cancelled = true;
    };
  }, [actions]);

  const request = () => ({
    erpIds: props.erpIds,
    criteria: criteria.filter((c) => c.isSelected).map((c) => ({ erpField: c.erpField, caseSensitive: c.caseSensitive, priority: c.priority })),
    createNewIfNoMatch: createNew,
    syncAfterCoupling: syncAfter,
  });

  const change = (index: number, patch: Partial<Criterion>) => {
    setReport(null);
    setCriteria((all) => all.map((c, i) => (i === index ? { ...c, ...patch } : c)));
  };

  async function preview() {
    setIsPreviewing(true);
    setError(null);
    const result = await actions.previewMatch(request());
    setIsPreviewing(false);
    if (!result.ok) {
      setReport(null);
      return setError([result.message, ...Object.values(result.fieldErrors ?? {}).flat()].join(" "));
    }
    setReport(result.data);
  }

  if (!options) {
    return error ? (
      <>
        <p role="alert" className="form-error">
          {error}
        </p>
        <div className="form-actions">
          <button type="button" className="button" onClick={props.onCancel}>
            {t("close")}
          </button>
        </div>
      </>
    ) : (
      <p role="status">{t("loading")}</p>
    );
  }
  const created = report?.unmatched.filter((u) => u.action === "create") ?? [];
  const noMatch = report?.unmatched.filter((u) => u.action === "none") ?? [];
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        if (report) props.onRun({ ...request(), saveCriteria: options.canSaveCriteria && saveCriteria });
      }}
    >
      <p>{t("matchIntro", { count: props.erpIds.length, mapping: options.mapping })}</p>
      <fieldset>
        <legend>{t("matchOn")}</legend>
        <p className="field-hint">{t("criteriaPerRun")}</p>
        <div className="cpl-match-grid">
          {criteria.map((c, index) => (
            <div key={c.erpField} style={{ display: "contents" }}>
              <label>
                <input type="checkbox" checked={c.isSelected} onChange={(e) => change(index, { isSelected: e.target.checked })} /> {c.erpField} ↔ {c.dataverseAttribute}
              </label>
              <label>
                <input
                  type="checkbox"
                  checked={c.caseSensitive}
                  disabled={!c.isSelected}
                  onChange={(e) => change(index, { caseSensitive: e.target.checked })}
                  aria-label={t("caseSensitiveFor", { field: c.erpField })}
                />{" "}
                {t("caseSensitive")}
              </label>
              <label>
                {t("priority")}{" "}
                <input
                  type="number"
                  min={0}
                  max={1000}
                  value={c.priority}
                  disabled={!c.isSelected}
                  onChange={(e) => change(index, { priority: Math.max(0, Math.min(1000, Number(e.target.value) || 0)) })}
                  aria-label={t("priorityFor", { field: c.erpField })}
                />
              </label>
            </div>
          ))}
        </div>
      </fieldset>
      <div className="cpl-options">
        {options.canCreateNew && (
          <label>
            <input type="checkbox" checked={createNew} onChange={(e) => (setReport(null), setCreateNew(e.target.checked))} />
            <span>{t("createNewIfNoMatch")}</span>
          </label>
        )}
        <label>
          <input type="checkbox" checked={syncAfter} onChange={(e) => (setReport(null), setSyncAfter(e.target.checked))} />
          <span>{t("syncAfterMatch")}</span>
        </label>
        {options.canSaveCriteria && (
          <label>
            <input type="checkbox" checked={saveCriteria} onChange={(e) => setSaveCriteria(e.target.checked)} />
            <span>{t("saveCriteriaAsDefault")}</span>
          </label>
        )}
      </div>
      {error && (
        <p role="alert" className="form-error">
          {error}
        </p>
      )}
      {isPreviewing && <p role="status">{t("previewing")}</p>}
      {report && (
        <section aria-labelledby={`${ids}-preview`}>
          <h3 id={`${ids}-preview`}>{t("previewHeading")}</h3>
          <p>{t("previewSummary", { matched: report.matched.length, ambiguous: report.ambiguous.length, created: created.length, none: noMatch.length, coupled: report.alreadyCoupled })}</p>
          {report.matched.length > 0 && (
            <>
              <h3>{t("matchedHeading", { count: report.matched.length })}</h3>
              <ul className="cpl-preview-list" aria-label={t("matchedHeading", { count: report.matched.length })}>
                {report.matched.map((m) => (
                  <li key={m.erpId}>{t("matchedLine", { no: m.no, name: m.name })}</li>
                ))}
              </ul>
            </>
          )}
          {report.ambiguous.length > 0 && (
            <>
              <h3>{t("ambiguousHeading", { count: report.ambiguous.length })}</h3>
              <ul className="cpl-preview-list">
                {report.ambiguous.map((a) => (
                  <li key={a.erpId}>{t("ambiguousLine", { no: a.no, names: a.candidates.map((c) => c.name).join(", ") })}</li>
                ))}
              </ul>
            </>
          )}
          {created.length > 0 && (
            <>
              <h3>{t("createdHeading", { count: created.length })}</h3>
              <ul className="cpl-preview-list">
                {created.map((u) => (
                  <li key={u.erpId}>{u.no}</li>
                ))}
              </ul>
            </>
          )}
          {noMatch.length > 0 && (
            <>
              <h3>{t("noMatchHeading", { count: noMatch.length })}</h3>
              <ul className="cpl-preview-list">
                {noMatch.map((u) => (
                  <li key={u.erpId}>{u.no}</li>
                ))}
              </ul>
            </>
          )}
        </section>
      )}
      <div className="form-actions">
        <button type="button" className="button" onClick={preview} disabled={isPreviewing}>
          {t("preview")}
        </button>
        <button type="submit" className="button button-primary" disabled={!report}>
          {t("runMatch")}
        </button>
        <button type="button" className="button" onClick={props.onCancel}>
          {tc("cancel")}
        </button>
      </div>
      {!report && <p className="field-hint">{t("previewFirst")}</p>}
    </form>
  );
}
