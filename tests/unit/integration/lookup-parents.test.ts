import { describe, expect, it } from "vitest";
import { CLEARED_LOOKUPS_KEY, clearedMarks, lookupResolver, parseSnapshot, withClearedMarks, type Snapshot } from "../../../lib/integration/field-transfer.ts";
import { decide } from "../../../lib/integration/sync-decision.ts";
import { account, couplings, customer, mapping, policy, snapshotOf } from "./integration-fixtures.ts";

// Lookups whose parent is not coupled: the cleared-lookup marks kept beside the snapshot (Clear Value on Failed Sync),
// and waiting-for-parent messages that carry the I/O layer's advice.

const TO = "TO_INTEGRATION_TABLE" as const;
const FROM = "FROM_INTEGRATION_TABLE" as const;
const PRIMARY = "primaryContactNo:primarycontactid";

describe("cleared-lookup marks", () => {
  const base: Snapshot = { "name:name": { e: "Contoso", d: "Contoso" }, [PRIMARY]: { e: null, d: null } };

  it("marks a lookup cleared by a pass, beside the entries, and parseSnapshot ignores the mark", () => {
    const stored = withClearedMarks(base, {}, [PRIMARY], TO);
    expect(stored[CLEARED_LOOKUPS_KEY]).toEqual({ [PRIMARY]: TO });
    expect(stored[PRIMARY]).toEqual({ e: null, d: null });
    expect(parseSnapshot(stored)).toEqual(base);
    expect(clearedMarks(stored)).toEqual({ [PRIMARY]: TO });
  });

  it("keeps an earlier mark while the field is still blank on both sides, drops it once a value was agreed", () => {
    expect(withClearedMarks(base, { [PRIMARY]: FROM }, [], TO)[CLEARED_LOOKUPS_KEY]).toEqual({ [PRIMARY]: FROM });
    const sent = { ...base, [PRIMARY]: { e: "CT0099", d: "d0d0d0d0-0000-4000-8000-000000000001" } };
    expect(withClearedMarks(sent, { [PRIMARY]: TO }, [], TO)).toEqual(sent);
  });

  it("drops an earlier mark whose source no longer holds a value (emptied meanwhile: nothing left to send)", () => {
    expect(withClearedMarks(base, { [PRIMARY]: TO }, [], TO, () => false)).toEqual(base);
    expect(withClearedMarks(base, { [PRIMARY]: TO }, [PRIMARY], TO, () => false)[CLEARED_LOOKUPS_KEY]).toEqual({ [PRIMARY]: TO });
  });

  it("reads no marks from a snapshot without them or with garbage", () => {
    expect(clearedMarks({})).toEqual({});
    expect(clearedMarks(null)).toEqual({});
    expect(clearedMarks({ [CLEARED_LOOKUPS_KEY]: { [PRIMARY]: "sideways", other: TO } })).toEqual({ other: TO });
  });

  it("the decision reports the lookup it cleared, so the pass can mark it", () => {
    const d = decide({
      pass: TO,
      mapping: policy("CUSTOMER"),
      fieldMappings: mapping("CUSTOMER").fieldMappings,
      erp: customer({ primaryContactNo: "CT0099" }),
      dataverse: account(),
      coupling: { isSkipped: false, snapshot: snapshotOf("CUSTOMER", customer(), account()), lastResult: "SUCCESS", errorSignature: null },
      resolveLookup: lookupResolver(couplings),
    });
    expect(d.clearedLookups.map((c) => c.key)).toEqual([PRIMARY]);
    expect(clearedMarks(withClearedMarks(d.snapshot!, {}, d.clearedLookups.map((c) => c.key), TO))).toEqual({ [PRIMARY]: TO });
  });
});

describe("waiting-for-parent messages", () => {
  it("name the parent by its human key and pass on the advice of the lookup's answer", () => {
    const dvCurrency = "f0f0f0f0-0000-4000-8000-000000000077";
    const d = decide({
      pass: FROM,
      mapping: policy("CUSTOMER", { syncOnlyCoupledRecords: false }),
      fieldMappings: mapping("CUSTOMER").fieldMappings,
      erp: null,
      dataverse: account({ transactioncurrencyid: dvCurrency }),
      coupling: null,
      resolveLookup: lookupResolver([
        ...couplings,
        [
          { mapping: "CURRENCY", erpKey: "code", from: "dataverse", value: dvCurrency },
          {
            status: "notCoupled",
            parent: { noun: "Dataverse currency", ref: "CHF", advice: "create the currency CHF in the ERP (the CURRENCY mapping couples it by its code)" },
          },
        ],
      ]),
    });
    expect(d.error?.class).toBe("WAITING_FOR_PARENT");
    expect(d.error?.message).toBe(
      "The Dataverse account 'Contoso Ltd' cannot be synchronized because its Dataverse currency CHF is not coupled. Create the currency CHF in the ERP (the CURRENCY mapping couples it by its code) — the Dataverse account will be retried automatically.",
    );
    expect(d.error?.message).not.toContain(dvCurrency);
    expect(d.error?.waitingFor).toEqual(["CURRENCY"]);
  });

  it("combine plain parents and advised ones", () => {
    const d = decide({
      pass: TO,
      mapping: policy("CUSTOMER", { syncOnlyCoupledRecords: false }),
      fieldMappings: mapping("CUSTOMER").fieldMappings,
      erp: customer({ currencyCode: "CHF", salespersonCode: "ZZ" }),
      dataverse: null,
      coupling: null,
      resolveLookup: lookupResolver([
        [{ mapping: "SALESPEOPLE", erpKey: "code", from: "erp", value: "ZZ" }, { status: "notCoupled", parent: { noun: "salesperson", ref: "ZZ" } }],
        [{ mapping: "CURRENCY", erpKey: "code", from: "erp", value: "CHF" }, { status: "notCoupled", parent: { noun: "currency", ref: "CHF", advice: "couple the currency CHF first (Dataverse has none with that code)" } }],
      ]),
    });
    expect(d.error?.message).toBe(
      "The customer C00010 cannot be synchronized because its salesperson ZZ is not coupled and its currency CHF is not coupled. Couple the salesperson first; couple the currency CHF first (Dataverse has none with that code) — the customer will be retried automatically.",
    );
  });
});
