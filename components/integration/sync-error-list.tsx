"use client";

import { useFormatter, useTranslations } from "next-intl";
import Link from "next/link";
import { useId, useRef, useState } from "react";
import type { ActionResult } from "../../lib/actions/action-result.ts";
import type { SyncErrorGroup, SyncErrorRow } from "../../lib/integration/sync-errors-service.ts";
import { formatDateTime } from "../format.ts";
import { Badge, OutcomeMessage, useActionRunner } from "./action-feedback.tsx";

// Coupled Data Synchronization Errors (BC §1.5, §2j): one row per coupling in error, grouped by signature, with the
// actions enabled for the selection as Business Central enables them.

type CompareRow = { key: string; label: string; dataverseLabel: string; base: string | null; erp: string | null; dataverse: string | null; differs: boolean };
type ActionData = { message: string; outcomes: { couplingId: string; no: string | null; outcome: string; message: string }[]; jobIds: string[]; queuedRuns: number };
type ErrorAction = "retry" | "retryAll" | "synchronize" | "restore" | "delete" | "removeCoupling" | "findForDeleted";

export type SyncErrorListProps = {
  rows: SyncErrorRow[];
  groups: SyncErrorGroup[];
  total: number;
  page: number;
  pageSize: number;
  query: { mapping?: string; signature?: string; errorClass?: string };
  canResolve: boolean;
  resolve: (input: unknown) => Promise<ActionResult<ActionData>>;
  compare: (input: unknown) => Promise<ActionResult<CompareRow[]>>;
};

function hrefOf(query: SyncErrorListProps["query"], page: number, pageSize: number): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v) params.set(k, v);
  if (page > 1) params.set("page", String(page));
  if (pageSize !== 50) params.set("pageSize", String(pageSize));
  const s = params.toString();
  return s ? `/integration/sync-errors?${s}` : "/integration/sync-errors";
}

export function SyncErrorList(props: SyncErrorListProps) {
  const t = useTranslations("integrationAdmin.errors");
  const ti = useTranslations("integration");
  const tc = useTranslations("integrationAdmin");
  const format = useFormatter();
  const ids = useId();
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [version, setVersion] = useState<"erp" | "dataverse" | "">("");
  const [comparison, setComparison] = useState<CompareRow[] | null>(null);
  const [details, setDetails] = useState<ActionData["outcomes"]>([]);
  const runner = useActionRunner();
  const syncRef = useRef<HTMLDialogElement>(null);
  const findRef = useRef<HTMLDialogElement>(null);
  const deleteRef = useRef<HTMLDialogElement>(null);

  const chosen = props.rows.filter((r) => selected.has(r.id));
  const bothExist = (r: SyncErrorRow) => r.erpExists && r.dataverseExists !== false;
  const oneExists = (r: SyncErrorRow) => r.dataverseExists !== null && r.erpExists !== r.dataverseExists;
  const enabled = {
    removeCoupling: chosen.length > 0,
    retry: chosen.length > 0 && chosen.every(bothExist),
    synchronize: chosen.length > 0 && chosen.every(bothExist),
    restore: chosen.length > 0 && chosen.every(oneExists),
    delete: chosen.length > 0 && chosen.every(oneExists),
  };

  const act = (action: ErrorAction, extra: Record<string, unknown> = {}) =>
    runner.runAction(
      () => props.resolve({ action, ...(action === "retryAll" || action === "findForDeleted" ? (props.query.mapping ? { mapping: props.query.mapping } : {}) : { ids: chosen.map((r) => r.id) }), ...extra }),
      (data) => {
        setSelected(new Set());
        setDetails(data.outcomes.filter((o) => o.outcome === "failed" || o.outcome === "skipped").slice(0, 10));
        return data.queuedRuns > 0 ? `${data.message} ${t("queued")}` : data.message;
      },
    );

  const openSynchronize = async () => {
    setVersion("");
    setComparison(null);
    syncRef.current?.showModal();
    if (chosen.length === 1) {
      const result = await props.compare({ id: chosen[0].id });
      setComparison(result.ok ? result.data : []);
    }
  };

  const toggle = (id: string, on: boolean) => setSelected((s) => { const n = new Set(s); if (on) n.add(id); else n.delete(id); return n; });
  const allOnPage = props.rows.length > 0 && props.rows.every((r) => selected.has(r.id));
  const pages = Math.max(1, Math.ceil(props.total / props.pageSize));
  const exists = (v: boolean | null) => (v === null ? <Badge tone="neutral">{t("unknown")}</Badge> : v ? <Badge tone="ok">{t("exists")}</Badge> : <Badge tone="error">{t("deleted")}</Badge>);

  return (
    <section>
      {props.groups.length > 0 && (
        <nav aria-label={t("groups")}>
          <ul className="ia-groups">
            <li>
              <Link href={hrefOf({ ...props.query, signature: undefined }, 1, props.pageSize)} aria-current={!props.query.signature ? "true" : undefined}>
                {t("allGroups", { count: props.groups.reduce((n, g) => n + g.count, 0) })}
              </Link>
            </li>
            {props.groups.map((g) => (
              <li key={`${g.signature}-${g.errorClass}`}>
                <Link href={hrefOf({ ...props.query, signature: g.signature }, 1, props.pageSize)} aria-current={props.query.signature === g.signature ? "true" : undefined}>
                  <strong>{format.number(g.count)}</strong> · {g.errorClass ? t(`classes.${g.errorClass}` as "classes.PERMANENT") : t("skipped")} · {(g.message ?? "").slice(0, 90)}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
      )}

      {props.canResolve && (
        <div className="ia-toolbar" role="toolbar" aria-label={t("actionsFor", { count: chosen.length })}>
          <span className="ia-toolbar-label" aria-live="polite">{t("selected", { count: chosen.length })}</span>
          <button type="button" className="button" disabled={!enabled.removeCoupling || runner.isPending} onClick={() => act("removeCoupling")}>{ti("removeCoupling")}</button>
          <button type="button" className="button" disabled={!enabled.retry || runner.isPending} onClick={() => act("retry")}>{ti("retry")}</button>
          <button type="button" className="button" disabled={props.total === 0 || runner.isPending} onClick={() => act("retryAll")}>{ti("retryAll")}</button>
          <button type="button" className="button" disabled={!enabled.synchronize || runner.isPending} onClick={() => void openSynchronize()}>{ti("synchronize")}</button>
          <button type="button" className="button" disabled={!enabled.restore || runner.isPending} onClick={() => act("restore")}>{ti("restoreRecords")}</button>
          <button type="button" className="button button-danger" disabled={!enabled.delete || runner.isPending} onClick={() => deleteRef.current?.showModal()}>{ti("deleteRecords")}</button>
          <button type="button" className="button" disabled={runner.isPending} onClick={() => findRef.current?.showModal()}>{ti("findForDeleted")}</button>
        </div>
      )}
      <OutcomeMessage outcome={runner.outcome} />
      {details.length > 0 && (
        <ul className="ia-small" aria-label={t("notDone")}>
          {details.map((d) => (
            <li key={d.couplingId}>{d.message}</li>
          ))}
        </ul>
      )}

      <div className="table-scroll">
        <table className="data-table">
          <caption className="visually-hidden">{ti("coupledDataSynchronizationErrors")}</caption>
          <thead>
            <tr>
              <th scope="col" className="ia-cell-tight">
                {props.canResolve && <input type="checkbox" checked={allOnPage} aria-label={t("selectAll")} onChange={(e) => setSelected(e.target.checked ? new Set(props.rows.map((r) => r.id)) : new Set())} />}
              </th>
              <th scope="col">{t("mapping")}</th>
              <th scope="col">{t("erpRecord")}</th>
              <th scope="col">{t("dataverseRecord")}</th>
              <th scope="col">{t("message")}</th>
              <th scope="col">{t("failedOn")}</th>
              <th scope="col">{t("errorClass")}</th>
            </tr>
          </thead>
          <tbody>
            {props.rows.length === 0 && (
              <tr>
                <td colSpan={7} className="empty-row">{t("empty")}</td>
              </tr>
            )}
            {props.rows.map((r) => (
              <tr key={r.id} className={selected.has(r.id) ? "ia-selected-row" : undefined}>
                <td>{props.canResolve && <input type="checkbox" checked={selected.has(r.id)} aria-label={t("selectRow", { record: r.no ?? r.erpId })} onChange={(e) => toggle(r.id, e.target.checked)} />}</td>
                <td>{r.mapping}</td>
                <td>
                  {r.no ? <Link href={`/${r.table === "CUSTOMER" ? "customers" : r.table === "CONTACT" ? "contacts" : r.table === "SALESPERSON" ? "salespeople" : "currencies"}/${encodeURIComponent(r.no)}`}>{`${tc(`erpTables.${r.table}`)} ${r.no}`}</Link> : <span className="ia-muted">{tc(`erpTables.${r.table}`)}</span>}
                  <div className="ia-small">
                    <span className="visually-hidden">{t("erpExists")}: </span>
                    {exists(r.erpExists)}
                  </div>
                </td>
                <td>
                  {r.dataverseName ?? <span className="ia-muted">{r.dataverseEntity}</span>}
                  <div className="ia-small ia-muted">{r.dataverseId}</div>
                  <div className="ia-small">
                    <span className="visually-hidden">{t("dataverseExists")}: </span>
                    {exists(r.dataverseExists)}
                  </div>
                </td>
                <td className="ia-message">{r.message ?? t("skippedMessage")}</td>
                <td>{formatDateTime(format, r.failedAt ? new Date(r.failedAt) : null)}</td>
                <td>{r.errorClass ? <Badge tone={r.errorClass === "TRANSIENT" || r.errorClass === "WAITING_FOR_PARENT" ? "warn" : "error"}>{t(`classes.${r.errorClass}` as "classes.PERMANENT")}</Badge> : <Badge tone="warn">{t("skipped")}</Badge>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <nav className="pager" aria-label={t("pages")}>
        <span>{t("range", { first: props.total === 0 ? 0 : (props.page - 1) * props.pageSize + 1, last: Math.min(props.total, props.page * props.pageSize), total: props.total })}</span>
        {props.page > 1 ? <Link className="button" href={hrefOf(props.query, props.page - 1, props.pageSize)}>{t("previous")}</Link> : <span className="button" aria-disabled="true">{t("previous")}</span>}
        <span>{t("pageOf", { page: props.page, pages })}</span>
        {props.page < pages ? <Link className="button" href={hrefOf(props.query, props.page + 1, props.pageSize)}>{t("next")}</Link> : <span className="button" aria-disabled="true">{t("next")}</span>}
      </nav>

      <dialog ref={syncRef} className="dialog ia-dialog-wide" aria-labelledby={`${ids}-sync-title`}>
        <h2 id={`${ids}-sync-title`}>{ti("synchronize")}</h2>
        <p>{t("chooseVersion", { count: chosen.length })}</p>
        {chosen.length === 1 && (comparison === null ? (
          <p role="status">{t("loadingValues")}</p>
        ) : comparison.length > 0 ? (
          <div className="table-scroll">
            <table className="data-table ia-compare">
              <caption className="visually-hidden">{t("valuesCaption")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("field")}</th>
                  <th scope="col">{t("base")}</th>
                  <th scope="col">{t("erpValue")}</th>
                  <th scope="col">{t("dataverseValue")}</th>
                </tr>
              </thead>
              <tbody>
                {comparison.map((c) => (
                  <tr key={c.key}>
                    <th scope="row">{c.label}</th>
                    <td>{c.base ?? "—"}</td>
                    <td className={c.differs ? "is-different" : undefined}>{c.erp ?? "—"}</td>
                    <td className={c.differs ? "is-different" : undefined}>{c.dataverse ?? "—"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null)}
        <fieldset className="fasttab">
          <legend>{t("versionToKeep")}</legend>
          <label className="ia-checkbox"><input type="radio" name={`${ids}-version`} checked={version === "erp"} onChange={() => setVersion("erp")} />{t("keepErp")}</label>
          <label className="ia-checkbox"><input type="radio" name={`${ids}-version`} checked={version === "dataverse"} onChange={() => setVersion("dataverse")} />{t("keepDataverse")}</label>
        </fieldset>
        <div className="form-actions">
          <button type="button" className="button button-primary" disabled={!version} onClick={() => { syncRef.current?.close(); act("synchronize", { version }); }}>{ti("synchronize")}</button>
          <button type="button" className="button" autoFocus onClick={() => syncRef.current?.close()}>{tc("cancel")}</button>
        </div>
      </dialog>

      <dialog ref={findRef} className="dialog" aria-labelledby={`${ids}-find-title`}>
        <h2 id={`${ids}-find-title`}>{ti("findForDeleted")}</h2>
        <p>{t("findConfirm")}</p>
        <div className="form-actions">
          <button type="button" className="button button-primary" onClick={() => { findRef.current?.close(); act("findForDeleted"); }}>{ti("findForDeleted")}</button>
          <button type="button" className="button" autoFocus onClick={() => findRef.current?.close()}>{tc("cancel")}</button>
        </div>
      </dialog>

      <dialog ref={deleteRef} className="dialog" aria-labelledby={`${ids}-delete-title`}>
        <h2 id={`${ids}-delete-title`}>{ti("deleteRecords")}</h2>
        <p>{t("deleteConfirm", { count: chosen.length })}</p>
        <div className="form-actions">
          <button type="button" className="button button-danger" onClick={() => { deleteRef.current?.close(); act("delete"); }}>{ti("deleteRecords")}</button>
          <button type="button" className="button" autoFocus onClick={() => deleteRef.current?.close()}>{tc("cancel")}</button>
        </div>
      </dialog>
    </section>
  );
}
