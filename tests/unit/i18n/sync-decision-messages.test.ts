import { describe, expect, it } from "vitest";
import { LOCALES } from "../../../i18n/locales.ts";
import { lookupResolver } from "../../../lib/integration/field-transfer.ts";
import { localizeEngineMessage } from "../../../lib/integration/engine-messages.ts";
import { decide, type DecideInput } from "../../../lib/integration/sync-decision.ts";
import { account, contact, couplings, customer, dvContact, mapping, policy, resolve, salesperson, snapshotOf, UNCOUPLED_ACCOUNT_ID } from "../integration/integration-fixtures.ts";

// Every wording the synchronization engine's per-record decision stores (record log lines and coupling errors) is
// recognised when shown, so the job log and the errors page show it in the reader's language. One input per message
// site of lib/integration/sync-decision.ts, from both passes where the wording names the other side.

const TO = "TO_INTEGRATION_TABLE" as const;
const FROM = "FROM_INTEGRATION_TABLE" as const;
const agreed = snapshotOf("CUSTOMER", customer(), account());
const coupled = (over: Partial<NonNullable<DecideInput["coupling"]>> = {}): DecideInput["coupling"] => ({
  isSkipped: false,
  snapshot: agreed,
  lastResult: "SUCCESS",
  errorSignature: null,
  ...over,
});

function customerInput(over: Partial<DecideInput> = {}): DecideInput {
  return { pass: TO, mapping: policy("CUSTOMER"), fieldMappings: mapping("CUSTOMER").fieldMappings, erp: customer(), dataverse: account(), coupling: coupled(), resolveLookup: resolve, ...over };
}

function contactInput(over: Partial<DecideInput> = {}): DecideInput {
  const snapshot = snapshotOf("CONTACT", contact(), dvContact());
  return { pass: TO, mapping: policy("CONTACT"), fieldMappings: mapping("CONTACT").fieldMappings, erp: contact(), dataverse: dvContact(), coupling: coupled({ snapshot }), resolveLookup: resolve, ...over };
}

const currencyErp = { id: "11111111-0000-4000-8000-000000000001", code: "EUR", description: "Euro", symbol: "€" };
const currencyDv = { transactioncurrencyid: "e0e0e0e0-0000-4000-8000-000000000001", isocurrencycode: "EUR", currencyname: "Euro", currencysymbol: "€" };
const currencyInput = (over: Partial<DecideInput>): DecideInput => ({
  pass: TO,
  mapping: policy("CURRENCY"),
  fieldMappings: mapping("CURRENCY").fieldMappings,
  erp: currencyErp,
  dataverse: null,
  coupling: null,
  resolveLookup: resolve,
  ...over,
});
const restore = policy("CUSTOMER", { deletionConflictResolution: "RESTORE_RECORDS" });
const conflict = { erp: customer({ name: "Contoso GmbH", city: "Hamburg" }), dataverse: account({ name: "Contoso AG" }) };
const conflictInput = customerInput(conflict);
const firstConflict = decide(conflictInput);

const inputs: Record<string, DecideInput> = {
  skippedMarked: customerInput({ coupling: coupled({ isSkipped: true }) }),
  skippedMarkedFrom: customerInput({ pass: FROM, coupling: coupled({ isSkipped: true }) }),
  ignoredGone: customerInput({ coupling: null, erp: null, dataverse: null }),
  skippedNotCoupled: customerInput({ coupling: null, dataverse: null, bulk: true }),
  naturalMatch: currencyInput({ naturalMatch: { status: "one", id: currencyDv.transactioncurrencyid, record: currencyDv } }),
  naturalMatchUpdated: currencyInput({ naturalMatch: { status: "one", id: currencyDv.transactioncurrencyid, record: { ...currencyDv, currencysymbol: "EUR" } } }),
  matchesManyDataverse: currencyInput({ naturalMatch: { status: "many", count: 2, criterion: "isocurrencycode" } }),
  matchesManyErp: currencyInput({ pass: FROM, erp: null, dataverse: currencyDv, mapping: policy("CURRENCY", { direction: "BIDIRECTIONAL" }), naturalMatch: { status: "many", count: 2, criterion: "code" } }),
  ignoredSyncOnlyCoupled: customerInput({ coupling: null, dataverse: null }),
  createdDataverse: customerInput({ coupling: null, dataverse: null, mapping: policy("CUSTOMER", { syncOnlyCoupledRecords: false }) }),
  createdErp: customerInput({ pass: FROM, coupling: null, erp: null, mapping: policy("CUSTOMER", { syncOnlyCoupledRecords: false }) }),
  removedBothDeleted: customerInput({ erp: null, dataverse: null }),
  skippedTargetChanged: customerInput({ force: true, bulk: true, dataverse: account({ telephone1: "+49 30 9999" }) }),
  updatedForced: customerInput({ force: true, erp: customer({ city: "Hamburg" }) }),
  unchanged: customerInput({ force: true }),
  unchangedShort: customerInput({ erp: customer({ blocked: "NONE", updatedAt: new Date() }) }),
  updatedRecord: customerInput({ erp: customer({ city: "Hamburg" }) }),
  updatedRecordFrom: customerInput({ pass: FROM, dataverse: account({ telephone1: "+49 30 9999" }) }),
  coupledToDeletedDataverse: customerInput({ dataverse: null, force: true }),
  coupledToDeletedErp: customerInput({ pass: FROM, erp: null, force: true }),
  removedDataverseDeleted: customerInput({ dataverse: null, mapping: policy("CUSTOMER", { deletionConflictResolution: "REMOVE_COUPLING" }) }),
  removedErpDeleted: customerInput({ pass: FROM, erp: null, mapping: policy("CUSTOMER", { deletionConflictResolution: "REMOVE_COUPLING" }) }),
  cannotRestoreDataverse: {
    pass: FROM,
    mapping: policy("SALESPEOPLE", { deletionConflictResolution: "RESTORE_RECORDS" }),
    fieldMappings: mapping("SALESPEOPLE").fieldMappings,
    erp: salesperson(),
    dataverse: null,
    coupling: coupled({ snapshot: {} }),
    resolveLookup: resolve,
  },
  restoredDataverse: customerInput({ dataverse: null, mapping: restore }),
  restoredErp: customerInput({ pass: FROM, erp: null, mapping: restore }),
  deletedCounterpartDataverse: customerInput({ dataverse: null }),
  deletedCounterpartErp: customerInput({ pass: FROM, erp: null }),
  bothChanged: conflictInput,
  skippedTwice: customerInput({ ...conflict, coupling: coupled({ lastResult: "FAILURE", errorSignature: firstConflict.error!.signature }) }),
  updatedResolvedErp: customerInput({ ...conflict, mapping: policy("CUSTOMER", { updateConflictResolution: "SEND_UPDATE_TO_INTEGRATION" }) }),
  updatedResolvedDataverse: customerInput({ pass: FROM, ...conflict, mapping: policy("CUSTOMER", { updateConflictResolution: "GET_UPDATE_FROM_INTEGRATION" }) }),
  cannotSynchronizeRecord: customerInput({ erp: customer({ name: "x".repeat(161) }) }),
  waitingForParentErp: contactInput({
    erp: contact({ city: "Hamburg", customerId: "99999999-0000-4000-8000-000000000001" }),
    resolveLookup: lookupResolver([
      ...couplings,
      [{ mapping: "CUSTOMER", erpKey: "id", from: "erp", value: "99999999-0000-4000-8000-000000000001" }, { status: "notCoupled", parent: { noun: "customer", ref: "C00010" } }],
    ]),
  }),
  waitingForTwoParents: customerInput({
    erp: customer({ name: "Contoso Two", salespersonCode: "ZZ", currencyCode: "XXX" }),
    resolveLookup: lookupResolver([
      ...couplings,
      [{ mapping: "SALESPEOPLE", erpKey: "code", from: "erp", value: "ZZ" }, { status: "notCoupled", parent: { noun: "salesperson", ref: "ZZ" } }],
      [{ mapping: "CURRENCY", erpKey: "code", from: "erp", value: "XXX" }, { status: "notCoupled", parent: { noun: "currency", ref: "XXX" } }],
    ]),
  }),
  waitingForParentDataverse: contactInput({ pass: FROM, dataverse: dvContact({ parentcustomerid: UNCOUPLED_ACCOUNT_ID, jobtitle: "CEO" }) }),
};

const messagesOf = Object.entries(inputs).map(([name, input]) => {
  const decision = decide(input);
  return [name, decision.error?.message ?? decision.message] as const;
});

// English words of the engine's wordings that a translated message must not keep (record names, labels and values
// stay as stored; these are the sentences around them).
const ENGLISH = /\b(the|and|its|is|was|were|cannot|Skipped|Ignored|Removed|Updated|Unchanged|Created|Restored|Coupled|Couple|coupled|and updated|resolved|will be retried)\b/;

describe("synchronization engine wordings", () => {
  it("covers a message of every decision", () => {
    for (const [name, message] of messagesOf) expect(message, name).not.toBe("");
    expect(new Set(messagesOf.map(([, message]) => message)).size).toBe(messagesOf.length);
  });

  it.each(LOCALES.filter((l) => l !== "en"))("are all shown in %s", (locale) => {
    for (const [name, message] of messagesOf) {
      const shown = localizeEngineMessage(locale, message);
      expect(shown, `${locale}:${name}: ${message}`).not.toBe(message);
      expect(shown.replace(/'[^']*'/g, ""), `${locale}:${name}: ${shown}`).not.toMatch(ENGLISH);
    }
  });

  it("shows a skipped pair and a deleted counterpart in Italian with the nouns of the catalog", () => {
    const byName = Object.fromEntries(messagesOf);
    expect(byName.skippedMarkedFrom).toBe("Skipped: the Dataverse account 'Contoso Ltd' is marked as skipped. Use Retry or Synchronize on the errors page.");
    expect(localizeEngineMessage("it", byName.skippedMarkedFrom)).toBe(
      "Ignorato: il record account Dataverse 'Contoso Ltd' è contrassegnato come ignorato. Usare Riprova o Sincronizza nella pagina degli errori.",
    );
    expect(localizeEngineMessage("it", byName.skippedNotCoupled)).toBe("Ignorato: il record cliente C00010 non è associato. Impostare prima un'associazione.");
    expect(localizeEngineMessage("sv", byName.deletedCounterpartErp)).toBe(
      "Posten Dataverse-konto 'Contoso Ltd' kan inte synkroniseras eftersom den kopplade posten av typen kund har tagits bort i ERP. Återställ posten kund (Återställ poster), ta bort posten konto (Ta bort poster) eller ta bort kopplingen.",
    );
    expect(localizeEngineMessage("fr", byName.updatedResolvedErp)).toBe("Nom et Ville de l'enregistrement compte Dataverse 'Contoso AG' mis à jour. Conflit sur Nom résolu en faveur de l'ERP.");
    // Several parents: each one and the list itself in the language.
    expect(localizeEngineMessage("it", byName.waitingForTwoParents)).toBe(
      "Impossibile sincronizzare il record cliente C00010 perché venditore ZZ collegato non è associato e valuta XXX collegato non è associato. Associare prima il record venditore e il record valuta: il record cliente verrà ritentato automaticamente.",
    );
    expect(localizeEngineMessage("it", byName.waitingForParentErp)).toBe(
      "Impossibile sincronizzare il record contatto CT0001 perché cliente C00010 collegato non è associato. Associare prima il record cliente: il record contatto verrà ritentato automaticamente.",
    );
  });
});
