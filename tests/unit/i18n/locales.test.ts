import { describe, expect, it } from "vitest";
import { ENTRA_NOT_ALLOWED, loginErrorMessage, rateLimitedErrorCode } from "../../../lib/auth/login-errors.ts";
import { createTranslator } from "next-intl";
import en from "../../../messages/en.json";
import { loginErrorKey } from "../../../i18n/login-error-keys.ts";
import { isLocale, localeFromAcceptLanguage, resolveLocale } from "../../../i18n/locales.ts";

describe("choosing the language of a request", () => {
  it("prefers the signed-in user's language, then the cookie, then the browser, then English", () => {
    expect(resolveLocale({ userLocale: "sv", cookie: "fr", acceptLanguage: "it" })).toBe("sv");
    expect(resolveLocale({ userLocale: null, cookie: "fr", acceptLanguage: "it" })).toBe("fr");
    expect(resolveLocale({ cookie: "xx", acceptLanguage: "it-IT,it;q=0.9" })).toBe("it");
    expect(resolveLocale({ userLocale: "de", cookie: "de", acceptLanguage: "de-DE" })).toBe("en");
    expect(resolveLocale({})).toBe("en");
  });

  it.each([
    ["it-CH,it;q=0.9,en;q=0.8", "it"],
    ["de-DE,de;q=0.9,fr;q=0.5,en;q=0.4", "fr"],
    ["en;q=0.2, sv;q=0.8", "sv"],
    ["SV-se", "sv"],
    ["*", null],
    ["fr;q=0, en", "en"],
    ["", null],
    ["garbage;;;q=abc", null],
  ])("Accept-Language %j → %j", (header, expected) => {
    expect(localeFromAcceptLanguage(header)).toBe(expected);
  });

  it("knows only the four languages", () => {
    expect(["en", "it", "sv", "fr"].every(isLocale)).toBe(true);
    expect(isLocale("de")).toBe(false);
    expect(isLocale("EN")).toBe(false);
  });
});

describe("login error codes", () => {
  const t = createTranslator({ locale: "en", messages: en, namespace: "loginErrors" });
  it.each(["CredentialsSignin", ENTRA_NOT_ALLOWED, "AccessDenied", "OAuthSignin", "OAuthCallback", "Callback", "SessionRequired", "Configuration", "configuration", "Whatever", rateLimitedErrorCode(1), rateLimitedErrorCode(12), "RateLimited:x"])(
    "%s reads in English exactly as the server's message",
    (code) => {
      const message = loginErrorKey(code)!;
      expect(t(message.key, message.values)).toBe(loginErrorMessage(code));
    },
  );

  it("a code named like an Object property gets the generic message", () => {
    expect(loginErrorKey("toString")?.key).toBe("generic");
    expect(loginErrorKey("__proto__")?.key).toBe("generic");
  });

  it("no code, no message", () => {
    expect(loginErrorKey(undefined)).toBeNull();
    expect(loginErrorKey("")).toBeNull();
  });
});
