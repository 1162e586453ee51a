"use client";

import { useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { useState, useTransition, type FormEvent } from "react";
import { ConfirmButton } from "../../../components/confirm-button.tsx";
import { FormMessage, SelectField } from "../../../components/form-fields.tsx";
import type { ActionResult } from "../../../lib/actions/action-result.ts";
import type { Role } from "../../../lib/db/generated/enums.ts";
import { changeUserRoleAction, resetUserPasswordAction, setUserActiveAction } from "./actions.ts";
import { errorsOf, formErrorOf, PasswordField, useRoleOptions } from "./form-parts.tsx";

export function ChangeRoleForm({ userId, role }: { userId: string; role: Role }) {
  const t = useTranslations("users");
  const roleOptions = useRoleOptions();
  const [result, setResult] = useState<ActionResult<undefined> | null>(null);
  const [isPending, startTransition] = useTransition();
  const router = useRouter();

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const nextRole = new FormData(event.currentTarget).get("role");
    startTransition(async () => {
      const outcome = await changeUserRoleAction({ userId, role: nextRole });
      setResult(outcome);
      if (outcome.ok) router.refresh();
    });
  }

  return (
    <form onSubmit={onSubmit} noValidate className="form" aria-labelledby="role-heading">
      <h2 id="role-heading">{t("changeRole")}</h2>
      <FormMessage error={formErrorOf(result)} success={result?.ok ? t("roleChanged") : null} />
      <SelectField idPrefix="user" name="role" label={t("role")} defaultValue={role} options={roleOptions} errors={errorsOf(result)} />
      <div className="form-actions">
        <button type="submit" className="button" disabled={isPending} aria-busy={isPending}>
          {t("changeRole")}
        </button>
      </div>
    </form>
  );
}

export function ActiveToggle({ userId, email, isActive }: { userId: string; email: string; isActive: boolean }) {
  const t = useTranslations("users");
  const [result, setResult] = useState<ActionResult<undefined> | null>(null);
  const [success, setSuccess] = useState<string | null>(null);
  const [isPending, startTransition] = useTransition();
  const router = useRouter();

  function setActive(next: boolean) {
    startTransition(async () => {
      const outcome = await setUserActiveAction({ userId, isActive: next });
      setResult(outcome);
      setSuccess(outcome.ok ? (next ? t("activated") : t("deactivatedMessage")) : null);
      if (outcome.ok) router.refresh();
    });
  }

  return (
    <div className="form" role="group" aria-labelledby="status-heading">
      <h2 id="status-heading">{t("status")}</h2>
      <FormMessage error={formErrorOf(result)} success={success} />
      <p>
        {isActive ? t("canSignIn") : t("cannotSignIn")}
      </p>
      <div className="form-actions">
        {isActive ? (
          <ConfirmButton
            label={t("deactivateUser")}
            title={t("deactivateTitle")}
            message={t("deactivateMessage", { email })}
            confirmLabel={t("deactivate")}
            isDisabled={isPending}
            onConfirm={() => setActive(false)}
          />
        ) : (
          <button type="button" className="button" onClick={() => setActive(true)} disabled={isPending} aria-busy={isPending}>
            {t("activateUser")}
          </button>
        )}
      </div>
    </div>
  );
}

export function ResetPasswordForm({ userId }: { userId: string }) {
  const t = useTranslations("users");
  const [result, setResult] = useState<ActionResult<undefined> | null>(null);
  const [isPending, startTransition] = useTransition();

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const password = new FormData(form).get("password");
    startTransition(async () => {
      const outcome = await resetUserPasswordAction({ userId, password });
      setResult(outcome);
      if (outcome.ok) form.reset();
    });
  }

  return (
    <form onSubmit={onSubmit} noValidate className="form" aria-labelledby="password-heading">
      <h2 id="password-heading">{t("resetPassword")}</h2>
      <FormMessage
        error={formErrorOf(result)}
        success={result?.ok ? t("passwordChanged") : null}
      />
      <PasswordField idPrefix="reset" name="password" label={t("newPassword")} hint={t("passwordHint")} errors={errorsOf(result)} />
      <div className="form-actions">
        <button type="submit" className="button" disabled={isPending} aria-busy={isPending}>
          {t("setPassword")}
        </button>
      </div>
    </form>
  );
}
