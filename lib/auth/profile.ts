import { z } from "zod";
import { LOCALES, type Locale } from "../../i18n/locales.ts";
import type { Db } from "../db/db-client.ts";

// What signed-in users may change about themselves. Only the language for now; role, status and password stay with
// user management (users.ts).

export const ownLocaleSchema = z.object({
  locale: z.enum(LOCALES, { error: "Choose one of the languages offered: English, Italiano, Svenska or Français." }),
});

export async function setOwnLocale(db: Db, userId: string, locale: Locale): Promise<void> {
  await db.user.update({ where: { id: userId }, data: { locale } });
}
