import en from "../messages/en.json";
import fr from "../messages/fr.json";
import it from "../messages/it.json";
import integrationEn from "../messages/integration/en.json";
import integrationFr from "../messages/integration/fr.json";
import integrationIt from "../messages/integration/it.json";
import integrationSv from "../messages/integration/sv.json";
import recordsEn from "../messages/records/en.json";
import recordsFr from "../messages/records/fr.json";
import recordsIt from "../messages/records/it.json";
import recordsSv from "../messages/records/sv.json";
import sv from "../messages/sv.json";
import type { Locale } from "./locales.ts";

// Each language's messages come from three files, one per area of the console (shell and ERP records; coupling
// actions on records; the integration admin pages), merged here. Top-level namespaces must not repeat across files.
export type Messages = typeof en & typeof recordsEn & typeof integrationEn;

export const CATALOGS: Record<Locale, Messages> = {
  en: { ...en, ...recordsEn, ...integrationEn },
  it: { ...it, ...recordsIt, ...integrationIt },
  sv: { ...sv, ...recordsSv, ...integrationSv },
  fr: { ...fr, ...recordsFr, ...integrationFr },
};

export const CATALOG_PARTS: Record<Locale, Record<string, unknown>[]> = {
  en: [en, recordsEn, integrationEn],
  it: [it, recordsIt, integrationIt],
  sv: [sv, recordsSv, integrationSv],
  fr: [fr, recordsFr, integrationFr],
};
