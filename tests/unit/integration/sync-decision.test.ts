import { describe, expect, it } from "vitest";
import { errorSignature } from "../../../lib/integration/error-signature.ts";
import { lookupResolver, type Snapshot } from "../../../lib/integration/field-transfer.ts";
import { decide, passesFor, recommendSyncDirection, type Decision, type DecideInput } from "../../../lib/integration/sync-decision.ts";
import {
  account,
  contact,
  couplings,
  customer,
  DV_CONTACT_ID,
  dvContact,
  EUR_ID,
  mapping,
  policy,
  resolve,
  salesperson,
  snapshotOf,
  UNCOUPLED_ACCOUNT_ID,
  USER_ID,
} from "./integration-fixtures.ts";

// SYNC-SEMANTICS.md "Per candidate", one case per row and policy. Each case builds a DecideInput from an agreed
// customer ↔ account pair (or contact ↔ contact pair), changes what the row is about, and checks the decision.

const TO = "TO_INTEGRATION_TABLE" as const;
const FROM = "FROM_INTEGRATION_TABLE" as const;

const agreed: Snapshot = snapshotOf("CUSTOMER", customer(), account());

function coupled(over: Partial<DecideInput["coupling"] & object> = {}): DecideInput["coupling"] {
  return { isSkipped: false, snapshot: agreed, lastResult: "SUCCESS", errorSignature: null, ...over };
}

function customerInput(over: Partial<DecideInput> = {}): DecideInput {
  return {
    pass: TO,
    mapping: policy("CUSTOMER"),
    fieldMappings: mapping("CUSTOMER").fieldMappings,
    erp: customer(),
    dataverse: account(),
    coupling: coupled(),
    resolveLookup: resolve,
    ...over,
  };
}

const contactSnapshot = snapshotOf("CONTACT", contact(), dvContact());

function contactInput(over: Partial<DecideInput> = {}): DecideInput {
  return {
    pass: TO,
    mapping: policy("CONTACT"),
    fieldMappings: mapping("CONTACT").fieldMappings,
    erp: contact(),
    dataverse: dvContact(),
    coupling: { isSkipped: false, snapshot: contactSnapshot, lastResult: "SUCCESS", errorSignature: null },
    resolveLookup: resolve,
    ...over,
  };
}

type Case = { name: string; input: DecideInput; expected: Partial<Decision> & Record<string, unknown>; check?: (d: Decision) => void };

const cases: Case[] = [
  {
    name: "row 1: a skipped coupling is left alone and counted as skipped",
    input: customerInput({ coupling: coupled({ isSkipped: true }), erp: customer({ city: "Hamburg" }) }),
    expected: { row: "1", outcome: "skip", counter: "skipped", writes: {} },
  },
  {
    name: "row 1, Force: even a manual sync leaves a skipped coupling alone",
    input: customerInput({ coupling: coupled({ isSkipped: true }), force: true }),
    expected: { row: "1", outcome: "skip", counter: "skipped" },
  },
  {
    name: "row 2: uncoupled currency with exactly one natural match is coupled, then forced",
    input: {
      pass: TO,
      mapping: policy("CURRENCY"),
      fieldMappings: mapping("CURRENCY").fieldMappings,
      erp: { id: "11111111-0000-4000-8000-000000000001", code: "EUR", description: "Euro", symbol: "€" },
      dataverse: null,
      coupling: null,
      naturalMatch: { status: "one", id: EUR_ID, record: { transactioncurrencyid: EUR_ID, isocurrencycode: "eur", currencyname: "Euro", currencysymbol: "EUR" } },
      resolveLookup: resolve,
    },
    expected: { row: "2", outcome: "couple", counter: "modified", matchedId: EUR_ID, writeSide: "dataverse" },
    check: (d) => {
      expect(d.writes).toEqual({ isocurrencycode: "EUR", currencysymbol: "€" });
      expect(d.snapshot?.["code:isocurrencycode"]).toEqual({ e: "EUR", d: "EUR" });
    },
  },
  {
    name: "row 2, ambiguous: several natural matches are never coupled",
    input: {
      pass: TO,
      mapping: policy("CURRENCY"),
      fieldMappings: mapping("CURRENCY").fieldMappings,
      erp: { id: "11111111-0000-4000-8000-000000000001", code: "EUR", description: "Euro", symbol: "€" },
      dataverse: null,
      coupling: null,
      naturalMatch: { status: "many", count: 2, criterion: "isocurrencycode" },
      resolveLookup: resolve,
    },
    expected: { row: "2", outcome: "fail", counter: "failed", matchedId: null },
    check: (d) => expect(d.error?.message).toBe("The currency EUR matches 2 Dataverse currency records by isocurrencycode, so it cannot be coupled automatically. Couple it to the right one with Set Up Coupling."),
  },
  {
    name: "row 3: uncoupled with Sync Only Coupled Records on is ignored, not failed",
    input: customerInput({ coupling: null, dataverse: null }),
    expected: { row: "3", outcome: "ignore", counter: null, error: null },
  },
  {
    name: "row 3, From pass: an uncoupled account is ignored",
    input: customerInput({ pass: FROM, coupling: null, erp: null }),
    expected: { row: "3", outcome: "ignore", counter: null },
  },
  {
    name: "row 4: uncoupled with Sync Only Coupled Records off creates the account with every mapped value",
    input: customerInput({ coupling: null, dataverse: null, mapping: policy("CUSTOMER", { syncOnlyCoupledRecords: false }) }),
    expected: { row: "4", outcome: "insert", counter: "inserted", writeSide: "dataverse" },
    check: (d) => {
      expect(d.writes).toEqual({
        ownerid: USER_ID,
        name: "Contoso Ltd",
        address1_line1: "Main Street 1",
        address1_postalcode: "10115",
        address1_city: "Berlin",
        address1_country: "DE",
        transactioncurrencyid: EUR_ID,
        emailaddress1: "info@contoso.example",
        telephone1: "+49 30 1234",
        creditlimit: 2500.5,
      });
      expect(d.snapshot?.["name:name"]).toEqual({ e: "Contoso Ltd", d: "Contoso Ltd" });
      expect(d.snapshot?.["salespersonCode:ownerid"]).toEqual({ e: "JR", d: USER_ID });
    },
  },
  {
    name: "row 4, override: a manual run creates even with Sync Only Coupled Records on",
    input: customerInput({ coupling: null, dataverse: null, overrideSyncOnlyCoupled: true }),
    expected: { row: "4", outcome: "insert", counter: "inserted" },
  },
  {
    name: "row 4, From pass: an uncoupled account creates the customer",
    input: customerInput({ pass: FROM, coupling: null, erp: null, mapping: policy("CUSTOMER", { syncOnlyCoupledRecords: false }) }),
    expected: { row: "4", outcome: "insert", counter: "inserted", writeSide: "erp" },
    check: (d) => {
      expect(d.writes).toMatchObject({ name: "Contoso Ltd", city: "Berlin", currencyCode: "EUR", countryRegionCode: "DE" });
      expect(d.writes).not.toHaveProperty("salespersonCode");
      expect(d.writes).not.toHaveProperty("creditLimit");
    },
  },
  {
    name: "row 5, policy None: the account was deleted → deletion conflict",
    input: customerInput({ dataverse: null }),
    expected: { row: "5", outcome: "fail", counter: "failed", offeredActions: ["restore", "delete", "removeCoupling"] },
    check: (d) => {
      expect(d.error?.class).toBe("DELETION_CONFLICT");
      expect(d.error?.message).toBe(
        "The customer C00010 cannot be synchronized because the Dataverse account it is coupled to was deleted. Restore the account (Restore Records), delete the customer (Delete Records), or remove the coupling.",
      );
    },
  },
  {
    name: "row 5, policy Restore Records: the account is recreated and recoupled",
    input: customerInput({ dataverse: null, mapping: policy("CUSTOMER", { deletionConflictResolution: "RESTORE_RECORDS" }) }),
    expected: { row: "5", outcome: "restore", counter: "inserted", writeSide: "dataverse" },
    check: (d) => expect(d.writes).toMatchObject({ name: "Contoso Ltd", address1_city: "Berlin" }),
  },
  {
    name: "row 5, policy Remove Coupling: the coupling is removed, nothing is written",
    input: customerInput({ dataverse: null, mapping: policy("CUSTOMER", { deletionConflictResolution: "REMOVE_COUPLING" }) }),
    expected: { row: "5", outcome: "uncouple", counter: "uncoupled", writes: {}, error: null },
  },
  {
    name: "row 5, From pass, policy None: the customer was deleted in the ERP",
    input: customerInput({ pass: FROM, erp: null }),
    expected: { row: "5", outcome: "fail", counter: "failed" },
    check: (d) =>
      expect(d.error?.message).toBe(
        "The Dataverse account 'Contoso Ltd' cannot be synchronized because the customer it is coupled to was deleted in the ERP. Restore the customer (Restore Records), delete the account (Delete Records), or remove the coupling.",
      ),
  },
  {
    name: "row 5, From pass, policy Restore Records: the deleted customer is recreated from the account",
    input: customerInput({ pass: FROM, erp: null, mapping: policy("CUSTOMER", { deletionConflictResolution: "RESTORE_RECORDS" }) }),
    expected: { row: "5", outcome: "restore", counter: "inserted", writeSide: "erp" },
    check: (d) => expect(d.writes).toMatchObject({ name: "Contoso Ltd", currencyCode: "EUR" }),
  },
  {
    name: "row 5, deletion seen in the delta link (From pass, account gone), policy Restore Records: restored from the customer",
    input: customerInput({ pass: FROM, dataverse: null, mapping: policy("CUSTOMER", { deletionConflictResolution: "RESTORE_RECORDS" }) }),
    expected: { row: "5", outcome: "restore", counter: "inserted", writeSide: "dataverse" },
  },
  {
    name: "row 5, policy Restore Records on a From-only mapping: cannot restore the user, says what to do",
    input: {
      pass: FROM,
      mapping: policy("SALESPEOPLE", { deletionConflictResolution: "RESTORE_RECORDS" }),
      fieldMappings: mapping("SALESPEOPLE").fieldMappings,
      erp: salesperson(),
      dataverse: null,
      coupling: { isSkipped: false, snapshot: {}, lastResult: "SUCCESS", errorSignature: null },
      resolveLookup: resolve,
    },
    expected: { row: "5", outcome: "fail", counter: "failed", offeredActions: ["delete", "removeCoupling"] },
    check: (d) => expect(d.error?.message).toContain("cannot be restored because the mapping SALESPEOPLE does not send data to Dataverse"),
  },
  {
    name: "row 5, both records gone: the stale coupling is removed",
    input: customerInput({ erp: null, dataverse: null }),
    expected: { row: "both-missing", outcome: "uncouple", counter: "uncoupled" },
  },
  {
    name: "row 6: Force on a pair whose account was deleted fails with Restore/Delete offered, whatever the policy",
    input: customerInput({ dataverse: null, force: true, mapping: policy("CUSTOMER", { deletionConflictResolution: "REMOVE_COUPLING" }) }),
    expected: { row: "6", outcome: "fail", counter: "failed", offeredActions: ["restore", "delete", "removeCoupling"] },
    check: (d) => {
      expect(d.error?.class).toBe("DELETION_CONFLICT");
      expect(d.error?.message).toBe(
        "The customer C00010 is coupled to a Dataverse account that was deleted. Use Restore Records to recreate the account, or Delete Records to delete the customer.",
      );
    },
  },
  {
    name: "row 7: nothing mapped changed → unchanged, versions may be refreshed",
    input: customerInput({ erp: customer({ blocked: "NONE", updatedAt: new Date() }) }),
    expected: { row: "7", outcome: "unchanged", counter: "unchanged", writes: {}, refresh: { erpVersion: true, dataverseVersion: true }, needsOppositePass: false },
  },
  {
    name: "row 7: only the account changed → the To pass writes nothing and leaves it to the From pass",
    input: customerInput({ dataverse: account({ telephone1: "+49 30 9999" }) }),
    expected: { row: "7", outcome: "unchanged", counter: "unchanged", writes: {}, refresh: { erpVersion: true, dataverseVersion: false }, needsOppositePass: true },
  },
  {
    name: "row 7, From pass: only the customer changed → the From pass writes nothing",
    input: customerInput({ pass: FROM, erp: customer({ city: "Hamburg" }) }),
    expected: { row: "7", outcome: "unchanged", writes: {}, needsOppositePass: true },
  },
  {
    name: "row 8: the customer's city changed → only that field is written and its base moves",
    input: customerInput({ erp: customer({ city: "Hamburg" }) }),
    expected: { row: "8", outcome: "update", counter: "modified", writeSide: "dataverse", writes: { address1_city: "Hamburg" } },
    check: (d) => {
      expect(d.snapshot?.["city:address1_city"]).toEqual({ e: "Hamburg", d: "Hamburg" });
      expect(d.message).toBe("Updated City of the Dataverse account 'Contoso Ltd'.");
    },
  },
  {
    name: "row 8: fields changed only in Dataverse stay for the From pass",
    input: customerInput({ erp: customer({ city: "Hamburg" }), dataverse: account({ telephone1: "+49 30 9999" }) }),
    expected: { row: "8", counter: "modified", writes: { address1_city: "Hamburg" }, needsOppositePass: true },
    check: (d) => expect(d.snapshot?.["phoneNo:telephone1"]).toEqual(agreed["phoneNo:telephone1"]),
  },
  {
    name: "row 8, From pass: the account's phone changed → written to the customer",
    input: customerInput({ pass: FROM, dataverse: account({ telephone1: "+49 30 9999" }) }),
    expected: { row: "8", outcome: "update", counter: "modified", writeSide: "erp", writes: { phoneNo: "+49 30 9999" } },
  },
  {
    name: "row 8: both sides changed a field to the same value → no conflict, nothing to write, base updated",
    input: customerInput({ erp: customer({ name: "Contoso GmbH" }), dataverse: account({ name: "Contoso GmbH" }) }),
    expected: { row: "8", outcome: "unchanged", counter: "unchanged", writes: {}, error: null },
    check: (d) => expect(d.snapshot?.["name:name"]).toEqual({ e: "Contoso GmbH", d: "Contoso GmbH" }),
  },
  {
    name: "row 8: a To-only field changed on both sides is not a conflict (ERP writes it)",
    input: customerInput({ erp: customer({ creditLimit: 9000 }), dataverse: account({ creditlimit: 100 }) }),
    expected: { row: "8", counter: "modified", writes: { creditlimit: 9000 }, error: null },
  },
  {
    name: "row 9, policy None: Name changed on both sides → conflict, nothing written, both versions listed",
    input: customerInput({ erp: customer({ name: "Contoso GmbH", city: "Hamburg" }), dataverse: account({ name: "Contoso AG" }) }),
    expected: { row: "9", outcome: "fail", counter: "failed", writes: {} },
    check: (d) => {
      expect(d.error?.class).toBe("CONFLICT");
      expect(d.error?.message).toBe(
        "The customer C00010 and the Dataverse account 'Contoso AG' were both changed since the last synchronization, with different values for Name. Choose the version to keep with Synchronize on the errors page, or set the mapping's update-conflict resolution and use Retry All.",
      );
      expect(d.conflicts).toEqual([
        {
          key: "name:name",
          erpField: "name",
          dataverseAttribute: "name",
          label: "Name",
          dataverseLabel: "account.name",
          base: { e: "Contoso Ltd", d: "Contoso Ltd" },
          erp: "Contoso GmbH",
          dataverse: "Contoso AG",
        },
      ]);
    },
  },
  {
    name: "row 9, policy Send: ERP wins — the To pass writes the conflicting field too",
    input: customerInput({
      erp: customer({ name: "Contoso GmbH", city: "Hamburg" }),
      dataverse: account({ name: "Contoso AG" }),
      mapping: policy("CUSTOMER", { updateConflictResolution: "SEND_UPDATE_TO_INTEGRATION" }),
    }),
    expected: { row: "9", outcome: "update", counter: "modified", writes: { name: "Contoso GmbH", address1_city: "Hamburg" }, error: null },
    check: (d) => {
      expect(d.snapshot?.["name:name"]).toEqual({ e: "Contoso GmbH", d: "Contoso GmbH" });
      expect(d.conflicts).toHaveLength(1);
    },
  },
  {
    name: "row 9, policy Get: Dataverse wins — the To pass writes everything else and leaves Name's base for the From pass",
    input: customerInput({
      erp: customer({ name: "Contoso GmbH", city: "Hamburg" }),
      dataverse: account({ name: "Contoso AG" }),
      mapping: policy("CUSTOMER", { updateConflictResolution: "GET_UPDATE_FROM_INTEGRATION" }),
    }),
    expected: { row: "9", outcome: "update", counter: "modified", writes: { address1_city: "Hamburg" }, needsOppositePass: true },
    check: (d) => expect(d.snapshot?.["name:name"]).toEqual({ e: "Contoso Ltd", d: "Contoso Ltd" }),
  },
  {
    name: "row 9, From pass, policy Get: Dataverse wins — the From pass writes the conflicting field",
    input: customerInput({
      pass: FROM,
      erp: customer({ name: "Contoso GmbH" }),
      dataverse: account({ name: "Contoso AG" }),
      mapping: policy("CUSTOMER", { updateConflictResolution: "GET_UPDATE_FROM_INTEGRATION" }),
    }),
    expected: { row: "9", outcome: "update", counter: "modified", writeSide: "erp", writes: { name: "Contoso AG" } },
    check: (d) => expect(d.snapshot?.["name:name"]).toEqual({ e: "Contoso AG", d: "Contoso AG" }),
  },
  {
    name: "row 9, From pass, policy Send: ERP wins — the From pass leaves the conflicting field alone",
    input: customerInput({
      pass: FROM,
      erp: customer({ name: "Contoso GmbH" }),
      dataverse: account({ name: "Contoso AG", telephone1: "+49 30 9999" }),
      mapping: policy("CUSTOMER", { updateConflictResolution: "SEND_UPDATE_TO_INTEGRATION" }),
    }),
    expected: { row: "9", outcome: "update", writeSide: "erp", writes: { phoneNo: "+49 30 9999" } },
  },
  {
    name: "row 9, From pass, policy None: the same conflict fails the From pass too",
    input: customerInput({ pass: FROM, erp: customer({ name: "Contoso GmbH" }), dataverse: account({ name: "Contoso AG" }) }),
    expected: { row: "9", outcome: "fail", counter: "failed" },
  },
  {
    name: "row 9 does not apply to a one-direction mapping: ERP simply wins",
    input: customerInput({
      erp: customer({ name: "Contoso GmbH" }),
      dataverse: account({ name: "Contoso AG" }),
      mapping: policy("CUSTOMER", { direction: "TO_INTEGRATION_TABLE" }),
    }),
    expected: { row: "8", outcome: "update", writes: { name: "Contoso GmbH" }, error: null },
  },
  {
    name: "row 10: Force writes every field of the pass that differs, even when the snapshot says unchanged",
    input: customerInput({ dataverse: account({ telephone1: "+49 30 9999", name: "Contoso AG" }), force: true }),
    expected: { row: "10", outcome: "update", counter: "modified", writes: { name: "Contoso Ltd", telephone1: "+49 30 1234" } },
    check: (d) => expect(d.snapshot?.["phoneNo:telephone1"]).toEqual({ e: "+49 30 1234", d: "+49 30 1234" }),
  },
  {
    name: "row 10: Force skips the conflict check (policy None)",
    input: customerInput({ erp: customer({ name: "Contoso GmbH" }), dataverse: account({ name: "Contoso AG" }), force: true }),
    expected: { row: "10", outcome: "update", writes: { name: "Contoso GmbH" }, error: null },
  },
  {
    name: "row 10, From pass: Force gets every From/Bi field that differs",
    input: customerInput({ pass: FROM, dataverse: account({ address1_city: "Potsdam" }), erp: customer({ phoneNo: "+49 1" }), force: true }),
    expected: { row: "10", outcome: "update", writeSide: "erp", writes: { city: "Potsdam", phoneNo: "+49 30 1234" } },
  },
  {
    name: "row 10: Force with nothing different → unchanged",
    input: customerInput({ force: true }),
    expected: { row: "10", outcome: "unchanged", counter: "unchanged", writes: {} },
  },
  {
    name: "row 11: the contact's customer is not coupled → waiting for parent, naming the parent",
    input: contactInput({
      erp: contact({ city: "Hamburg", customerId: "99999999-0000-4000-8000-000000000001" }),
      resolveLookup: lookupResolver([
        ...couplings,
        [{ mapping: "CUSTOMER", erpKey: "id", from: "erp", value: "99999999-0000-4000-8000-000000000001" }, { status: "notCoupled", parent: { noun: "customer", ref: "C00010" } }],
      ]),
    }),
    expected: { row: "11", outcome: "fail", counter: "failed", writes: {} },
    check: (d) => {
      expect(d.error?.class).toBe("WAITING_FOR_PARENT");
      expect(d.error?.message).toBe(
        "The contact CT0001 cannot be synchronized because its customer C00010 is not coupled. Couple the customer first — the contact will be retried automatically.",
      );
      expect(d.error?.waitingFor).toEqual(["CUSTOMER"]);
    },
  },
  {
    name: "row 11, From pass: the contact's account is not coupled → waiting for parent",
    input: contactInput({ pass: FROM, dataverse: dvContact({ parentcustomerid: UNCOUPLED_ACCOUNT_ID, jobtitle: "CEO" }) }),
    expected: { row: "11", outcome: "fail", counter: "failed" },
    check: (d) =>
      expect(d.error?.message).toBe(
        `The Dataverse contact 'Jane Doe' cannot be synchronized because its account ${UNCOUPLED_ACCOUNT_ID} is not coupled. Couple the account first — the Dataverse contact will be retried automatically.`,
      ),
  },
  {
    name: "row 11, Clear Value on Failed Sync: an uncoupled primary contact is written empty, the rest goes through",
    input: customerInput({
      coupling: coupled({ snapshot: { ...agreed, "primaryContactNo:primarycontactid": { e: "CT0001", d: DV_CONTACT_ID } } }),
      erp: customer({ primaryContactNo: "CT0099", city: "Hamburg" }),
      dataverse: account({ primarycontactid: DV_CONTACT_ID }),
    }),
    expected: { row: "8", outcome: "update", counter: "modified", writes: { primarycontactid: null, address1_city: "Hamburg" }, error: null },
    check: (d) => {
      expect(d.clearedLookups).toEqual([{ key: "primaryContactNo:primarycontactid", mapping: "CONTACT", parent: "contact CT0099" }]);
      expect(d.snapshot?.["primaryContactNo:primarycontactid"]).toEqual({ e: null, d: null });
    },
  },
  {
    name: "row 11, Clear Value on Failed Sync: once the contact is coupled, the next run sends it",
    input: customerInput({
      coupling: coupled({ snapshot: { ...agreed, "primaryContactNo:primarycontactid": { e: null, d: null } } }),
      erp: customer({ primaryContactNo: "CT0099" }),
      resolveLookup: lookupResolver([...couplings, [{ mapping: "CONTACT", erpKey: "no", from: "erp", value: "CT0099" }, { status: "coupled", value: DV_CONTACT_ID }]]),
    }),
    expected: { row: "8", outcome: "update", writes: { primarycontactid: DV_CONTACT_ID } },
  },
  {
    name: "Not Null: a customer without a coupled salesperson keeps the account's owner",
    input: customerInput({ erp: customer({ salespersonCode: "", city: "Hamburg" }) }),
    expected: { row: "8", writes: { address1_city: "Hamburg" } },
  },
  {
    name: "transfer: a name too long for account.name is a permanent error naming the field and the limit",
    input: customerInput({ erp: customer({ name: "x".repeat(161) }) }),
    expected: { row: "transfer", outcome: "fail", counter: "failed", writes: {} },
    check: (d) => {
      expect(d.error?.class).toBe("PERMANENT");
      expect(d.error?.message).toBe(
        "The customer C00010 cannot be synchronized: Name is 161 characters long, but the Dataverse column account.name allows at most 160. Shorten the value in the ERP — the record is retried automatically when it changes.",
      );
    },
  },
  {
    name: "bulk Synchronize Now (Send): an account changed since the last sync is skipped and counted, never overwritten",
    input: customerInput({ force: true, bulk: true, dataverse: account({ telephone1: "+49 30 9999" }) }),
    expected: { row: "bulk", outcome: "skip", counter: "skipped", writes: {} },
  },
  {
    name: "bulk Synchronize Now (Get): a customer changed since the last sync is skipped",
    input: customerInput({ pass: FROM, force: true, bulk: true, erp: customer({ city: "Hamburg" }) }),
    expected: { row: "bulk", outcome: "skip", counter: "skipped" },
  },
  {
    name: "bulk Synchronize Now: an unchanged target is written with Force",
    input: customerInput({ force: true, bulk: true, erp: customer({ city: "Hamburg" }) }),
    expected: { row: "10", outcome: "update", writes: { address1_city: "Hamburg" } },
  },
  {
    name: "bulk Synchronize Now: an uncoupled record is skipped and counted",
    input: customerInput({ force: true, bulk: true, coupling: null, dataverse: null }),
    expected: { row: "bulk", outcome: "skip", counter: "skipped" },
  },
];

describe("decide: SYNC-SEMANTICS per-candidate rows", () => {
  for (const c of cases) {
    it(c.name, () => {
      const d = decide(c.input);
      expect(d).toMatchObject(c.expected);
      c.check?.(d);
    });
  }
});

describe("decide: skipped rule (a retry failing with the same error as the attempt before)", () => {
  const conflictInput = customerInput({ erp: customer({ name: "Contoso GmbH" }), dataverse: account({ name: "Contoso AG" }) });
  const first = decide(conflictInput);

  const skipCases: { name: string; coupling: DecideInput["coupling"]; input?: DecideInput; counter: string; cls: string; markSkipped: boolean }[] = [
    {
      name: "same error after a failure → skipped, counted as skipped",
      coupling: coupled({ lastResult: "FAILURE", errorSignature: first.error!.signature }),
      counter: "skipped",
      cls: "SKIPPED",
      markSkipped: true,
    },
    {
      name: "a different error after a failure → failed",
      coupling: coupled({ lastResult: "FAILURE", errorSignature: errorSignature("something else", "PERMANENT") }),
      counter: "failed",
      cls: "CONFLICT",
      markSkipped: false,
    },
    {
      name: "the same error after a success → failed",
      coupling: coupled({ lastResult: "SUCCESS", errorSignature: first.error!.signature }),
      counter: "failed",
      cls: "CONFLICT",
      markSkipped: false,
    },
  ];
  for (const c of skipCases) {
    it(c.name, () => {
      const d = decide({ ...conflictInput, coupling: c.coupling });
      expect(d.counter).toBe(c.counter);
      expect(d.error?.class).toBe(c.cls);
      expect(d.error?.causeClass).toBe("CONFLICT");
      expect(d.error?.markSkipped).toBe(c.markSkipped);
      expect(d.error?.signature).toBe(first.error!.signature);
    });
  }

  it("waiting for parent is never skipped: it is retried when the parent couples", () => {
    const input = contactInput({ pass: FROM, dataverse: dvContact({ parentcustomerid: UNCOUPLED_ACCOUNT_ID }) });
    const once = decide(input);
    const twice = decide({ ...input, coupling: { ...input.coupling!, lastResult: "FAILURE", errorSignature: once.error!.signature } });
    expect(twice.counter).toBe("failed");
    expect(twice.error?.class).toBe("WAITING_FOR_PARENT");
    expect(twice.error?.markSkipped).toBe(false);
  });

  it("the skipped message still says what failed and what to do", () => {
    const d = decide({ ...conflictInput, coupling: coupled({ lastResult: "FAILURE", errorSignature: first.error!.signature }) });
    expect(d.error?.message).toBe(`${first.error!.message} It failed the same way twice, so it is skipped until you use Retry or Synchronize on the errors page.`);
  });
});

describe("decide: echo suppression by value", () => {
  it("after a To write, the From pass over the echoed account writes nothing", () => {
    const to = decide(customerInput({ erp: customer({ city: "Hamburg", name: "Contoso GmbH" }) }));
    expect(to.outcome).toBe("update");
    const echoed = account({ ...to.writes });
    const from = decide(customerInput({ pass: FROM, erp: customer({ city: "Hamburg", name: "Contoso GmbH" }), dataverse: echoed, coupling: coupled({ snapshot: to.snapshot }) }));
    expect(from).toMatchObject({ row: "7", outcome: "unchanged", writes: {}, refresh: { erpVersion: true, dataverseVersion: true } });
  });

  it("after a From write with a code field, the To pass does not bounce the upper-cased value back", () => {
    const from = decide(customerInput({ pass: FROM, dataverse: account({ address1_country: "fr" }) }));
    expect(from.writes).toEqual({ countryRegionCode: "FR" });
    const to = decide(customerInput({ erp: customer({ countryRegionCode: "FR" }), dataverse: account({ address1_country: "fr" }), coupling: coupled({ snapshot: from.snapshot }) }));
    expect(to).toMatchObject({ row: "7", outcome: "unchanged", writes: {} });
  });

  it("a Bidirectional run with a Get-resolved conflict converges: To leaves Name, From takes D's Name, the next To is unchanged", () => {
    const p = policy("CUSTOMER", { updateConflictResolution: "GET_UPDATE_FROM_INTEGRATION" });
    const erp = customer({ name: "Contoso GmbH" });
    const dv = account({ name: "Contoso AG" });
    const to = decide(customerInput({ mapping: p, erp, dataverse: dv }));
    const from = decide(customerInput({ mapping: p, pass: FROM, erp, dataverse: dv, coupling: coupled({ snapshot: to.snapshot ?? agreed }) }));
    expect(from.writes).toEqual({ name: "Contoso AG" });
    const next = decide(customerInput({ mapping: p, erp: customer({ name: "Contoso AG" }), dataverse: dv, coupling: coupled({ snapshot: from.snapshot }) }));
    expect(next).toMatchObject({ outcome: "unchanged", writes: {} });
  });

  it("a field mapping added later (no base) is sent by the To pass, never reported as a conflict", () => {
    const { ["city:address1_city"]: _dropped, ...withoutCity } = agreed;
    const d = decide(customerInput({ dataverse: account({ address1_city: "Potsdam" }), coupling: coupled({ snapshot: withoutCity }) }));
    expect(d).toMatchObject({ row: "8", writes: { address1_city: "Berlin" }, error: null });
  });
});

describe("decide: guard", () => {
  it("refuses a pass the mapping does not have (a bug in the caller, not a record failure)", () => {
    expect(() => decide({ ...customerInput(), mapping: policy("CURRENCY"), pass: FROM, fieldMappings: mapping("CURRENCY").fieldMappings })).toThrow(/has no FROM_INTEGRATION_TABLE pass/);
  });
});

describe("recommendSyncDirection: Synchronize Now for one record", () => {
  const base = { mapping: policy("CUSTOMER"), fieldMappings: mapping("CUSTOMER").fieldMappings, snapshot: agreed, resolveLookup: resolve };
  const rows: { name: string; erp: Record<string, unknown>; dv: Record<string, unknown>; mappingOver?: object; expected: object }[] = [
    { name: "only the customer changed → Send", erp: customer({ city: "Hamburg" }), dv: account(), expected: { recommended: "send", erpChanged: true, dataverseChanged: false } },
    { name: "only the account changed → Get", erp: customer(), dv: account({ name: "Contoso AG" }), expected: { recommended: "get", erpChanged: false, dataverseChanged: true } },
    { name: "both changed → Merge, conflicts listed", erp: customer({ name: "X" }), dv: account({ name: "Y" }), expected: { recommended: "merge", conflicts: [expect.objectContaining({ key: "name:name" })] } },
    { name: "neither changed → Merge offered, nothing newer", erp: customer(), dv: account(), expected: { recommended: "merge", erpChanged: false, dataverseChanged: false } },
    {
      name: "To-only mapping with a newer account → Send only, confirm overwrite",
      erp: customer(),
      dv: account({ name: "Contoso AG" }),
      mappingOver: { direction: "TO_INTEGRATION_TABLE" },
      expected: { options: ["send"], recommended: "send", targetIsNewer: true },
    },
  ];
  for (const r of rows) {
    it(r.name, () => {
      expect(recommendSyncDirection({ ...base, mapping: policy("CUSTOMER", r.mappingOver ?? {}), erp: r.erp, dataverse: r.dv })).toMatchObject(r.expected);
    });
  }

  it("Merge runs the To pass then the From pass", () => {
    expect(passesFor("merge")).toEqual(["TO_INTEGRATION_TABLE", "FROM_INTEGRATION_TABLE"]);
    expect(passesFor("send")).toEqual(["TO_INTEGRATION_TABLE"]);
    expect(passesFor("get")).toEqual(["FROM_INTEGRATION_TABLE"]);
  });
});

