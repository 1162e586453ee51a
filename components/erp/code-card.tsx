"use client";

import { useTranslations } from "next-intl";
import Link from "next/link";
import type { ActionResult } from "../../lib/actions/action-result.ts";
import { ConfirmButton } from "../confirm-button.tsx";
import { FormMessage, TextField } from "../form-fields.tsx";
import { useRecordForm } from "../use-record-form.ts";

// The card of a small code table (salespeople, currencies): a key fixed after creation plus a few text fields.

type CodeRecord = { id: string; code: string; rowVersion: number } & Record<string, string | number>;

export type CodeCardEntity = "salesperson" | "currency";

/** `label` is a key of the `fields` catalog namespace. */
export type CodeCardField = {
  name: string;
  label: "name" | "email" | "phoneNo" | "description" | "symbol";
  maxLength: number;
  type?: "text" | "email" | "tel";
  isRequired?: boolean;
};

export function CodeCard<T extends CodeRecord>(props: {
  record: T | null;
  entity: CodeCardEntity;
  basePath: string;
  codeMaxLength: number;
  fields: CodeCardField[];
  canWrite: boolean;
  create: (input: unknown) => Promise<ActionResult<T>>;
  update: (input: unknown) => Promise<ActionResult<T>>;
  remove: (input: unknown) => Promise<ActionResult<unknown>>;
}) {
  const t = useTranslations(`codeCard.${props.entity}`);
  const tcc = useTranslations("codeCard");
  const tc = useTranslations("common");
  const tf = useTranslations("fields");
  const form = useRecordForm<T>({
    initial: props.record,
    save: (values, current) => {
      if (!current) return props.create(values);
      const { code: _fixed, ...changes } = values;
      return props.update({ ...changes, id: current.id, rowVersion: current.rowVersion });
    },
    remove: (current) => props.remove({ id: current.id, rowVersion: current.rowVersion }),
    hrefOf: (r) => `${props.basePath}/${encodeURIComponent(r.code)}`,
    listHref: props.basePath,
    savedMessage: props.record ? t("saved") : t("created"),
  });
  const r = form.record;
  const isReadOnly = !props.canWrite;
  const common = { errors: form.fieldErrors, isReadOnly, idPrefix: props.entity };

  return (
    <form className="card-form" onSubmit={form.onSubmit} noValidate key={r ? `${r.id}-${r.rowVersion}` : "new"}>
      <div className="card-actions">
        {props.canWrite && (
          <button type="submit" className="button button-primary" disabled={form.isPending}>
            {form.isPending ? tc("saving") : r ? tc("save") : tc("create")}
          </button>
        )}
        {props.canWrite && r && (
          <ConfirmButton
            label={tc("delete")}
            title={t("deleteTitle", { code: r.code })}
            message={t("deleteMessage", { code: r.code })}
            confirmLabel={t("deleteConfirm")}
            isDisabled={form.isPending}
            onConfirm={form.onDelete}
          />
        )}
        <Link className="button button-link" href={props.basePath}>
          {tc("backToList")}
        </Link>
      </div>
      <FormMessage error={form.error} success={form.success} />
      {isReadOnly && <p className="read-only-note">{t("readOnly")}</p>}
      <fieldset className="fasttab">
        <legend>{tc("general")}</legend>
        <div className="form-grid">
          <TextField
            {...common}
            name="code"
            label={tf("code")}
            defaultValue={r?.code}
            maxLength={props.codeMaxLength}
            isRequired
            isReadOnly={isReadOnly || r !== null}
            hint={r ? undefined : tcc("codeHint")}
          />
          {props.fields.map((f) => (
            <TextField
              {...common}
              key={f.name}
              name={f.name}
              label={tf(f.label)}
              type={f.type}
              maxLength={f.maxLength}
              isRequired={f.isRequired}
              defaultValue={r ? String(r[f.name] ?? "") : ""}
            />
          ))}
        </div>
      </fieldset>
    </form>
  );
}
