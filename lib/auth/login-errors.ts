// Error codes that travel from the sign-in handlers to the login page as `?error=…` (or as signIn()'s `error`),
// and the friendly messages shown for them. Only known codes are shown; anything else gets a generic message, so
// a crafted link cannot put arbitrary text on the login page. Client-safe: no server imports.

const RATE_LIMITED_PREFIX = "RateLimited:";

export const ENTRA_NOT_ALLOWED = "EntraNotAllowed";

export function rateLimitedErrorCode(minutes: number): string {
  return `${RATE_LIMITED_PREFIX}${minutes}`;
}

export function rateLimitMessage(minutes: number): string {
  return `Too many sign-in attempts. Wait ${minutes} minute${minutes === 1 ? "" : "s"} and try again.`;
}

const MESSAGES: Record<string, string> = {
  CredentialsSignin: "The e-mail or password is not correct.",
  [ENTRA_NOT_ALLOWED]:
    "Your Microsoft account is not allowed to use this console: no active user with its e-mail exists here. Ask an administrator to add you.",
  AccessDenied: "Access was denied. Ask an administrator to check your account.",
  OAuthSignin: "Signing in with Microsoft could not start. Try again or use your e-mail and password.",
  OAuthCallback: "Signing in with Microsoft did not complete. Try again.",
  Callback: "Signing in did not complete. Try again.",
  SessionRequired: "Sign in to continue.",
  Configuration: "Sign-in is not configured correctly on the server. Contact your administrator.",
  configuration: "Sign-in is not configured correctly on the server. Contact your administrator.",
};

export function loginErrorMessage(code: string | null | undefined): string | null {
  if (!code) return null;
  if (code.startsWith(RATE_LIMITED_PREFIX)) {
    const minutes = Number.parseInt(code.slice(RATE_LIMITED_PREFIX.length), 10);
    return rateLimitMessage(Number.isFinite(minutes) && minutes > 0 ? Math.min(minutes, 60) : 15);
  }
  return Object.hasOwn(MESSAGES, code) ? MESSAGES[code as keyof typeof MESSAGES] : "Signing in failed. Try again.";
}
