"use client";

import { useTranslations } from "next-intl";
import { useEffect, useId, useRef, useState } from "react";
import type { ActionResult, FieldErrors } from "../../lib/actions/action-result.ts";

// One side's table filter (all conditions must hold) with a live "N records match" count, asked of the server a
// moment after the last change — of the ERP database or of Dataverse itself.

export type FilterFieldOption = { name: string; label: string; kind: string; operators: string[]; enumValues?: string[] };
export type FilterRow = { field: string; operator: string; value?: string | number | boolean | null };

const NO_VALUE = new Set(["empty", "notEmpty"]);

export function FilterEditor(props: {
  legend: string;
  prefix: "tableFilter" | "integrationTableFilter";
  fields: FilterFieldOption[];
  value: FilterRow[];
  onChange: (rows: FilterRow[]) => void;
  errors: FieldErrors;
  isReadOnly: boolean;
  count: (filter: FilterRow[]) => Promise<ActionResult<{ count: number }>>;
}) {
  const t = useTranslations("integrationAdmin.filter");
  const ti = useTranslations("integration");
  const ids = useId();
  const [count, setCount] = useState<{ kind: "count"; n: number } | { kind: "error"; text: string } | { kind: "loading" } | null>(null);
  const [liveErrors, setLiveErrors] = useState<FieldErrors>({});
  const seq = useRef(0);
  const serialized = JSON.stringify(props.value);

  useEffect(() => {
    const mine = ++seq.current;
    setCount({ kind: "loading" });
    const timer = setTimeout(async () => {
      const result = await props.count(props.value);
      if (mine !== seq.current) return;
      if (result.ok) {
        setLiveErrors({});
        setCount({ kind: "count", n: result.data.count });
      } else {
        setLiveErrors(result.fieldErrors ?? {});
        setCount({ kind: "error", text: result.message });
      }
    }, 400);
    return () => clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- re-count when the conditions change
  }, [serialized]);

  const errors = { ...liveErrors, ...props.errors };
  const errorOf = (index: number, part: string) => errors[`${props.prefix}.${index}.${part}`]?.join(" ");
  const set = (index: number, patch: Partial<FilterRow>) => props.onChange(props.value.map((r, i) => (i === index ? { ...r, ...patch } : r)));

  return (
    <fieldset className="fasttab">
      <legend>{props.legend}</legend>
      {props.value.length === 0 && <p className="ia-muted">{t("allRecords")}</p>}
      {props.value.map((row, index) => {
        const field = props.fields.find((f) => f.name === row.field);
        const operators = field?.operators ?? [];
        const rowLabel = t("condition", { n: index + 1 });
        return (
          <div key={index} className="ia-filter-row" role="group" aria-label={rowLabel}>
            <div>
              <select aria-label={t("fieldOf", { row: rowLabel })} value={row.field} disabled={props.isReadOnly} onChange={(e) => {
                const next = props.fields.find((f) => f.name === e.target.value);
                set(index, { field: e.target.value, operator: next?.operators.includes(row.operator) ? row.operator : (next?.operators[0] ?? "eq") });
              }} aria-invalid={errorOf(index, "field") ? true : undefined}>
                <option value="">{t("chooseField")}</option>
                {props.fields.map((f) => (
                  <option key={f.name} value={f.name}>
                    {f.label}
                  </option>
                ))}
              </select>
              {errorOf(index, "field") && <p className="field-error">{errorOf(index, "field")}</p>}
            </div>
            <div>
              <select aria-label={t("operatorOf", { row: rowLabel })} value={row.operator} disabled={props.isReadOnly} onChange={(e) => set(index, { operator: e.target.value })} aria-invalid={errorOf(index, "operator") ? true : undefined}>
                {operators.map((op) => (
                  <option key={op} value={op}>
                    {t(`operators.${op}` as "operators.eq")}
                  </option>
                ))}
              </select>
              {errorOf(index, "operator") && <p className="field-error">{errorOf(index, "operator")}</p>}
            </div>
            <div>
              {!NO_VALUE.has(row.operator) &&
                (field?.enumValues ? (
                  <select aria-label={t("valueOf", { row: rowLabel })} value={String(row.value ?? "")} disabled={props.isReadOnly} onChange={(e) => set(index, { value: e.target.value })}>
                    <option value="" />
                    {field.enumValues.map((v) => (
                      <option key={v} value={v}>
                        {v}
                      </option>
                    ))}
                  </select>
                ) : field?.kind === "boolean" ? (
                  <select aria-label={t("valueOf", { row: rowLabel })} value={String(row.value ?? "")} disabled={props.isReadOnly} onChange={(e) => set(index, { value: e.target.value === "" ? null : e.target.value === "true" })}>
                    <option value="" />
                    <option value="true">{t("yes")}</option>
                    <option value="false">{t("no")}</option>
                  </select>
                ) : (
                  <input aria-label={t("valueOf", { row: rowLabel })} value={String(row.value ?? "")} readOnly={props.isReadOnly} onChange={(e) => set(index, { value: e.target.value })} aria-invalid={errorOf(index, "value") ? true : undefined} />
                ))}
              {errorOf(index, "value") && <p className="field-error">{errorOf(index, "value")}</p>}
            </div>
            <div>
              {!props.isReadOnly && (
                <button type="button" className="button button-quiet" aria-label={t("removeCondition", { row: rowLabel })} onClick={() => props.onChange(props.value.filter((_, i) => i !== index))}>
                  ✕
                </button>
              )}
            </div>
          </div>
        );
      })}
      {!props.isReadOnly && (
        <button type="button" className="button" onClick={() => props.onChange([...props.value, { field: props.fields[0]?.name ?? "", operator: props.fields[0]?.operators[0] ?? "eq", value: "" }])}>
          {t("addCondition")}
        </button>
      )}
      <p className="ia-count" role="status" aria-live="polite" id={`${ids}-count`}>
        {count?.kind === "count" ? ti("recordsMatch", { count: count.n }) : count?.kind === "loading" ? t("counting") : count?.kind === "error" ? <span className="ia-muted">{count.text}</span> : null}
      </p>
    </fieldset>
  );
}
