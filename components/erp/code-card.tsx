"use client";

import Link from "next/link";
import type { ActionResult } from "../../lib/actions/action-result.ts";
import { ConfirmButton } from "../confirm-button.tsx";
import { FormMessage, TextField } from "../form-fields.tsx";
import { useRecordForm } from "../use-record-form.ts";

// The card of a small code table (salespeople, currencies): a key fixed after creation plus a few text fields.

type CodeRecord = { id: string; code: string; rowVersion: number } & Record<string, string | number>;

export type CodeCardField = { name: string; label: string; maxLength: number; type?: "text" | "email" | "tel"; isRequired?: boolean };

export function CodeCard<T extends CodeRecord>(props: {
  record: T | null;
  entityLabel: string;
  basePath: string;
  codeMaxLength: number;
  fields: CodeCardField[];
  canWrite: boolean;
  create: (input: unknown) => Promise<ActionResult<T>>;
  update: (input: unknown) => Promise<ActionResult<T>>;
  remove: (input: unknown) => Promise<ActionResult<unknown>>;
}) {
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
    savedMessage: props.record ? `The ${props.entityLabel} was saved.` : `The ${props.entityLabel} was created.`,
  });
  const r = form.record;
  const isReadOnly = !props.canWrite;
  const common = { errors: form.fieldErrors, isReadOnly, idPrefix: props.entityLabel.replace(/\W/g, "") };

  return (
    <form className="card-form" onSubmit={form.onSubmit} noValidate key={r ? `${r.id}-${r.rowVersion}` : "new"}>
      <div className="card-actions">
        {props.canWrite && (
          <button type="submit" className="button button-primary" disabled={form.isPending}>
            {form.isPending ? "Saving…" : r ? "Save" : "Create"}
          </button>
        )}
        {props.canWrite && r && (
          <ConfirmButton
            label="Delete"
            title={`Delete ${props.entityLabel} ${r.code}?`}
            message={`The ${props.entityLabel} ${r.code} will be deleted. This cannot be undone.`}
            confirmLabel={`Delete ${props.entityLabel}`}
            isDisabled={form.isPending}
            onConfirm={form.onDelete}
          />
        )}
        <Link className="button button-link" href={props.basePath}>
          Back to the list
        </Link>
      </div>
      <FormMessage error={form.error} success={form.success} />
      {isReadOnly && <p className="read-only-note">You can view this {props.entityLabel}. Your role does not allow changes.</p>}
      <fieldset className="fasttab">
        <legend>General</legend>
        <div className="form-grid">
          <TextField
            {...common}
            name="code"
            label="Code"
            defaultValue={r?.code}
            maxLength={props.codeMaxLength}
            isRequired
            isReadOnly={isReadOnly || r !== null}
            hint={r ? undefined : "The code cannot be changed later."}
          />
          {props.fields.map((f) => (
            <TextField
              {...common}
              key={f.name}
              name={f.name}
              label={f.label}
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
