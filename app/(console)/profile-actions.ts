"use server";

import { cookies } from "next/headers";
import { revalidatePath } from "next/cache";
import { toActionResult, type ActionResult } from "../../lib/actions/action-result.ts";
import { requirePermission } from "../../lib/auth/authorize.ts";
import { ownLocaleSchema, setOwnLocale } from "../../lib/auth/profile.ts";
import { getDb } from "../../lib/db/db-client.ts";
import { parseInput } from "../../lib/erp/parse-input.ts";
import { LOCALE_COOKIE, LOCALE_COOKIE_MAX_AGE, type Locale } from "../../i18n/locales.ts";

// Self-service for every role, so it lives outside the `actions.ts` files the authorization matrix expects a viewer
// to be refused by.

// The cookie keeps the language on the login page after signing out. Outside a request (tests, API routes calling
// the action) there is no cookie jar and no page cache, and the saved column is all that matters.
async function rememberInBrowser(locale: Locale): Promise<void> {
  try {
    (await cookies()).set(LOCALE_COOKIE, locale, { path: "/", maxAge: LOCALE_COOKIE_MAX_AGE, sameSite: "lax" });
    revalidatePath("/", "layout");
  } catch {
    return;
  }
}

/** Saves the signed-in user's language (User.locale); the next render of any page uses it. */
export async function setOwnLocaleAction(input: unknown): Promise<ActionResult<{ locale: Locale }>> {
  return toActionResult(async () => {
    const user = await requirePermission("profile.update-own");
    const { locale } = parseInput(ownLocaleSchema, input);
    await setOwnLocale(getDb(), user.id, locale);
    await rememberInBrowser(locale);
    return { locale };
  });
}
