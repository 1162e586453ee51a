"use client";

import { useLocale, useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { useId, useState, useTransition } from "react";
import type { ActionResult } from "../lib/actions/action-result.ts";
import { LOCALE_COOKIE, LOCALE_COOKIE_MAX_AGE, LOCALE_NAMES, LOCALES, isLocale, type Locale } from "../i18n/locales.ts";

// The language picker. Signed in, it saves the user's language through `save` (a server action); on the login page
// there is no user yet, so the choice goes into the NEXT_LOCALE cookie. Either way the page re-renders at once.
export function LanguageSelect(props: { save?: (input: unknown) => Promise<ActionResult<{ locale: Locale }>>; className?: string }) {
  const t = useTranslations("header");
  const locale = useLocale();
  const router = useRouter();
  const id = useId();
  const [error, setError] = useState<string | null>(null);
  const [isPending, startTransition] = useTransition();

  function choose(next: string) {
    if (!isLocale(next) || next === locale) return;
    setError(null);
    startTransition(async () => {
      if (props.save) {
        const result = await props.save({ locale: next });
        if (!result.ok) {
          setError(t("languageNotSaved", { reason: result.message }));
          return;
        }
      } else {
        document.cookie = `${LOCALE_COOKIE}=${next}; path=/; max-age=${LOCALE_COOKIE_MAX_AGE}; samesite=lax`;
      }
      router.refresh();
    });
  }

  return (
    <div className={props.className ?? "language-select"}>
      <label htmlFor={id} className="visually-hidden">
        {t("language")}
      </label>
      <select id={id} value={locale} style={{ width: "auto" }} disabled={isPending} aria-busy={isPending} onChange={(e) => choose(e.target.value)}>
        {LOCALES.map((l) => (
          <option key={l} value={l} lang={l}>
            {LOCALE_NAMES[l]}
          </option>
        ))}
      </select>
      {error && (
        <span role="alert" className="field-error">
          {error}
        </span>
      )}
    </div>
  );
}
