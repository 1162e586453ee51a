"use client";

import { useTranslations } from "next-intl";
import { useEffect, useId, useRef, useState } from "react";
import type { CouplingActions } from "./coupling-action-props.ts";
import type { CouplingDialogState, DataverseCandidate, FieldComparisonRow, SyncAfterChoice } from "./coupling-types.ts";

// Set Up Coupling (BC §1.6, §2h): find the Dataverse record by name (typeahead over the mapping's integration table
// filter) or Create New; choose Synchronize After Coupling; compare the mapped fields of the pair before OK. The
// refusals (either side already coupled, outside the filter) come from the server's checks and show here.

type Props = {
  erpId: string;
  recordLabel: string;
  actions: Pick<CouplingActions, "dialog" | "search" | "preview">;
  onSubmit: (choice: { dataverseId?: string; createNew: boolean; syncAfterCoupling: SyncAfterChoice }) => void;
  onCancel: () => void;
};

const SYNC_AFTER_KEY: Record<SyncAfterChoice, "synchronizeAfterCouplingNo" | "synchronizeAfterCouplingUseErp" | "synchronizeAfterCouplingUseDataverse"> = {
  none: "synchronizeAfterCouplingNo",
  erp: "synchronizeAfterCouplingUseErp",
  dataverse: "synchronizeAfterCouplingUseDataverse",
};

export function SetUpCouplingDialog(props: Props) {
  const t = useTranslations("records");
  const ti = useTranslations("integration");
  const tc = useTranslations("common");
  const ids = useId();
  const [state, setState] = useState<CouplingDialogState | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [query, setQuery] = useState("");
  const [results, setResults] = useState<DataverseCandidate[] | null>(null);
  const [isSearching, setIsSearching] = useState(false);
  const [searchError, setSearchError] = useState<string | null>(null);
  const [chosen, setChosen] = useState<DataverseCandidate | null>(null);
  const [comparison, setComparison] = useState<{ fields: FieldComparisonRow[]; name: string } | null>(null);
  const [previewError, setPreviewError] = useState<string | null>(null);
  const [isComparing, setIsComparing] = useState(false);
  const [createNew, setCreateNew] = useState(false);
  const [syncAfter, setSyncAfter] = useState<SyncAfterChoice>("none");
  const searchSeq = useRef(0);
  const { actions, erpId } = props;

  useEffect(() => {
    let cancelled = false;
    actions.dialog({ erpId }).then((result) => {
      if (cancelled) return;
      if (!result.ok) return setLoadError(result.message);
      setState(result.data);
      setSyncAfter(result.data.defaultSyncAfter);
    });
    return () => {
      cancelled = true;
    };
  }, [actions, erpId]);

  // Typeahead: the newest answer wins, older ones are dropped.
  useEffect(() => {
    if (!state || createNew) return;
    const seq = ++searchSeq.current;
    const timer = setTimeout(async () => {
      setIsSearching(true);
      const result = await actions.search({ erpId, query });
      if (seq !== searchSeq.current) return;
      setIsSearching(false);
      if (!result.ok) {
        setSearchError(result.message);
        setResults([]);
        return;
      }
      setSearchError(null);
      setResults(result.data);
    }, 250);
    return () => clearTimeout(timer);
  }, [actions, erpId, query, state, createNew]);

  async function choose(candidate: DataverseCandidate) {
    setChosen(candidate);
    setComparison(null);
    setPreviewError(null);
    setIsComparing(true);
    const result = await actions.preview({ erpId, dataverseId: candidate.id });
    setIsComparing(false);
    if (!result.ok) return setPreviewError(result.message);
    setComparison(result.data);
  }

  if (loadError) {
    return (
      <>
        <p role="alert" className="form-error">
          {loadError}
        </p>
        <div className="form-actions">
          <button type="button" className="button" onClick={props.onCancel}>
            {t("close")}
          </button>
        </div>
      </>
    );
  }
  if (!state) return <p role="status">{t("loading")}</p>;

  const canSubmit = createNew || (chosen !== null && comparison !== null && !previewError);
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        if (!canSubmit) return;
        props.onSubmit(createNew ? { createNew: true, syncAfterCoupling: "none" } : { createNew: false, dataverseId: chosen!.id, syncAfterCoupling: syncAfter });
      }}
    >
      <p>
        <strong>{t("erpRecord")}:</strong> {props.recordLabel}
      </p>
      {state.coupledTo && <p className="cpl-chosen">{t("currentlyCoupledTo", { name: state.coupledTo.name })}</p>}

      {state.canCreateNew && (
        <label className="cpl-options">
          <span>
            <input type="checkbox" checked={createNew} onChange={(e) => setCreateNew(e.target.checked)} /> {ti("createNew")}
          </span>
          <span className="field-hint">{t("createNewHint")}</span>
        </label>
      )}

      {!createNew && (
        <div className="cpl-search">
          <label htmlFor={`${ids}-search`}>{t("searchDataverse", { entity: state.entity })}</label>
          <input
            id={`${ids}-search`}
            type="search"
            value={query}
            maxLength={100}
            autoComplete="off"
            aria-controls={`${ids}-results`}
            aria-describedby={`${ids}-search-state`}
            onChange={(e) => setQuery(e.target.value)}
            autoFocus
          />
          <span id={`${ids}-search-state`} className="field-hint" aria-live="polite">
            {isSearching ? t("searching") : results ? t("resultCount", { count: results.length }) : ""}
          </span>
          {searchError && (
            <p role="alert" className="form-error">
              {searchError}
            </p>
          )}
          <ul id={`${ids}-results`} className="cpl-results" aria-label={t("results")}>
            {(results ?? []).map((r) => (
              <li key={r.id}>
                <button type="button" aria-pressed={chosen?.id === r.id} onClick={() => choose(r)}>
                  <span>{r.name}</span>
                  <span className="cpl-detail">
                    {r.detail}
                    {r.isCoupled ? ` · ${t("alreadyCoupledTag")}` : ""}
                  </span>
                </button>
              </li>
            ))}
            {results && results.length === 0 && !searchError && <li className="field-hint">{t("noResults")}</li>}
          </ul>
          {chosen && <p className="cpl-chosen">{t("chosen", { name: chosen.name })}</p>}
          {isComparing && <p role="status">{t("comparing")}</p>}
          {previewError && (
            <p role="alert" className="form-error">
              {previewError}
            </p>
          )}
        </div>
      )}

      {!createNew && (
        <div className="form-field">
          <label htmlFor={`${ids}-sync`}>{ti("synchronizeAfterCoupling")}</label>
          <select id={`${ids}-sync`} value={syncAfter} onChange={(e) => setSyncAfter(e.target.value as SyncAfterChoice)}>
            {state.syncAfterOptions.map((o) => (
              <option key={o} value={o}>
                {ti(SYNC_AFTER_KEY[o])}
              </option>
            ))}
          </select>
        </div>
      )}

      {!createNew && comparison && (
        <>
          <h3>{t("compareHeading")}</h3>
          <div className="table-scroll">
            <table className="data-table cpl-compare">
              <caption className="visually-hidden">{t("compareCaption", { record: props.recordLabel, name: comparison.name })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("field")}</th>
                  <th scope="col">{t("erpValue")}</th>
                  <th scope="col">{t("dataverseValue")}</th>
                  <th scope="col">{t("dataverseField")}</th>
                </tr>
              </thead>
              <tbody>
                {comparison.fields.map((f) => (
                  <tr key={f.key}>
                    <th scope="row">{f.erpLabel}</th>
                    <td className={f.isSame ? undefined : "cpl-differs"}>{f.erp}</td>
                    <td className={f.isSame ? undefined : "cpl-differs"}>
                      {f.dataverse}
                      {!f.isSame && <span className="visually-hidden"> ({t("differs")})</span>}
                    </td>
                    <td className="cpl-detail">{f.dataverseLabel}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}

      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={!canSubmit}>
          {t("ok")}
        </button>
        <button type="button" className="button" onClick={props.onCancel}>
          {tc("cancel")}
        </button>
      </div>
    </form>
  );
}
