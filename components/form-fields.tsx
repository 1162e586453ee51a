import type { ReactNode } from "react";
import type { FieldErrors } from "../lib/actions/action-result.ts";

// Labelled form controls whose validation message sits next to the field and is tied to it for screen readers.

type BaseProps = {
  name: string;
  label: string;
  errors?: FieldErrors;
  isRequired?: boolean;
  isReadOnly?: boolean;
  hint?: string;
  /** Prefix for element ids, so two forms on one page do not clash. */
  idPrefix?: string;
};

function FieldShell(props: BaseProps & { id: string; messageId: string; hintId: string; children: ReactNode }) {
  const message = props.errors?.[props.name]?.join(" ");
  return (
    <div className={message ? "form-field has-error" : "form-field"}>
      <label htmlFor={props.id}>
        {props.label}
        {props.isRequired && !props.isReadOnly ? (
          <span className="required-mark" aria-hidden="true">
            {" "}
            *
          </span>
        ) : null}
      </label>
      {props.children}
      {props.hint && !props.isReadOnly ? (
        <p id={props.hintId} className="field-hint">
          {props.hint}
        </p>
      ) : null}
      {message ? (
        <p id={props.messageId} className="field-error">
          {message}
        </p>
      ) : null}
    </div>
  );
}

function ariaOf(props: BaseProps, messageId: string, hintId: string) {
  const hasError = Boolean(props.errors?.[props.name]?.length);
  const describedBy = [hasError ? messageId : "", props.hint && !props.isReadOnly ? hintId : ""].filter(Boolean).join(" ");
  return {
    "aria-invalid": hasError ? (true as const) : undefined,
    "aria-describedby": describedBy || undefined,
    "aria-required": props.isRequired && !props.isReadOnly ? (true as const) : undefined,
  };
}

export function TextField(
  props: BaseProps & {
    defaultValue?: string | number;
    type?: "text" | "email" | "tel" | "url" | "number";
    maxLength?: number;
    placeholder?: string;
    autoComplete?: string;
    list?: string;
    inputMode?: "text" | "decimal" | "numeric" | "email" | "tel" | "url";
  },
) {
  const id = `${props.idPrefix ?? "f"}-${props.name}`;
  const messageId = `${id}-error`;
  const hintId = `${id}-hint`;
  return (
    <FieldShell {...props} id={id} messageId={messageId} hintId={hintId}>
      <input
        id={id}
        name={props.name}
        type={props.type ?? "text"}
        defaultValue={props.defaultValue ?? ""}
        maxLength={props.maxLength}
        readOnly={props.isReadOnly}
        placeholder={props.isReadOnly ? undefined : props.placeholder}
        autoComplete={props.autoComplete ?? "off"}
        list={props.isReadOnly ? undefined : props.list}
        inputMode={props.inputMode}
        {...ariaOf(props, messageId, hintId)}
      />
    </FieldShell>
  );
}

export function SelectField(
  props: BaseProps & { defaultValue?: string; options: { value: string; label: string }[] },
) {
  const id = `${props.idPrefix ?? "f"}-${props.name}`;
  const messageId = `${id}-error`;
  const hintId = `${id}-hint`;
  return (
    <FieldShell {...props} id={id} messageId={messageId} hintId={hintId}>
      {props.isReadOnly ? (
        <input
          id={id}
          name={props.name}
          readOnly
          defaultValue={props.options.find((o) => o.value === (props.defaultValue ?? ""))?.label ?? props.defaultValue}
        />
      ) : (
        <select id={id} name={props.name} defaultValue={props.defaultValue ?? ""} {...ariaOf(props, messageId, hintId)}>
          {props.options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    </FieldShell>
  );
}

/** The form-level outcome, announced to screen readers. */
export function FormMessage(props: { error?: string | null; success?: string | null }) {
  if (props.error) {
    return (
      <div role="alert" className="form-error">
        {props.error}
      </div>
    );
  }
  return (
    <div role="status" aria-live="polite" className={props.success ? "form-success" : undefined}>
      {props.success}
    </div>
  );
}
