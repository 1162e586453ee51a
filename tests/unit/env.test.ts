import { describe, expect, it } from "vitest";
import { envSchema, isEntraIdConfigured } from "../../lib/env.ts";

describe("configuration", () => {
  it("starts from nothing: every variable has a default or is optional", () => {
    const env = envSchema.parse({});
    expect(env.PORT).toBe(3000);
    expect(env.EMULATOR_PORT).toBe(5555);
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.REDIS_URL).toBeUndefined();
  });

  it("treats empty strings as unset, as docker-compose passes them", () => {
    const env = envSchema.parse({ REDIS_URL: "", DATAVERSE_URL: " " });
    expect(env.REDIS_URL).toBeUndefined();
    expect(env.DATAVERSE_URL).toBeUndefined();
  });

  it.each([
    ["PORT", "seventy"],
    ["PORT", "70000"],
    ["DATABASE_URL", "not a url"],
    ["LOG_LEVEL", "loud"],
  ])("refuses %s=%s with a message naming the variable", (key, value) => {
    const result = envSchema.safeParse({ [key]: value });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0].path).toEqual([key]);
  });

  it("switches Entra ID sign-in on only when all three variables are set", () => {
    expect(isEntraIdConfigured(envSchema.parse({ AZURE_AD_CLIENT_ID: "a", AZURE_AD_CLIENT_SECRET: "b" }))).toBe(false);
    expect(isEntraIdConfigured(envSchema.parse({ AZURE_AD_CLIENT_ID: "a", AZURE_AD_CLIENT_SECRET: "b", AZURE_AD_TENANT_ID: "c" }))).toBe(true);
  });
});
