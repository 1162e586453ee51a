"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition, type FormEvent } from "react";
import { ConfirmButton } from "../../../components/confirm-button.tsx";
import { FormMessage, SelectField } from "../../../components/form-fields.tsx";
import type { ActionResult } from "../../../lib/actions/action-result.ts";
import type { Role } from "../../../lib/db/generated/enums.ts";
import { changeUserRoleAction, resetUserPasswordAction, setUserActiveAction } from "./actions.ts";
import { errorsOf, formErrorOf, PasswordField, ROLE_OPTIONS } from "./form-parts.tsx";

export function ChangeRoleForm({ userId, role }: { userId: string; role: Role }) {
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
      <h2 id="role-heading">Change role</h2>
      <FormMessage error={formErrorOf(result)} success={result?.ok ? "The role was changed." : null} />
      <SelectField idPrefix="user" name="role" label="Role" defaultValue={role} options={ROLE_OPTIONS} errors={errorsOf(result)} />
      <div className="form-actions">
        <button type="submit" className="button" disabled={isPending} aria-busy={isPending}>
          Change role
        </button>
      </div>
    </form>
  );
}

export function ActiveToggle({ userId, email, isActive }: { userId: string; email: string; isActive: boolean }) {
  const [result, setResult] = useState<ActionResult<undefined> | null>(null);
  const [success, setSuccess] = useState<string | null>(null);
  const [isPending, startTransition] = useTransition();
  const router = useRouter();

  function setActive(next: boolean) {
    startTransition(async () => {
      const outcome = await setUserActiveAction({ userId, isActive: next });
      setResult(outcome);
      setSuccess(outcome.ok ? (next ? "The user was activated." : "The user was deactivated.") : null);
      if (outcome.ok) router.refresh();
    });
  }

  return (
    <div className="form" role="group" aria-labelledby="status-heading">
      <h2 id="status-heading">Status</h2>
      <FormMessage error={formErrorOf(result)} success={success} />
      <p>
        {isActive
          ? "This user can sign in and use their API tokens."
          : "This user cannot sign in, and their API tokens are refused."}
      </p>
      <div className="form-actions">
        {isActive ? (
          <ConfirmButton
            label="Deactivate user"
            title="Deactivate this user?"
            message={`${email} will be signed out and cannot sign in or use API tokens until activated again.`}
            confirmLabel="Deactivate"
            isDisabled={isPending}
            onConfirm={() => setActive(false)}
          />
        ) : (
          <button type="button" className="button" onClick={() => setActive(true)} disabled={isPending} aria-busy={isPending}>
            Activate user
          </button>
        )}
      </div>
    </div>
  );
}

export function ResetPasswordForm({ userId }: { userId: string }) {
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
      <h2 id="password-heading">Reset password</h2>
      <FormMessage
        error={formErrorOf(result)}
        success={result?.ok ? "The password was changed. Tell the user their new password." : null}
      />
      <PasswordField idPrefix="reset" name="password" label="New password" hint="At least 8 characters." errors={errorsOf(result)} />
      <div className="form-actions">
        <button type="submit" className="button" disabled={isPending} aria-busy={isPending}>
          Set password
        </button>
      </div>
    </form>
  );
}
