import en from "../messages/en.json" with { type: "json" };
import fr from "../messages/fr.json" with { type: "json" };
import it from "../messages/it.json" with { type: "json" };
import integrationEn from "../messages/integration/en.json" with { type: "json" };
import integrationFr from "../messages/integration/fr.json" with { type: "json" };
import integrationIt from "../messages/integration/it.json" with { type: "json" };
import integrationSv from "../messages/integration/sv.json" with { type: "json" };
import recordsEn from "../messages/records/en.json" with { type: "json" };
import recordsFr from "../messages/records/fr.json" with { type: "json" };
import recordsIt from "../messages/records/it.json" with { type: "json" };
import recordsSv from "../messages/records/sv.json" with { type: "json" };
import serverEn from "../messages/server/en.json" with { type: "json" };
import serverFr from "../messages/server/fr.json" with { type: "json" };
import serverIt from "../messages/server/it.json" with { type: "json" };
import serverSv from "../messages/server/sv.json" with { type: "json" };
import sv from "../messages/sv.json" with { type: "json" };
import type { Locale } from "./locales.ts";

// Each language's messages come from four files, one per area of the console (shell and ERP records; coupling
// actions on records; the integration admin pages; what the server says: errors, field messages, engine messages),
// merged here. Top-level namespaces must not repeat across files. Imported with the JSON attribute so plain Node
// (the Playwright set-up, scripts) can load them as well as the bundler.
export type Messages = typeof en & typeof recordsEn & typeof integrationEn & typeof serverEn;

export const CATALOGS: Record<Locale, Messages> = {
  en: { ...en, ...recordsEn, ...integrationEn, ...serverEn },
  it: { ...it, ...recordsIt, ...integrationIt, ...serverIt },
  sv: { ...sv, ...recordsSv, ...integrationSv, ...serverSv },
  fr: { ...fr, ...recordsFr, ...integrationFr, ...serverFr },
};

export const CATALOG_PARTS: Record<Locale, Record<string, unknown>[]> = {
  en: [en, recordsEn, integrationEn, serverEn],
  it: [it, recordsIt, integrationIt, serverIt],
  sv: [sv, recordsSv, integrationSv, serverSv],
  fr: [fr, recordsFr, integrationFr, serverFr],
};
