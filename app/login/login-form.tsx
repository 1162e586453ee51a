"use client";

import { signIn } from "next-auth/react";
import { useTranslations } from "next-intl";
import { useEffect, useRef, useState, type FormEvent } from "react";
import { loginErrorKey } from "../../i18n/login-error-keys.ts";

type FieldErrors = { email?: "emailRequired" | "emailInvalid"; password?: "passwordRequired" };

function validate(email: string, password: string): FieldErrors {
  const errors: FieldErrors = {};
  if (!email.trim()) errors.email = "emailRequired";
  else if (!/^[^\s@]+@[^\s@]+$/.test(email.trim())) errors.email = "emailInvalid";
  if (!password) errors.password = "passwordRequired";
  return errors;
}

export function LoginForm(props: { callbackUrl: string; initialError: string | null; isEntraIdEnabled: boolean }) {
  const t = useTranslations();
  const [error, setError] = useState<string | null>(props.initialError);
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [isPending, setIsPending] = useState(false);
  const errorRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (error) errorRef.current?.focus();
  }, [error]);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const email = String(form.get("email") ?? "");
    const password = String(form.get("password") ?? "");
    const errors = validate(email, password);
    setFieldErrors(errors);
    if (errors.email || errors.password) return;
    setIsPending(true);
    setError(null);
    const result = await signIn("credentials", { email, password, redirect: false, callbackUrl: props.callbackUrl });
    if (!result?.ok || result.error) {
      setIsPending(false);
      const failure = loginErrorKey(result?.error ?? "Callback") ?? { key: "generic" as const, values: { minutes: 0 } };
      setError(t(`loginErrors.${failure.key}`, failure.values));
      return;
    }
    // A full navigation, so server components render with the new session cookie.
    window.location.assign(props.callbackUrl);
  }

  return (
    <>
      <div
        ref={errorRef}
        tabIndex={-1}
        role="alert"
        aria-live="assertive"
        className={error ? "form-error" : undefined}
        id="login-error"
      >
        {error}
      </div>
      <form onSubmit={onSubmit} noValidate aria-describedby={error ? "login-error" : undefined} className="form">
        <div className="form-field">
          <label htmlFor="email">{t("login.email")}</label>
          <input
            id="email"
            name="email"
            type="email"
            autoComplete="username"
            required
            autoFocus
            aria-invalid={fieldErrors.email ? true : undefined}
            aria-describedby={fieldErrors.email ? "email-error" : undefined}
          />
          {fieldErrors.email && (
            <p id="email-error" className="field-error">
              {t(`login.${fieldErrors.email}`)}
            </p>
          )}
        </div>
        <div className="form-field">
          <label htmlFor="password">{t("login.password")}</label>
          <input
            id="password"
            name="password"
            type="password"
            autoComplete="current-password"
            required
            aria-invalid={fieldErrors.password ? true : undefined}
            aria-describedby={fieldErrors.password ? "password-error" : undefined}
          />
          {fieldErrors.password && (
            <p id="password-error" className="field-error">
              {t(`login.${fieldErrors.password}`)}
            </p>
          )}
        </div>
        <button type="submit" className="button button-primary" disabled={isPending} aria-busy={isPending}>
          {isPending ? t("login.signingIn") : t("login.signIn")}
        </button>
      </form>
      {props.isEntraIdEnabled && (
        <div className="login-alternative">
          <p>{t("login.or")}</p>
          <button
            type="button"
            className="button"
            onClick={() => signIn("azure-ad", { callbackUrl: props.callbackUrl })}
          >
            {t("login.signInWithMicrosoft")}
          </button>
        </div>
      )}
    </>
  );
}
