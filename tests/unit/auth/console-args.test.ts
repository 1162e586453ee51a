import { describe, expect, it } from "vitest";
import { parseConsoleArgs, UsageError } from "../../../scripts/console.ts";

describe("npm run console -- argument parsing", () => {
  it("parses token create", () => {
    expect(parseConsoleArgs(["token", "create", "--email", " Ops@Example.com ", "--name", "nightly"])).toEqual({
      kind: "token-create",
      email: "ops@example.com",
      name: "nightly",
    });
  });

  it("parses token create with an expiry in days", () => {
    expect(parseConsoleArgs(["token", "create", "--email", "a@b.co", "--name", "x", "--days", "30"])).toEqual({
      kind: "token-create",
      email: "a@b.co",
      name: "x",
      expiresInDays: 30,
    });
  });

  it("parses user create with a case-insensitive role", () => {
    expect(
      parseConsoleArgs(["user", "create", "--email", "a@b.co", "--name", "Ann", "--role", "admin", "--password", "long-enough"]),
    ).toEqual({ kind: "user-create", email: "a@b.co", name: "Ann", role: "ADMIN", password: "long-enough" });
  });

  it("parses token revoke", () => {
    const id = "0b6a2f9e-5d0c-4c8e-9a51-1f5c2d3e4f50";
    expect(parseConsoleArgs(["token", "revoke", "--id", id])).toEqual({ kind: "token-revoke", tokenId: id });
  });

  it.each([[[]], [["help"]], [["--help"]], [["token", "create", "-h"]]])("%j asks for help", (argv) => {
    expect(parseConsoleArgs(argv)).toEqual({ kind: "help" });
  });

  it.each([
    [["frobnicate"], /Unknown command "frobnicate"/],
    [["token", "delete", "--id", "x"], /Unknown command "token delete"/],
    [["token", "create", "--name", "x"], /--email: Enter an e-mail address/],
    [["token", "create", "--email", "nope", "--name", "x"], /--email: Enter a valid e-mail address/],
    [["token", "create", "--email", "a@b.co"], /--name: Enter a name for the token/],
    [["token", "create", "--email", "a@b.co", "--name", "x", "--days", "0"], /--days: A token must be valid for at least 1 day/],
    [["token", "create", "--email", "a@b.co", "--name", "x", "--role", "admin"], /does not take --role/],
    [["token", "revoke", "--id", "42"], /--id: Choose a token/],
    [["token", "revoke"], /--id:/],
    [["user", "create", "--email", "a@b.co", "--name", "A", "--role", "boss", "--password", "long-enough"], /--role: Choose a role/],
    [["user", "create", "--email", "a@b.co", "--name", "A", "--role", "user", "--password", "short"], /--password: The password must be at least 8 characters/],
    [["token", "create", "--email"], /--email/],
    [["token", "create", "--bogus", "1"], /Unknown option '--bogus'/],
    [["token", "create", "extra", "--email", "a@b.co", "--name", "x"], /Unexpected argument "extra"/],
  ])("%j is refused with one clear line", (argv, message) => {
    let caught: unknown;
    try {
      parseConsoleArgs(argv);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(UsageError);
    expect((caught as Error).message).toMatch(message);
    expect((caught as Error).message).not.toContain("\n");
  });
});
