import { cookies, headers } from "next/headers";
import { getRequestConfig } from "next-intl/server";
import { getSessionUser } from "../lib/auth/authorize.ts";
import { INTL_FORMATS, INTL_TIME_ZONE } from "./formats.ts";
import { CATALOGS } from "./catalogs.ts";
import { LOCALE_COOKIE, resolveLocale } from "./locales.ts";

// next-intl without i18n routing: the URL carries no locale. Each request's language is the signed-in user's
// (User.locale), else the NEXT_LOCALE cookie set on the login page, else the browser's Accept-Language, else English.

export default getRequestConfig(async () => {
  const [user, cookieStore, headerList] = await Promise.all([getSessionUser(), cookies(), headers()]);
  const locale = resolveLocale({
    userLocale: user?.locale,
    cookie: cookieStore.get(LOCALE_COOKIE)?.value,
    acceptLanguage: headerList.get("accept-language"),
  });
  return {
    locale,
    messages: CATALOGS[locale],
    timeZone: INTL_TIME_ZONE,
    formats: INTL_FORMATS,
  };
});
