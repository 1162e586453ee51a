// Where to go after sign-in. Only paths on this site are followed (an absolute URL is reduced to its path), so a
// crafted ?callbackUrl= cannot send a user elsewhere after they sign in. Client-safe.

export const DEFAULT_AFTER_SIGN_IN = "/customers";

export function safeCallbackUrl(raw: string | null | undefined): string {
  if (!raw) return DEFAULT_AFTER_SIGN_IN;
  let url: URL;
  try {
    url = new URL(raw, "http://console.invalid");
  } catch {
    return DEFAULT_AFTER_SIGN_IN;
  }
  const path = `${url.pathname}${url.search}${url.hash}`;
  if (!path.startsWith("/") || path.startsWith("//") || path.startsWith("/\\")) return DEFAULT_AFTER_SIGN_IN;
  if (url.pathname === "/login" || url.pathname.startsWith("/api/auth")) return DEFAULT_AFTER_SIGN_IN;
  return path;
}
