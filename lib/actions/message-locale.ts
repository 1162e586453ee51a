import { AsyncLocalStorage } from "node:async_hooks";
import { DEFAULT_LOCALE, LOCALE_COOKIE, resolveLocale, type Locale } from "../../i18n/locales.ts";

// The language the server's messages are returned in: the signed-in user's (as the pages choose it), except inside
// the /api routes, which answer machines in English whoever owns the token.

const englishOnly = new AsyncLocalStorage<true>();

/** Runs fn so that every action it calls answers in English (the API). */
export function inEnglish<T>(fn: () => Promise<T>): Promise<T> {
  return englishOnly.run(true, fn);
}

async function requestPreferences(): Promise<{ cookie?: string; acceptLanguage?: string | null }> {
  try {
    const { cookies, headers } = await import("next/headers");
    const [cookieStore, headerList] = await Promise.all([cookies(), headers()]);
    return { cookie: cookieStore.get(LOCALE_COOKIE)?.value, acceptLanguage: headerList.get("accept-language") };
  } catch {
    // Outside a request (tests, scripts) there are no cookies or headers.
    return {};
  }
}

export async function messageLocale(): Promise<Locale> {
  if (englishOnly.getStore()) return DEFAULT_LOCALE;
  // Imported here: lib/auth imports the action errors this module translates.
  const { getSessionUser } = await import("../auth/authorize.ts");
  const user = await getSessionUser().catch(() => null);
  if (user) return resolveLocale({ userLocale: user.locale });
  return resolveLocale(await requestPreferences());
}
