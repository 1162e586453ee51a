"use client";

import { useTranslations } from "next-intl";
import type { ActionResult, FieldErrors } from "../../../lib/actions/action-result.ts";

// Pieces the shared form fields (components/form-fields.tsx) do not cover: a password input with the same markup,
// and reading a result's messages.

export function errorsOf(result: ActionResult<unknown> | null): FieldErrors | undefined {
  return result && !result.ok ? result.fieldErrors : undefined;
}

export function formErrorOf(result: ActionResult<unknown> | null): string | null {
  return result && !result.ok ? result.message : null;
}

export function PasswordField(props: { name: string; label: string; idPrefix: string; errors?: FieldErrors; hint?: string }) {
  const id = `${props.idPrefix}-${props.name}`;
  const message = props.errors?.[props.name]?.join(" ");
  const describedBy = [message ? `${id}-error` : "", props.hint ? `${id}-hint` : ""].filter(Boolean).join(" ");
  return (
    <div className={message ? "form-field has-error" : "form-field"}>
      <label htmlFor={id}>
        {props.label}
        <span className="required-mark" aria-hidden="true">
          {" "}
          *
        </span>
      </label>
      <input
        id={id}
        name={props.name}
        type="password"
        autoComplete="new-password"
        aria-required
        aria-invalid={message ? true : undefined}
        aria-describedby={describedBy || undefined}
      />
      {props.hint && (
        <p id={`${id}-hint`} className="field-hint">
          {props.hint}
        </p>
      )}
      {message && (
        <p id={`${id}-error`} className="field-error">
          {message}
        </p>
      )}
    </div>
  );
}

export function useRoleOptions(): { value: string; label: string }[] {
  const t = useTranslations("roleOptions");
  return (["VIEWER", "USER", "ADMIN"] as const).map((role) => ({ value: role, label: t(role) }));
}
