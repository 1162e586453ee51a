import { describe, expect, it } from "vitest";
import { buildAuthOptions } from "../../../lib/auth/auth-options.ts";
import { clientIpOf } from "../../../lib/auth/rate-limit.ts";
import { envSchema } from "../../../lib/env.ts";

const entra = { AZURE_AD_CLIENT_ID: "client", AZURE_AD_CLIENT_SECRET: "secret", AZURE_AD_TENANT_ID: "tenant" };

function providerIds(vars: Record<string, string>): string[] {
  return buildAuthOptions(envSchema.parse(vars)).providers.map((p) => p.id);
}

describe("sign-in providers", () => {
  it("offers only e-mail and password by default", () => {
    expect(providerIds({})).toEqual(["credentials"]);
  });

  it("adds Entra ID when all three AZURE_AD_* variables are set", () => {
    expect(providerIds(entra)).toEqual(["credentials", "azure-ad"]);
  });

  it.each(Object.keys(entra))("leaves Entra ID off when %s is missing or blank", (name) => {
    expect(providerIds({ ...entra, [name]: " " })).toEqual(["credentials"]);
  });

  it("uses the login page for sign-in and errors, and JWT sessions", () => {
    const options = buildAuthOptions(envSchema.parse({ NEXTAUTH_SECRET: "s" }));
    expect(options.pages).toEqual({ signIn: "/login", error: "/login" });
    expect(options.session?.strategy).toBe("jwt");
    expect(options.secret).toBe("s");
  });
});

describe("client IP for rate limiting", () => {
  it.each([
    [{ "x-forwarded-for": "203.0.113.7, 10.0.0.1" }, "203.0.113.7"],
    [{ "x-forwarded-for": ["198.51.100.2"] }, "198.51.100.2"],
    [{ "x-real-ip": " 192.0.2.9 " }, "192.0.2.9"],
    [{ "x-forwarded-for": "" }, null],
    [{}, null],
    [undefined, null],
  ])("%j → %s", (headers, ip) => {
    expect(clientIpOf(headers)).toBe(ip);
  });
});
