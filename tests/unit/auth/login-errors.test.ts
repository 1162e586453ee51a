import { describe, expect, it } from "vitest";
import { safeCallbackUrl } from "../../../lib/auth/callback-url.ts";
import { ENTRA_NOT_ALLOWED, loginErrorMessage, rateLimitedErrorCode } from "../../../lib/auth/login-errors.ts";

describe("login error messages", () => {
  it.each([
    [rateLimitedErrorCode(12), "Too many sign-in attempts. Wait 12 minutes and try again."],
    [rateLimitedErrorCode(1), "Too many sign-in attempts. Wait 1 minute and try again."],
    ["RateLimited:junk", "Too many sign-in attempts. Wait 15 minutes and try again."],
    ["CredentialsSignin", "The e-mail or password is not correct."],
    ["<script>alert(1)</script> Your account is locked, call +1 555", "Signing in failed. Try again."],
  ])("%s → %s", (code, message) => {
    expect(loginErrorMessage(code)).toBe(message);
  });

  it("explains an Entra ID sign-in of an unknown or deactivated user", () => {
    expect(loginErrorMessage(ENTRA_NOT_ALLOWED)).toMatch(/no active user with its e-mail/);
  });

  it("shows nothing without an error", () => {
    expect(loginErrorMessage(undefined)).toBeNull();
    expect(loginErrorMessage("")).toBeNull();
  });
});

describe("callback URL after sign-in", () => {
  it.each([
    [undefined, "/customers"],
    ["", "/customers"],
    ["/contacts?page=2", "/contacts?page=2"],
    ["http://localhost:3000/users/tokens", "/users/tokens"],
    ["https://evil.example/steal", "/steal"],
    ["//evil.example/x", "/x"],
    ["/\\evil.example", "/"],
    ["/login?callbackUrl=/x", "/customers"],
    ["/api/auth/signout", "/customers"],
    ["javascript:alert(1)", "/customers"],
  ])("%s → %s", (raw, expected) => {
    expect(safeCallbackUrl(raw)).toBe(expected);
  });
});
