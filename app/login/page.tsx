import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { redirect } from "next/navigation";
import { LanguageSelect } from "../../components/language-select.tsx";
import { loginErrorKey } from "../../i18n/login-error-keys.ts";
import { getSessionUser } from "../../lib/auth/authorize.ts";
import { safeCallbackUrl } from "../../lib/auth/callback-url.ts";
import { isEntraIdConfigured } from "../../lib/env.ts";
import { LoginForm } from "./login-form.tsx";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("login");
  return { title: t("title") };
}

export const dynamic = "force-dynamic";

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

export default async function LoginPage({ searchParams }: { searchParams: SearchParams }) {
  const params = await searchParams;
  const callbackUrl = safeCallbackUrl(first(params.callbackUrl));
  if (await getSessionUser()) redirect(callbackUrl);
  const t = await getTranslations();
  const error = loginErrorKey(first(params.error));
  return (
    <main className="login-page">
      <div className="login-card">
        <LanguageSelect className="login-language" />
        <h1>{t("login.heading")}</h1>
        <LoginForm
          callbackUrl={callbackUrl}
          initialError={error ? t(`loginErrors.${error.key}`, error.values) : null}
          isEntraIdEnabled={isEntraIdConfigured()}
        />
      </div>
    </main>
  );
}
