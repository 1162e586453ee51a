import { ENTRA_NOT_ALLOWED } from "../lib/auth/login-errors.ts";

// The login page's error codes (see lib/auth/login-errors.ts, which keeps the English texts for the server side)
// mapped to catalog keys under `loginErrors`. Only known codes get their own message, so a crafted link cannot put
// arbitrary text on the page.

export type LoginErrorKey =
  | "rateLimited"
  | "credentialsSignin"
  | "entraNotAllowed"
  | "accessDenied"
  | "oauthSignin"
  | "oauthCallback"
  | "callback"
  | "sessionRequired"
  | "configuration"
  | "generic";

export type LoginErrorMessage = { key: LoginErrorKey; values: { minutes: number } };

const RATE_LIMITED_PREFIX = "RateLimited:";

const KEYS: Record<string, LoginErrorKey> = {
  CredentialsSignin: "credentialsSignin",
  [ENTRA_NOT_ALLOWED]: "entraNotAllowed",
  AccessDenied: "accessDenied",
  OAuthSignin: "oauthSignin",
  OAuthCallback: "oauthCallback",
  Callback: "callback",
  SessionRequired: "sessionRequired",
  Configuration: "configuration",
  configuration: "configuration",
};

export function loginErrorKey(code: string | null | undefined): LoginErrorMessage | null {
  if (!code) return null;
  if (code.startsWith(RATE_LIMITED_PREFIX)) {
    const minutes = Number.parseInt(code.slice(RATE_LIMITED_PREFIX.length), 10);
    return { key: "rateLimited", values: { minutes: Number.isFinite(minutes) && minutes > 0 ? Math.min(minutes, 60) : 15 } };
  }
  return { key: Object.hasOwn(KEYS, code) ? KEYS[code] : "generic", values: { minutes: 0 } };
}
