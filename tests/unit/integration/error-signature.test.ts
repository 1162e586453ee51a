import { describe, expect, it } from "vitest";
import { errorSignature, normalizeErrorMessage } from "../../../lib/integration/error-signature.ts";

describe("error signature", () => {
  const same: [string, string, string][] = [
    [
      "record numbers differ",
      "The contact CT0001 cannot be synchronized because its customer C00010 is not coupled.",
      "The contact CT0042 cannot be synchronized because its customer C00999 is not coupled.",
    ],
    [
      "GUIDs differ",
      "Entity 'account' With Id = 0f4b6f52-1a2b-4c3d-8e9f-001122334455 Does Not Exist",
      "Entity 'account' With Id = {A1B2C3D4-1A2B-4C3D-8E9F-001122334455} Does Not Exist",
    ],
    ["quoted values differ", `The value "SHIP" of Blocked has no counterpart`, `The value "ALL" of Blocked has no counterpart`],
    ["lengths differ", "Name is 161 characters long, but account.name allows at most 160", "Name is 200 characters long, but account.name allows at most 160"],
    ["whitespace differs", "Something  failed\n badly", "Something failed badly"],
  ];
  for (const [name, a, b] of same) {
    it(`groups messages whose ${name}`, () => expect(errorSignature(a)).toBe(errorSignature(b)));
  }

  it("keeps different wording apart", () => {
    expect(errorSignature("its customer C1 is not coupled")).not.toBe(errorSignature("its customer C1 does not exist"));
  });

  it("keeps Dataverse error codes, which name the cause", () => {
    expect(normalizeErrorMessage("0x80040237 duplicate")).toBe("0x80040237 duplicate");
    expect(errorSignature("0x80040237 duplicate")).not.toBe(errorSignature("0x80040265 duplicate"));
  });

  it("separates classes when given", () => {
    expect(errorSignature("x", "CONFLICT")).not.toBe(errorSignature("x", "PERMANENT"));
  });

  it("is 64 lower-case hex characters", () => {
    expect(errorSignature("anything")).toMatch(/^[0-9a-f]{64}$/);
  });

  it("normalises to readable placeholders", () => {
    expect(normalizeErrorMessage(`The contact CT0001 of 'Contoso' (see https://x.example/a?b=1, jane@x.example) failed 3 times`)).toBe(
      "the contact <ref> of <value> (see <url> <email>) failed <n> times",
    );
  });
});
