"use client";

import { useTranslations } from "next-intl";
import { useRef, useState, useTransition, type FormEvent } from "react";
import { FormMessage, SelectField, TextField } from "../../../components/form-fields.tsx";
import type { ActionResult } from "../../../lib/actions/action-result.ts";
import { createUserAction } from "./actions.ts";
import { errorsOf, formErrorOf, PasswordField, useRoleOptions } from "./form-parts.tsx";

export function CreateUserForm() {
  const t = useTranslations("users");
  const roleOptions = useRoleOptions();
  const [result, setResult] = useState<ActionResult<{ id: string }> | null>(null);
  const [isPending, startTransition] = useTransition();
  const formRef = useRef<HTMLFormElement>(null);

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const input = Object.fromEntries(new FormData(event.currentTarget));
    startTransition(async () => {
      const outcome = await createUserAction(input);
      setResult(outcome);
      if (outcome.ok) formRef.current?.reset();
    });
  }

  const errors = errorsOf(result);
  return (
    <form ref={formRef} onSubmit={onSubmit} noValidate className="form" aria-labelledby="create-user-heading">
      <h2 id="create-user-heading">{t("newUser")}</h2>
      <FormMessage error={formErrorOf(result)} success={result?.ok ? t("created") : null} />
      <div className="form-grid">
        <TextField idPrefix="new-user" name="email" label={t("email")} type="email" isRequired maxLength={200} errors={errors} />
        <TextField idPrefix="new-user" name="name" label={t("name")} isRequired maxLength={100} errors={errors} />
        <SelectField idPrefix="new-user" name="role" label={t("role")} defaultValue="VIEWER" options={roleOptions} errors={errors} />
        <PasswordField idPrefix="new-user" name="password" label={t("initialPassword")} hint={t("passwordHint")} errors={errors} />
      </div>
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={isPending} aria-busy={isPending}>
          {isPending ? t("creating") : t("createUser")}
        </button>
      </div>
    </form>
  );
}
