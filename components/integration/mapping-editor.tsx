"use client";

import { useTranslations } from "next-intl";
import { useId, useState } from "react";
import type { ActionResult } from "../../lib/actions/action-result.ts";
import { OutcomeMessage, useActionRunner } from "./action-feedback.tsx";
import { directionKey } from "./captions.ts";
import { FilterEditor, type FilterFieldOption, type FilterRow } from "./filter-editor.tsx";

// The mapping editor: direction, filters on both sides with live counts, Sync Only Coupled Records, conflict
// resolutions, schedule, and the field mappings grid. Saving sends the whole mapping; the server validates it as a
// whole and answers field-level messages, shown next to the field they concern.

type Transformation = { toDataverse?: string[]; toErp?: string[]; valueMap?: { erp: string; dataverse: string | number | boolean }[]; lookup?: { mapping: string; erpKey: string } } | null;

export type FieldMappingRow = {
  erpField: string | null;
  dataverseAttribute: string | null;
  direction: string;
  constantValue: string | null;
  transformation: Transformation;
  clearValueOnFailedSync: boolean;
  notNull: boolean;
  isEnabled: boolean;
  useForMatchBasedCoupling: boolean;
  caseSensitiveMatching: boolean;
  matchPriority: number;
  isUserDefined: boolean;
  sortOrder: number;
};

export type MappingEditorValue = {
  name: string;
  rowVersion: number;
  direction: string;
  tableFilter: FilterRow[];
  integrationTableFilter: FilterRow[];
  syncOnlyCoupledRecords: boolean;
  updateConflictResolution: string;
  deletionConflictResolution: string;
  scheduleSeconds: number;
  isEnabled: boolean;
  fieldMappings: FieldMappingRow[];
};

type Option = { value: string; label: string };

const DIRECTIONS = ["BIDIRECTIONAL", "TO_INTEGRATION_TABLE", "FROM_INTEGRATION_TABLE"];
const UPDATE_RESOLUTIONS = ["NONE", "SEND_UPDATE_TO_INTEGRATION", "GET_UPDATE_FROM_INTEGRATION"] as const;
const DELETION_RESOLUTIONS = ["NONE", "RESTORE_RECORDS", "REMOVE_COUPLING"] as const;
const TEXT_STEPS = ["", "trim", "uppercase", "lowercase"] as const;

function valueMapText(t: Transformation): string {
  return (t?.valueMap ?? []).map((e) => `${e.erp}=${String(e.dataverse)}`).join("; ");
}

function parseValueMap(text: string): { erp: string; dataverse: string | number | boolean }[] | undefined {
  const entries = text.split(/[;\n]/).map((s) => s.trim()).filter(Boolean);
  if (entries.length === 0) return undefined;
  return entries.map((entry) => {
    const at = entry.indexOf("=");
    const erp = (at < 0 ? entry : entry.slice(0, at)).trim();
    const raw = at < 0 ? "" : entry.slice(at + 1).trim();
    const dataverse = /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : /^(true|false)$/i.test(raw) ? raw.toLowerCase() === "true" : raw;
    return { erp, dataverse };
  });
}

function withTransformation(current: Transformation, patch: { valueMapText?: string; toDataverse?: string; toErp?: string }): Transformation {
  const next: NonNullable<Transformation> = { ...(current ?? {}) };
  if (patch.valueMapText !== undefined) {
    const map = parseValueMap(patch.valueMapText);
    if (map) next.valueMap = map;
    else delete next.valueMap;
  }
  if (patch.toDataverse !== undefined) {
    if (patch.toDataverse) next.toDataverse = [patch.toDataverse];
    else delete next.toDataverse;
  }
  if (patch.toErp !== undefined) {
    if (patch.toErp) next.toErp = [patch.toErp];
    else delete next.toErp;
  }
  return Object.keys(next).length === 0 ? null : next;
}

export function MappingEditor(props: {
  initial: MappingEditorValue;
  erpFields: Option[];
  dataverseAttributes: Option[];
  erpFilterFields: FilterFieldOption[];
  dataverseFilterFields: FilterFieldOption[];
  canManage: boolean;
  save: (input: unknown) => Promise<ActionResult<{ rowVersion: number }>>;
  count: (input: unknown) => Promise<ActionResult<{ count: number }>>;
}) {
  const t = useTranslations("integrationAdmin.editor");
  const ti = useTranslations("integration");
  const ids = useId();
  const [value, setValue] = useState(props.initial);
  // Keeps the text the admin typed for value maps (parsing on each keystroke would eat separators).
  const [mapTexts, setMapTexts] = useState(() => props.initial.fieldMappings.map((fm) => valueMapText(fm.transformation)));
  const runner = useActionRunner();
  const errors = runner.fieldErrors;
  const isReadOnly = !props.canManage;
  const set = (patch: Partial<MappingEditorValue>) => setValue((v) => ({ ...v, ...patch }));
  const setField = (index: number, patch: Partial<FieldMappingRow>) => setValue((v) => ({ ...v, fieldMappings: v.fieldMappings.map((fm, i) => (i === index ? { ...fm, ...patch } : fm)) }));
  const fieldError = (index: number, part: string) =>
    Object.entries(errors)
      .filter(([key]) => key === `fieldMappings.${index}.${part}` || key.startsWith(`fieldMappings.${index}.${part}.`))
      .flatMap(([, messages]) => messages)
      .join(" ");
  const topError = (key: string) => errors[key]?.join(" ");
  const rowErrorsElsewhere = Object.keys(errors).filter((k) => k.startsWith("fieldMappings") && !/^fieldMappings\.\d+\./.test(k));

  const onSave = () =>
    runner.runAction(
      () =>
        props.save({
          name: value.name,
          rowVersion: value.rowVersion,
          direction: value.direction,
          tableFilter: value.tableFilter,
          integrationTableFilter: value.integrationTableFilter,
          syncOnlyCoupledRecords: value.syncOnlyCoupledRecords,
          updateConflictResolution: value.updateConflictResolution,
          deletionConflictResolution: value.deletionConflictResolution,
          scheduleSeconds: value.scheduleSeconds,
          isEnabled: value.isEnabled,
          fieldMappings: value.fieldMappings.map((fm, index) => ({ ...fm, sortOrder: (index + 1) * 10 })),
        }),
      (d) => {
        set({ rowVersion: d.rowVersion });
        return t("saved");
      },
    );

  const select = (id: string, label: string, current: string, options: Option[], onChange: (v: string) => void, error?: string) => (
    <div className={error ? "form-field has-error" : "form-field"}>
      <label htmlFor={id}>{label}</label>
      <select id={id} value={current} disabled={isReadOnly} onChange={(e) => onChange(e.target.value)} aria-invalid={error ? true : undefined} aria-describedby={error ? `${id}-error` : undefined}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      {error && (
        <p id={`${id}-error`} className="field-error">
          {error}
        </p>
      )}
    </div>
  );

  const directionOptions = DIRECTIONS.map((d) => ({ value: d, label: ti(`direction.${directionKey(d)}`) }));

  return (
    <form className="card-form" noValidate onSubmit={(e) => { e.preventDefault(); onSave(); }}>
      {props.canManage && (
        <div className="card-actions">
          <button type="submit" className="button button-primary" disabled={runner.isPending}>
            {runner.isPending ? t("saving") : t("save")}
          </button>
        </div>
      )}
      <OutcomeMessage outcome={runner.outcome} />

      <fieldset className="fasttab">
        <legend>{t("general")}</legend>
        <div className="form-grid">
          {select(`${ids}-direction`, t("direction"), value.direction, directionOptions, (v) => set({ direction: v }), topError("direction"))}
          <div className={topError("scheduleSeconds") ? "form-field has-error" : "form-field"}>
            <label htmlFor={`${ids}-schedule`}>{t("schedule")}</label>
            <input id={`${ids}-schedule`} type="number" min={5} max={86400} value={Number.isFinite(value.scheduleSeconds) ? value.scheduleSeconds : ""} readOnly={isReadOnly} onChange={(e) => set({ scheduleSeconds: e.target.value === "" ? Number.NaN : Number(e.target.value) })} aria-invalid={topError("scheduleSeconds") ? true : undefined} aria-describedby={`${ids}-schedule-hint${topError("scheduleSeconds") ? ` ${ids}-schedule-error` : ""}`} />
            <p id={`${ids}-schedule-hint`} className="field-hint">
              {t("scheduleHint")}
            </p>
            {topError("scheduleSeconds") && (
              <p id={`${ids}-schedule-error`} className="field-error">
                {topError("scheduleSeconds")}
              </p>
            )}
          </div>
          <div className="ia-checks">
            <label className="ia-checkbox">
              <input type="checkbox" checked={value.syncOnlyCoupledRecords} disabled={isReadOnly} onChange={(e) => set({ syncOnlyCoupledRecords: e.target.checked })} />
              {ti("syncOnlyCoupledRecords")}
            </label>
            <label className="ia-checkbox">
              <input type="checkbox" checked={value.isEnabled} disabled={isReadOnly} onChange={(e) => set({ isEnabled: e.target.checked })} />
              {t("enabled")}
            </label>
          </div>
          {select(`${ids}-update`, t("updateConflict"), value.updateConflictResolution, UPDATE_RESOLUTIONS.map((r) => ({ value: r, label: t(`updateResolutions.${r}`) })), (v) => set({ updateConflictResolution: v }), topError("updateConflictResolution"))}
          {select(`${ids}-deletion`, t("deletionConflict"), value.deletionConflictResolution, DELETION_RESOLUTIONS.map((r) => ({ value: r, label: t(`deletionResolutions.${r}`) })), (v) => set({ deletionConflictResolution: v }), topError("deletionConflictResolution"))}
        </div>
        {value.deletionConflictResolution === "REMOVE_COUPLING" && !value.syncOnlyCoupledRecords && (
          <p className="read-only-note" role="note">
            {t("removeCouplingWarning")}
          </p>
        )}
      </fieldset>

      <div className="ia-grid-2">
        <FilterEditor legend={t("tableFilter")} prefix="tableFilter" fields={props.erpFilterFields} value={value.tableFilter} onChange={(rows) => set({ tableFilter: rows })} errors={errors} isReadOnly={isReadOnly} count={(filter) => props.count({ name: value.name, side: "erp", filter })} />
        <FilterEditor legend={t("integrationTableFilter")} prefix="integrationTableFilter" fields={props.dataverseFilterFields} value={value.integrationTableFilter} onChange={(rows) => set({ integrationTableFilter: rows })} errors={errors} isReadOnly={isReadOnly} count={(filter) => props.count({ name: value.name, side: "dataverse", filter })} />
      </div>

      <fieldset className="fasttab">
        <legend>{t("fieldMappings")}</legend>
        {rowErrorsElsewhere.map((k) => (
          <p key={k} className="field-error">
            {errors[k].join(" ")}
          </p>
        ))}
        <div className="table-scroll">
          <table className="data-table ia-fm-grid">
            <caption className="visually-hidden">{t("fieldMappings")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("fm.enabled")}</th>
                <th scope="col">{t("fm.erpField")}</th>
                <th scope="col">{t("fm.dataverseColumn")}</th>
                <th scope="col">{t("fm.direction")}</th>
                <th scope="col">{t("fm.constant")}</th>
                <th scope="col">{t("fm.valueMap")}</th>
                <th scope="col">{t("fm.transformation")}</th>
                <th scope="col">{t("fm.match")}</th>
                <th scope="col">{t("fm.caseSensitive")}</th>
                <th scope="col">{t("fm.priority")}</th>
                <th scope="col">
                  <span className="visually-hidden">{t("fm.actions")}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {value.fieldMappings.map((fm, index) => {
                const name = fm.erpField ?? fm.dataverseAttribute ?? String(index + 1);
                const cell = (part: string, control: React.ReactNode) => {
                  const message = fieldError(index, part);
                  return (
                    <td>
                      {control}
                      {message && <p className="field-error">{message}</p>}
                    </td>
                  );
                };
                const invalid = (part: string) => (fieldError(index, part) ? true : undefined);
                return (
                  <tr key={index}>
                    {cell("isEnabled", <input type="checkbox" checked={fm.isEnabled} disabled={isReadOnly} aria-label={t("fm.enabledFor", { field: name })} onChange={(e) => setField(index, { isEnabled: e.target.checked })} />)}
                    {cell(
                      "erpField",
                      <select value={fm.erpField ?? ""} disabled={isReadOnly} aria-label={t("fm.erpFieldFor", { n: index + 1 })} aria-invalid={invalid("erpField")} onChange={(e) => setField(index, { erpField: e.target.value || null })}>
                        <option value="">{t("fm.none")}</option>
                        {props.erpFields.map((o) => (
                          <option key={o.value} value={o.value}>
                            {o.label}
                          </option>
                        ))}
                      </select>,
                    )}
                    {cell(
                      "dataverseAttribute",
                      <select value={fm.dataverseAttribute ?? ""} disabled={isReadOnly} aria-label={t("fm.dataverseColumnFor", { n: index + 1 })} aria-invalid={invalid("dataverseAttribute")} onChange={(e) => setField(index, { dataverseAttribute: e.target.value || null })}>
                        <option value="">{t("fm.none")}</option>
                        {props.dataverseAttributes.map((o) => (
                          <option key={o.value} value={o.value}>
                            {o.label}
                          </option>
                        ))}
                      </select>,
                    )}
                    {cell(
                      "direction",
                      <select value={fm.direction} disabled={isReadOnly} aria-label={t("fm.directionFor", { field: name })} aria-invalid={invalid("direction")} onChange={(e) => setField(index, { direction: e.target.value })}>
                        {directionOptions.map((o) => (
                          <option key={o.value} value={o.value}>
                            {o.label}
                          </option>
                        ))}
                      </select>,
                    )}
                    {cell("constantValue", <input value={fm.constantValue ?? ""} readOnly={isReadOnly} maxLength={100} aria-label={t("fm.constantFor", { field: name })} aria-invalid={invalid("constantValue")} onChange={(e) => setField(index, { constantValue: e.target.value === "" ? null : e.target.value })} />)}
                    {cell(
                      "transformation",
                      fm.transformation?.lookup ? (
                        <span className="ia-small">{t("fm.lookup", { mapping: fm.transformation.lookup.mapping })}</span>
                      ) : (
                        <input
                          value={mapTexts[index] ?? ""}
                          readOnly={isReadOnly}
                          placeholder={t("fm.valueMapPlaceholder")}
                          aria-label={t("fm.valueMapFor", { field: name })}
                          onChange={(e) => {
                            const text = e.target.value;
                            setMapTexts((all) => all.map((x, i) => (i === index ? text : x)));
                            setField(index, { transformation: withTransformation(fm.transformation, { valueMapText: text }) });
                          }}
                        />
                      ),
                    )}
                    <td>
                      {!fm.transformation?.lookup && (
                        <select value={fm.transformation?.toDataverse?.[0] ?? ""} disabled={isReadOnly} aria-label={t("fm.transformationFor", { field: name })} onChange={(e) => setField(index, { transformation: withTransformation(fm.transformation, { toDataverse: e.target.value, toErp: e.target.value }) })}>
                          {TEXT_STEPS.map((s) => (
                            <option key={s} value={s}>
                              {t(`fm.steps.${s || "none"}`)}
                            </option>
                          ))}
                        </select>
                      )}
                    </td>
                    {cell("useForMatchBasedCoupling", <input type="checkbox" checked={fm.useForMatchBasedCoupling} disabled={isReadOnly} aria-label={t("fm.matchFor", { field: name })} onChange={(e) => setField(index, { useForMatchBasedCoupling: e.target.checked })} />)}
                    {cell("caseSensitiveMatching", <input type="checkbox" checked={fm.caseSensitiveMatching} disabled={isReadOnly} aria-label={t("fm.caseSensitiveFor", { field: name })} onChange={(e) => setField(index, { caseSensitiveMatching: e.target.checked })} />)}
                    {cell("matchPriority", <input type="number" min={0} max={1000} value={Number.isFinite(fm.matchPriority) ? fm.matchPriority : ""} readOnly={isReadOnly} aria-label={t("fm.priorityFor", { field: name })} aria-invalid={invalid("matchPriority")} onChange={(e) => setField(index, { matchPriority: e.target.value === "" ? Number.NaN : Number(e.target.value) })} />)}
                    <td>
                      {!isReadOnly && (
                        <button
                          type="button"
                          className="button button-quiet"
                          aria-label={t("fm.removeFor", { field: name })}
                          onClick={() => {
                            setValue((v) => ({ ...v, fieldMappings: v.fieldMappings.filter((_, i) => i !== index) }));
                            setMapTexts((all) => all.filter((_, i) => i !== index));
                            runner.setFieldErrors({});
                          }}
                        >
                          {t("fm.remove")}
                        </button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
        {!isReadOnly && (
          <button
            type="button"
            className="button"
            onClick={() => {
              setValue((v) => ({
                ...v,
                fieldMappings: [...v.fieldMappings, { erpField: null, dataverseAttribute: null, direction: v.direction, constantValue: null, transformation: null, clearValueOnFailedSync: false, notNull: false, isEnabled: true, useForMatchBasedCoupling: false, caseSensitiveMatching: false, matchPriority: 0, isUserDefined: true, sortOrder: 0 }],
              }));
              setMapTexts((all) => [...all, ""]);
            }}
          >
            {t("fm.add")}
          </button>
        )}
      </fieldset>
    </form>
  );
}
