import type { Messages } from "./catalogs.ts";
import type { INTL_FORMATS } from "./formats.ts";
import type { Locale } from "./locales.ts";

// Typed message keys, locales and named formats for every useTranslations/getTranslations call. Module augmentation
// only works with an interface, hence the one exception to `type` over `interface`.
declare module "next-intl" {
  interface AppConfig {
    Locale: Locale;
    Messages: Messages;
    Formats: typeof INTL_FORMATS;
  }
}
