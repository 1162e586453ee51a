"use client";

import { useRef, useState, useTransition, type FormEvent } from "react";
import { FormMessage, SelectField, TextField } from "../../../components/form-fields.tsx";
import type { ActionResult } from "../../../lib/actions/action-result.ts";
import { createUserAction } from "./actions.ts";
import { errorsOf, formErrorOf, PasswordField, ROLE_OPTIONS } from "./form-parts.tsx";

export function CreateUserForm() {
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
      <h2 id="create-user-heading">New user</h2>
      <FormMessage error={formErrorOf(result)} success={result?.ok ? "The user was created." : null} />
      <div className="form-grid">
        <TextField idPrefix="new-user" name="email" label="E-mail" type="email" isRequired maxLength={200} errors={errors} />
        <TextField idPrefix="new-user" name="name" label="Name" isRequired maxLength={100} errors={errors} />
        <SelectField idPrefix="new-user" name="role" label="Role" defaultValue="VIEWER" options={ROLE_OPTIONS} errors={errors} />
        <PasswordField idPrefix="new-user" name="password" label="Initial password" hint="At least 8 characters." errors={errors} />
      </div>
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={isPending} aria-busy={isPending}>
          {isPending ? "Creating…" : "Create user"}
        </button>
      </div>
    </form>
  );
}
