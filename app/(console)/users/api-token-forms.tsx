"use client";

import { useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { useRef, useState, useTransition, type FormEvent } from "react";
import { ConfirmButton } from "../../../components/confirm-button.tsx";
import { FormMessage, TextField } from "../../../components/form-fields.tsx";
import type { ActionResult } from "../../../lib/actions/action-result.ts";
import { createOwnApiTokenAction, revokeApiTokenAction } from "./actions.ts";
import { errorsOf, formErrorOf } from "./form-parts.tsx";

type Created = { id: string; token: string; name: string; expiresAt: Date | null };

export function CreateApiTokenForm() {
  const t = useTranslations("apiTokens");
  const [result, setResult] = useState<ActionResult<Created> | null>(null);
  const [isPending, startTransition] = useTransition();
  const formRef = useRef<HTMLFormElement>(null);
  const router = useRouter();

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const input = Object.fromEntries(new FormData(event.currentTarget));
    startTransition(async () => {
      const outcome = await createOwnApiTokenAction(input);
      setResult(outcome);
      if (!outcome.ok) return;
      formRef.current?.reset();
      router.refresh();
    });
  }

  const errors = errorsOf(result);
  return (
    <form ref={formRef} onSubmit={onSubmit} noValidate className="form" aria-labelledby="new-token-heading">
      <h2 id="new-token-heading">{t("newToken")}</h2>
      {result?.ok ? (
        <div role="status" aria-live="polite" className="form-success">
          <p>{t("createdNotice", { name: result.data.name })}</p>
          <label htmlFor="new-token-value">{t("token")}</label>
          <input
            id="new-token-value"
            readOnly
            value={result.data.token}
            className="token-value"
            onFocus={(e) => e.currentTarget.select()}
          />
          <p>
            {t.rich("usage", {
              header: "Authorization: Bearer <token>",
              path: "/api/v1",
              code: (chunks) => <code>{chunks}</code>,
            })}
          </p>
        </div>
      ) : (
        <FormMessage error={formErrorOf(result)} />
      )}
      <div className="form-grid">
        <TextField idPrefix="token" name="name" label={t("name")} isRequired maxLength={100} placeholder={t("namePlaceholder")} errors={errors} />
        <TextField
          idPrefix="token"
          name="expiresInDays"
          label={t("validForDays")}
          type="number"
          inputMode="numeric"
          hint={t("validForHint")}
          errors={errors}
        />
      </div>
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={isPending} aria-busy={isPending}>
          {t("createToken")}
        </button>
      </div>
    </form>
  );
}

export function RevokeApiTokenButton({ tokenId, tokenName }: { tokenId: string; tokenName: string }) {
  const t = useTranslations("apiTokens");
  const [result, setResult] = useState<ActionResult<undefined> | null>(null);
  const [isPending, startTransition] = useTransition();
  const router = useRouter();

  function revoke() {
    startTransition(async () => {
      const outcome = await revokeApiTokenAction({ tokenId });
      setResult(outcome);
      if (outcome.ok) router.refresh();
    });
  }

  return (
    <>
      <ConfirmButton
        label={t("revokeNamed", { name: tokenName })}
        title={t("revokeTitle")}
        message={t("revokeMessage", { name: tokenName })}
        confirmLabel={t("revoke")}
        isDisabled={isPending}
        onConfirm={revoke}
      />
      {result && !result.ok && (
        <span role="alert" className="field-error">
          {result.message}
        </span>
      )}
    </>
  );
}
