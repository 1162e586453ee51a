import { createTranslator } from "next-intl";
import { describe, expect, it } from "vitest";
import { CATALOG_PARTS, CATALOGS as MERGED } from "../../../i18n/catalogs.ts";
import { INTL_FORMATS, INTL_TIME_ZONE } from "../../../i18n/formats.ts";
import { LOCALES, type Locale } from "../../../i18n/locales.ts";

// The four catalogs must offer the same messages with the same arguments, or a page would show a key, lose a value
// or crash in one language only.

type Catalog = { [key: string]: string | Catalog };
const CATALOGS = MERGED as unknown as Record<Locale, Catalog>;

function flatten(catalog: Catalog, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(catalog)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === "string") out.set(path, value);
    else for (const [k, v] of flatten(value, path)) out.set(k, v);
  }
  return out;
}

/** Argument names ({name}, {count, plural, …}) and rich-text tags (<code>) of an ICU message. */
function argumentsOf(message: string): string[] {
  const names = new Set<string>();
  for (const match of message.matchAll(/\{\s*([A-Za-z_][\w]*)\s*[,}]/g)) names.add(match[1]);
  for (const match of message.matchAll(/<([A-Za-z_][\w]*)>/g)) names.add(`<${match[1]}>`);
  return [...names].sort();
}

const flat = Object.fromEntries(LOCALES.map((l) => [l, flatten(CATALOGS[l])])) as Record<Locale, Map<string, string>>;
const englishKeys = [...flat.en.keys()].sort();

describe("message catalogs", () => {
  it("never defines a top-level namespace in two of a language's files (a merge would silently drop one)", () => {
    for (const locale of LOCALES) {
      const namespaces = CATALOG_PARTS[locale].flatMap((part) => Object.keys(part));
      expect(new Set(namespaces).size, locale).toBe(namespaces.length);
    }
  });

  it("English has the messages the console needs", () => {
    expect(englishKeys.length).toBeGreaterThan(200);
    expect(flat.en.get("integration.synchronizationScheduled")).toBe("The synchronization has been scheduled.");
  });

  it.each(LOCALES)("%s has exactly the English keys", (locale) => {
    expect([...flat[locale].keys()].sort()).toEqual(englishKeys);
  });

  it.each(LOCALES)("%s has no empty or untrimmed values", (locale) => {
    for (const [key, value] of flat[locale]) {
      expect(value.trim(), `${locale}:${key}`).not.toBe("");
      if (key !== "table.activeFilterCount") expect(value, `${locale}:${key}`).toBe(value.trim());
    }
  });

  it.each(LOCALES.filter((l) => l !== "en"))("%s uses the same arguments and tags as English in every message", (locale) => {
    for (const key of englishKeys) {
      expect(argumentsOf(flat[locale].get(key)!), `${locale}:${key}`).toEqual(argumentsOf(flat.en.get(key)!));
    }
  });

  it.each(LOCALES)("every %s message parses and formats with sample values", (locale) => {
    const t = createTranslator({ locale, messages: CATALOGS[locale], formats: INTL_FORMATS, timeZone: INTL_TIME_ZONE }) as unknown as {
      markup: (key: string, values: Record<string, unknown>) => string;
    };
    for (const key of englishKeys) {
      const values: Record<string, unknown> = {};
      for (const name of argumentsOf(flat.en.get(key)!)) {
        if (name.startsWith("<")) values[name.slice(1, -1)] = (chunks: string) => chunks;
        else values[name] = 2;
      }
      const text = t.markup(key, values);
      expect(text, `${locale}:${key}`).not.toContain("{");
      expect(text, `${locale}:${key}`).not.toBe(key);
    }
  });

  it("the captions of the source documents are used", () => {
    expect(flat.it.get("integration.setUpCoupling")).toBe("Imposta associazione");
    expect(flat.it.get("integration.synchronizeNow")).toBe("Sincronizza adesso");
    expect(flat.it.get("integration.coupledDataSynchronizationErrors")).toBe("Errori di sincronizzazione dati associati");
    expect(flat.sv.get("integration.setUpCoupling")).toBe("Konfigurera koppling");
    expect(flat.sv.get("integration.synchronizeNow")).toBe("Synkronisera nu");
    expect(flat.fr.get("integration.setUpCoupling")).toBe("Configurer le couplage");
    expect(flat.fr.get("integration.synchronizeNow")).toBe("Synchroniser maintenant");
    expect(flat.fr.get("integration.deleteCoupling")).toBe("Supprimer le couplage");
  });

  it("plural and number arguments follow each language", () => {
    const count = (locale: Locale, n: number) =>
      createTranslator({ locale, messages: MERGED[locale], namespace: "common" })("recordCount", { count: n });
    expect(count("en", 1)).toBe("1 record");
    expect(count("en", 1234)).toBe("1,234 records");
    expect(count("sv", 1)).toBe("1 post");
    expect(count("fr", 2)).toBe("2 enregistrements");
    expect(count("it", 12345)).toBe("12.345 record");
  });
});
