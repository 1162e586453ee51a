import { parseArgs } from "node:util";
import { pathToFileURL } from "node:url";
import { z } from "zod";
import { ActionError, fieldErrorsOf } from "../lib/actions/action-result.ts";
import { createUserSchema, createApiTokenSchema, revokeApiTokenSchema, emailSchema } from "../lib/auth/user-schema.ts";
import { CONSOLE_ACTOR, createUser, findUserIdByEmail, issueApiToken, revokeApiToken } from "../lib/auth/users.ts";
import { createDb, type Db } from "../lib/db/db-client.ts";
import { requireDatabaseUrl } from "../lib/env.ts";

// `npm run console -- <command>`: administration from the shell, on DATABASE_URL. Every failure is one line on
// stderr and a non-zero exit code (2 = bad usage or input, 1 = refused or failed).

export const USAGE = `Usage:
  npm run console -- user create --email <e-mail> --name <name> --role <viewer|user|admin> --password <password>
  npm run console -- token create --email <user e-mail> --name <label> [--days <n>]
  npm run console -- token revoke --id <token id>`;

export type ConsoleCommand =
  | { kind: "user-create"; email: string; name: string; role: "VIEWER" | "USER" | "ADMIN"; password: string }
  | { kind: "token-create"; email: string; name: string; expiresInDays?: number }
  | { kind: "token-revoke"; tokenId: string }
  | { kind: "help" };

export class UsageError extends Error {
  override name = "UsageError";
}

function describeIssues(error: z.ZodError): string {
  return Object.entries(fieldErrorsOf(error))
    .map(([field, messages]) => `--${field === "expiresInDays" ? "days" : field === "tokenId" ? "id" : field}: ${messages.join(" ")}`)
    .join("; ");
}

function parseWith<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new UsageError(describeIssues(parsed.error));
  return parsed.data;
}

/** Turns argv (after `npm run console --`) into a validated command; throws UsageError with a one-line message. */
export function parseConsoleArgs(argv: string[]): ConsoleCommand {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        email: { type: "string" },
        name: { type: "string" },
        role: { type: "string" },
        password: { type: "string" },
        id: { type: "string" },
        days: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message.split("\n")[0] ?? "Invalid arguments.");
  }
  const { values, positionals } = parsed;
  const [noun, verb, ...extra] = positionals;
  if (values.help || noun === "help" || noun === undefined) return { kind: "help" };
  if (extra.length > 0) throw new UsageError(`Unexpected argument "${extra[0]}".`);
  const command = `${noun} ${verb ?? ""}`.trim();
  const only = (allowed: string[]) => {
    const unexpected = Object.keys(values).find((k) => values[k] !== undefined && !allowed.includes(k));
    if (unexpected) throw new UsageError(`"${command}" does not take --${unexpected}.`);
  };
  switch (command) {
    case "user create": {
      only(["email", "name", "role", "password"]);
      const data = parseWith(createUserSchema, {
        email: values.email,
        name: values.name,
        role: typeof values.role === "string" ? values.role.toUpperCase() : values.role,
        password: values.password,
      });
      return { kind: "user-create", ...data };
    }
    case "token create": {
      only(["email", "name", "days"]);
      const email = parseWith(z.object({ email: emailSchema }), { email: values.email }).email;
      const data = parseWith(createApiTokenSchema, { name: values.name, expiresInDays: values.days });
      return { kind: "token-create", email, ...data };
    }
    case "token revoke": {
      only(["id"]);
      return { kind: "token-revoke", ...parseWith(revokeApiTokenSchema, { tokenId: values.id }) };
    }
    default:
      throw new UsageError(`Unknown command "${command}". Run \`npm run console -- help\` for the list.`);
  }
}

/** Runs one command; returns the lines to print on stdout. */
export async function runConsoleCommand(db: Db, command: ConsoleCommand): Promise<string[]> {
  switch (command.kind) {
    case "help":
      return [USAGE];
    case "user-create": {
      const { id } = await createUser(db, CONSOLE_ACTOR, command);
      return [`Created ${command.role.toLowerCase()} ${command.email} (id ${id}).`];
    }
    case "token-create": {
      const userId = await findUserIdByEmail(db, command.email);
      if (!userId) throw new ActionError("not_found", `No user with the e-mail ${command.email}.`);
      const created = await issueApiToken(db, CONSOLE_ACTOR, {
        userId,
        name: command.name,
        expiresInDays: command.expiresInDays,
      });
      const expiry = created.expiresAt ? `, expires ${created.expiresAt.toISOString()}` : "";
      return [
        created.token,
        `API token "${created.name}" for ${command.email} (id ${created.id}${expiry}). It is shown only this once.`,
      ];
    }
    case "token-revoke":
      await revokeApiToken(db, CONSOLE_ACTOR, { tokenId: command.tokenId });
      return [`Revoked API token ${command.tokenId}.`];
  }
}

async function main(argv: string[]): Promise<number> {
  let command: ConsoleCommand;
  try {
    command = parseConsoleArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`error: ${error.message}\n`);
    return 2;
  }
  if (command.kind === "help") {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  let db: Db;
  try {
    db = createDb(requireDatabaseUrl(), { max: 2 });
  } catch (error) {
    process.stderr.write(`error: ${(error as Error).message.split("\n")[0]}\n`);
    return 2;
  }
  try {
    for (const line of await runConsoleCommand(db, command)) process.stdout.write(`${line}\n`);
    return 0;
  } catch (error) {
    if (error instanceof ActionError) {
      const details = error.fieldErrors ? Object.values(error.fieldErrors).flat().join(" ") : "";
      process.stderr.write(`error: ${details || error.message}\n`);
      return 1;
    }
    const message = error instanceof Error ? error.message.split("\n").filter(Boolean).pop() : String(error);
    process.stderr.write(`error: ${message}\n`);
    return 1;
  } finally {
    await db.$disconnect();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}
