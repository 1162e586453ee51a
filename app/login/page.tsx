import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getSessionUser } from "../../lib/auth/authorize.ts";
import { safeCallbackUrl } from "../../lib/auth/callback-url.ts";
import { loginErrorMessage } from "../../lib/auth/login-errors.ts";
import { isEntraIdConfigured } from "../../lib/env.ts";
import { LoginForm } from "./login-form.tsx";

export const metadata: Metadata = { title: "Sign in" };
export const dynamic = "force-dynamic";

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

export default async function LoginPage({ searchParams }: { searchParams: SearchParams }) {
  const params = await searchParams;
  const callbackUrl = safeCallbackUrl(first(params.callbackUrl));
  if (await getSessionUser()) redirect(callbackUrl);
  return (
    <main className="login-page">
      <div className="login-card">
        <h1>Sign in to the coupling console</h1>
        <LoginForm
          callbackUrl={callbackUrl}
          initialError={loginErrorMessage(first(params.error))}
          isEntraIdEnabled={isEntraIdConfigured()}
        />
      </div>
    </main>
  );
}
