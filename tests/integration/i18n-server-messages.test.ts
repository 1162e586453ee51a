import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  deleteCouplingsAction,
  recommendSynchronizationAction,
  setUpCouplingAction,
  startRecordMatchAction,
} from "../../app/(console)/coupling/coupling-actions.ts";
import { createCustomer, deleteCustomer, updateCustomer } from "../../app/(console)/customers/actions.ts";
import { resolveSyncErrorsAction } from "../../app/(console)/integration/sync-errors/actions.ts";
import { countFilterMatchesAction, saveMappingAction } from "../../app/(console)/integration/table-mappings/actions.ts";
import { PATCH as patchMappingRoute } from "../../app/api/v1/mappings/[name]/route.ts";
import { GET as openFromDataverseRoute } from "../../app/dataverse/open/route.ts";
import { POST } from "../../app/api/v1/customers/route.ts";
import type { ActionFailure, ActionResult } from "../../lib/actions/action-result.ts";
import { runAsUser, type SessionUser } from "../../lib/auth/authorize.ts";
import type { Db } from "../../lib/db/db-client.ts";
import { coupleRecord } from "../../lib/integration/coupling-service.ts";
import { localizeEngineMessage } from "../../lib/integration/engine-messages.ts";
import { ensureDefaultMappings } from "../../lib/integration/mapping-setup.ts";
import { testDb } from "../support/test-db.ts";
import { apiRequest, createRoleUsers, routeParams, uniqueKey, type RoleUsers } from "./erp-fixtures.ts";
import { createAccount, createCustomer as createOpsCustomer, resetCustomerMapping, startOpsEnv, uniqueWord, type OpsEnv } from "./ops-fixtures.ts";

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

// Coupling, Synchronize Now and the errors page: their refusals and their outcomes come back in the reader's language,
// while what they store (the coupling's error message) stays English and is translated when shown.
describe("coupling and errors page messages in the user's language", () => {
  let env: OpsEnv;

  beforeAll(async () => {
    env = await startOpsEnv();
    await resetCustomerMapping(env.db);
  });

  afterAll(async () => {
    await env?.close();
  });

  it("answers Synchronize Now, Set Up Coupling and Delete Coupling in Italian, and in English for English readers", async () => {
    const word = uniqueWord("I18N");
    const customer = await createOpsCustomer(env.db, { name: `${word} ERP` });
    const other = await createOpsCustomer(env.db, { name: `${word} Altro` });
    const accountId = await createAccount(env.client, { name: `${word} DV` });

    const prompt = await runAsUser(as("it"), () => recommendSynchronizationAction({ table: "CUSTOMER", erpId: customer.id }));
    expect(prompt).toMatchObject({ ok: true, data: { isCoupled: false, message: `Il record cliente ${customer.no} non è associato a Dataverse. Creare un'associazione?` } });
    const promptEn = await runAsUser(as("en"), () => recommendSynchronizationAction({ table: "CUSTOMER", erpId: customer.id }));
    expect(promptEn).toMatchObject({ ok: true, data: { message: `The customer ${customer.no} record is not coupled to Dataverse. Do you want to create a coupling?` } });

    const badInput = await runAsUser(as("it"), () => setUpCouplingAction({ table: "ACCOUNT", erpId: "nope" }));
    expect(badInput).toMatchObject({ ok: false, code: "invalid", fieldErrors: { table: ["Scegliere clienti o contatti."], erpId: ["Deve essere un ID record."] } });

    const nothingToDelete = await runAsUser(as("it"), () => deleteCouplingsAction({ table: "CUSTOMER", erpIds: [customer.id, other.id] }));
    expect(nothingToDelete).toMatchObject({ ok: false, code: "invalid", message: "Nessuno dei record selezionati è associato, quindi non c'è alcuna associazione da eliminare." });

    const coupled = await runAsUser(as("it"), () => setUpCouplingAction({ table: "CUSTOMER", erpId: customer.id, dataverseId: accountId }));
    expect(coupled).toMatchObject({ ok: true, data: { status: "completed", message: `Il record cliente ${customer.no} è associato al record account Dataverse '${word} DV'.` } });
    expect(await env.db.coupling.count({ where: { erpTable: "CUSTOMER", erpId: customer.id, dataverseId: accountId } })).toBe(1);

    const taken = await runAsUser(as("it"), () => setUpCouplingAction({ table: "CUSTOMER", erpId: other.id, dataverseId: accountId }));
    expect(taken).toMatchObject({
      ok: false,
      code: "conflict",
      message: `Il record account Dataverse '${word} DV' è già associato al record cliente ${customer.no}. Eliminare prima tale associazione.`,
    });
    expect(await env.db.coupling.count({ where: { erpTable: "CUSTOMER", erpId: other.id } })).toBe(0);

    const uncoupled = await runAsUser(as("it"), () => deleteCouplingsAction({ table: "CUSTOMER", erpIds: [customer.id] }));
    expect(uncoupled).toMatchObject({ ok: true, data: { status: "completed", message: `Il record cliente ${customer.no} non è più associato.` } });
    expect(await env.db.coupling.count({ where: { erpTable: "CUSTOMER", erpId: customer.id } })).toBe(0);
  });

  it("refuses to save match criteria as the mapping's defaults in Italian, writing nothing", async () => {
    const customer = await createOpsCustomer(env.db, { name: `${uniqueWord("I18N")} Criteri` });
    const auditsBefore = await env.db.auditEntry.count({ where: { action: "mapping.matchCriteria" } });
    const refused = await runAsUser(as("it"), () => startRecordMatchAction({ table: "CUSTOMER", erpIds: [customer.id], saveCriteria: true }));
    expect(refused).toMatchObject({
      ok: false,
      code: "forbidden",
      message:
        "Solo un ruolo che può modificare i mapping tabelle può salvare i criteri di corrispondenza predefiniti del mapping. Eseguire senza salvarli oppure rivolgersi a un amministratore.",
    });
    expect(await env.db.auditEntry.count({ where: { action: "mapping.matchCriteria" } })).toBe(auditsBefore);
  });

  it("explains in Italian why a Dataverse record cannot be opened in the ERP, creating nothing", async () => {
    const word = uniqueWord("I18N");
    const accountId = await createAccount(env.client, { name: `${word} Solo` });
    const page = await runAsUser(as("it"), () => openFromDataverseRoute(new Request(`http://localhost/dataverse/open?entity=account&id=${accountId}`)));
    expect(page.status).toBe(422);
    const html = await page.text();
    expect(html).toContain('<html lang="it">');
    expect(html).toContain("<h1>Non associato a un record cliente</h1>");
    expect(html).toContain(`Il record account Dataverse &#39;${word} Solo&#39; non è associato a un record cliente e non può essere creato nell&#39;ERP da qui perché il mapping tabella CUSTOMER sincronizza solo i record associati.`);
    expect(html).toContain("Vai alla console");
    expect(await env.db.coupling.count({ where: { dataverseId: accountId } })).toBe(0);
  });

  it("reports the errors page actions' outcomes in Italian; Find for Deleted stores English, shown in Italian", async () => {
    const word = uniqueWord("I18N");
    const customer = await createOpsCustomer(env.db, { name: `${word} ERP` });
    const accountId = await createAccount(env.client, { name: `${word} DV` });
    const result = await coupleRecord(env.deps, env.actor, { table: "CUSTOMER", erpId: customer.id, dataverseId: accountId, syncAfterCoupling: "none" });
    const couplingId = result.coupling!.id;
    await env.client.delete("accounts", accountId);

    const italian = `Il record Dataverse account associato al record cliente ${customer.no} è stato eliminato. Usare Ripristina record per ricrearlo, Elimina record per eliminare anche il record cliente, oppure Rimuovi associazione.`;
    const found = await runAsUser(as("it"), () => resolveSyncErrorsAction({ action: "findForDeleted", ids: [couplingId] }));
    expect(found).toMatchObject({ ok: true, data: { message: "trovati: 1.", outcomes: [{ couplingId, outcome: "found", message: italian }] } });
    const stored = await env.db.coupling.findUniqueOrThrow({ where: { id: couplingId } });
    expect(stored).toMatchObject({
      errorClass: "DELETION_CONFLICT",
      isSkipped: true,
      errorMessage: `The Dataverse account coupled to the customer ${customer.no} was deleted. Use Restore Records to recreate it, Delete Records to delete the customer too, or Remove Coupling.`,
    });
    expect(localizeEngineMessage("it", stored.errorMessage)).toBe(italian);

    const removed = await runAsUser(as("it"), () => resolveSyncErrorsAction({ action: "removeCoupling", ids: [couplingId] }));
    expect(removed).toMatchObject({ ok: true, data: { message: "dissociati: 1.", outcomes: [{ couplingId, outcome: "uncoupled", message: `Il record cliente ${customer.no} non è più associato.` }] } });
    expect(await env.db.coupling.count({ where: { id: couplingId } })).toBe(0);
    expect(await env.db.customer.count({ where: { id: customer.id } })).toBe(1);
  });
});

// The mapping editor: a filter that does not validate is refused field by field in the editor's language (through the
// same server actions the page calls), nothing is saved, and the API answers the same refusal in English.
describe("mapping editor filter messages in the user's language", () => {
  const adminIn = (locale: string): SessionUser => ({ ...users.admin, locale });
  const badFilter = [
    { field: "creditLimit", operator: "contains", value: "x" },
    { field: "city", operator: "eq", value: "" },
  ];

  beforeAll(async () => {
    await ensureDefaultMappings(db);
  });

  const mappingState = async () => {
    const [mapping, audits] = await Promise.all([
      db.integrationTableMapping.findUniqueOrThrow({ where: { name: "CUSTOMER" }, select: { rowVersion: true, tableFilter: true } }),
      db.auditEntry.count({ where: { entityType: "IntegrationTableMapping" } }),
    ]);
    return { mapping, audits };
  };

  it("refuses an invalid table filter in Italian on save, saving nothing, and in English for English readers and the API", async () => {
    const before = await mappingState();
    const input = { name: "CUSTOMER", rowVersion: before.mapping.rowVersion, tableFilter: badFilter };

    const italian = failed(await runAsUser(adminIn("it"), () => saveMappingAction(input)));
    expect(italian).toMatchObject({ code: "invalid", message: "Alcuni campi non sono validi. Correggerli e riprovare." });
    expect(italian.fieldErrors).toMatchObject({
      "tableFilter.0.operator": ['Non è possibile filtrare Fido (VL) con "contiene"; usare "è", "non è", "è maggiore di", "è almeno", "è minore di", "è al massimo".'],
      "tableFilter.1.value": ["Specificare un valore per Città."],
    });

    const english = failed(await runAsUser(adminIn("en"), () => saveMappingAction(input)));
    expect(english.fieldErrors).toMatchObject({
      "tableFilter.0.operator": ['Credit Limit (LCY) cannot be filtered with "contains"; use "is", "is not", "is greater than", "is at least", "is less than", "is at most".'],
      "tableFilter.1.value": ["Enter a value for City."],
    });

    await db.user.update({ where: { id: users.admin.id }, data: { locale: "it" } });
    try {
      const response = await patchMappingRoute(
        apiRequest("PATCH", "/api/v1/mappings/CUSTOMER", { token: users.admin.token, body: { rowVersion: before.mapping.rowVersion, tableFilter: badFilter } }),
        routeParams({ name: "CUSTOMER" }),
      );
      const body = JSON.stringify(await response.json());
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(body).toContain("Enter a value for City.");
      expect(body).not.toContain("Città");
    } finally {
      await db.user.update({ where: { id: users.admin.id }, data: { locale: "en" } });
    }

    expect(await mappingState()).toEqual(before);
  });

  it("refuses a direction no enabled field mapping carries in Italian, saving nothing", async () => {
    const before = await mappingState();
    const input = { name: "CUSTOMER", rowVersion: before.mapping.rowVersion, direction: "TO_INTEGRATION_TABLE", fieldMappings: [{ erpField: "name", dataverseAttribute: "name", direction: "FROM_INTEGRATION_TABLE" }] };
    const italian = failed(await runAsUser(adminIn("it"), () => saveMappingAction(input)));
    expect(italian.fieldErrors?.direction).toEqual([
      "Nessun mapping campo abilitato invia dati a Dataverse. Abilitarne uno con direzione verso tabella di integrazione o bidirezionale, oppure modificare la direzione.",
    ]);
    expect(await mappingState()).toEqual(before);
  });

  it("explains an unusable filter in Swedish and French while counting its matches, quoting what was typed", async () => {
    const before = await mappingState();
    const swedish = failed(
      await runAsUser(adminIn("sv"), () => countFilterMatchesAction({ name: "CUSTOMER", side: "erp", filter: [{ field: "colour", operator: "eq", value: "red" }] })),
    );
    expect(swedish).toMatchObject({ code: "invalid", fieldErrors: { "tableFilter.0.field": ['Det finns inget fält "colour" i den här tabellen.'] } });
    const french = failed(
      await runAsUser(adminIn("fr"), () => countFilterMatchesAction({ name: "CUSTOMER", side: "erp", filter: [{ field: "creditLimit", operator: "gt", value: "lots" }] })),
    );
    expect(french.fieldErrors).toEqual({ "tableFilter.0.value": ["Limite de crédit (DS) nécessite un nombre."] });
    expect(await mappingState()).toEqual(before);
  });
});
