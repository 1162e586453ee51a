import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCustomer, deleteCustomer, updateCustomer } from "../../app/(console)/customers/actions.ts";
import { POST } from "../../app/api/v1/customers/route.ts";
import type { ActionFailure, ActionResult } from "../../lib/actions/action-result.ts";
import { runAsUser, type SessionUser } from "../../lib/auth/authorize.ts";
import type { Db } from "../../lib/db/db-client.ts";
import { testDb } from "../support/test-db.ts";
import { apiRequest, createRoleUsers, routeParams, uniqueKey, type RoleUsers } from "./erp-fixtures.ts";

// Server actions answer in the signed-in user's language (User.locale) — field messages of the customer card and the
// errors the customer service raises — while /api/v1 keeps answering in English whatever the token owner's language.

let db: Db;
let users: RoleUsers;
const customerIds: string[] = [];

beforeAll(async () => {
  db = testDb();
  users = await createRoleUsers(db);
  await db.user.update({ where: { id: users.user.id }, data: { locale: "it" } });
});

afterAll(async () => {
  await db.contact.deleteMany({ where: { customerId: { in: customerIds } } });
  await db.customer.deleteMany({ where: { id: { in: customerIds } } });
  await db.user.deleteMany({ where: { id: { in: Object.values(users).map((u) => u.id) } } });
});

const as = (locale: string): SessionUser => ({ ...users.user, locale });

function failed(result: ActionResult<unknown>): ActionFailure {
  if (result.ok) throw new Error("expected the action to fail");
  return result;
}

describe("customer card messages in the user's language", () => {
  it("returns field messages in Italian, Swedish and French, and English for English readers", async () => {
    const input = { name: "", email: "nope", creditLimit: "-1" };
    const byLocale = Object.fromEntries(
      await Promise.all(["en", "it", "sv", "fr"].map(async (l) => [l, failed(await runAsUser(as(l), () => createCustomer(input)))] as const)),
    );
    expect(byLocale.en).toMatchObject({ ok: false, code: "invalid", message: "Some fields are not valid. Correct them and try again." });
    expect(byLocale.en.fieldErrors).toMatchObject({ name: ["Enter name."], creditLimit: ["Credit Limit (LCY) cannot be negative."] });
    expect(byLocale.it).toMatchObject({ ok: false, code: "invalid", message: "Alcuni campi non sono validi. Correggerli e riprovare." });
    expect(byLocale.it.fieldErrors).toMatchObject({ name: ["Specificare nome."], creditLimit: ["Fido (VL) non può essere negativo."] });
    expect(byLocale.sv.fieldErrors).toMatchObject({ name: ["Ange namn."], email: ["E-post är inte en giltig e-postadress. Använd formen namn@exempel.se."] });
    expect(byLocale.fr.fieldErrors).toMatchObject({ name: ["Saisissez nom."] });
  });

  it("returns the customer service's errors in Italian", async () => {
    const no = uniqueKey("I18N");
    const created = await runAsUser(as("en"), () => createCustomer({ no, name: "Traduzioni SpA", currencyCode: "" }));
    if (!created.ok) throw new Error(created.message);
    customerIds.push(created.data.id);

    const duplicate = await runAsUser(as("it"), () => createCustomer({ no, name: "Doppio" }));
    expect(duplicate).toMatchObject({
      ok: false,
      code: "conflict",
      message: `Il cliente ${no} esiste già. Specificare un altro N. oppure lasciarlo vuoto per usare il numero successivo.`,
      fieldErrors: { no: [`Il cliente ${no} esiste già. Specificare un altro N. oppure lasciarlo vuoto per usare il numero successivo.`] },
    });

    const missingCurrency = await runAsUser(as("it"), () =>
      updateCustomer({ id: created.data.id, rowVersion: created.data.rowVersion, currencyCode: "QQQ" }),
    );
    expect(missingCurrency).toMatchObject({ ok: false, code: "invalid" });
    if (missingCurrency.ok) return;
    expect(missingCurrency.fieldErrors?.currencyCode).toEqual([
      "La valuta QQQ non esiste. Scegliere una valuta dall'elenco Valute oppure lasciare vuoto per la valuta locale (VL).",
    ]);

    const stale = await runAsUser(as("fr"), () => updateCustomer({ id: created.data.id, rowVersion: created.data.rowVersion + 5, name: "X" }));
    expect(stale).toMatchObject({ ok: false, code: "conflict", message: "Ce client a été modifié par quelqu'un d'autre depuis son ouverture. Rechargez pour voir les modifications." });

    await db.contact.create({ data: { no: uniqueKey("I18NCT"), name: "Uno", customerId: created.data.id } });
    const refused = await runAsUser(as("sv"), () => deleteCustomer({ id: created.data.id }));
    expect(refused).toMatchObject({ ok: false, code: "conflict", message: `Kund ${no} kan inte tas bort eftersom den har 1 kontakt. Ta bort kontakterna eller flytta dem till en annan kund först.` });
  });

  it("answers the API in English although the token's owner reads Italian", async () => {
    const no = uniqueKey("I18NAPI");
    const created = await runAsUser(as("en"), () => createCustomer({ no, name: "API SpA" }));
    if (!created.ok) throw new Error(created.message);
    customerIds.push(created.data.id);
    const response = await POST(apiRequest("POST", "/api/v1/customers", { token: users.user.token, body: { no, name: "Doppio" } }), routeParams({}));
    expect(response.status).toBe(409);
    const body = (await response.json()) as { error: { message: string; details?: Record<string, string[]> } };
    expect(body.error.message).toBe(`Customer ${no} already exists. Enter another No., or leave it blank to use the next number.`);
    expect(body.error.details?.no).toEqual([body.error.message]);
  });

  it("refuses a viewer in the viewer's language", async () => {
    const result = await runAsUser({ ...users.viewer, locale: "it" }, () => createCustomer({ name: "Vietato" }));
    expect(result).toMatchObject({ ok: false, code: "forbidden", message: "Il ruolo (viewer) non consente questa operazione. Chiedere l'accesso a un amministratore." });
  });
});
