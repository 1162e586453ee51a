import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { CATALOGS } from "../../../i18n/catalogs.ts";
import { clientMessages } from "../../../i18n/client-messages.ts";
import { LOCALES } from "../../../i18n/locales.ts";

// The browser is given the catalog without the server's messages and, outside the integration admin pages, without
// their texts. A client component reading one of those namespaces would show keys instead of text, so the sources are
// checked too.

const ROOT = join(import.meta.dirname, "../../..");

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.tsx?$/.test(entry.name))
    .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)));
}

const read = (file: string) => readFileSync(join(ROOT, file), "utf8");

// Everything under components/ can end up in the browser, and so can the app's "use client" files.
const clientCode = [...sourceFiles("components"), ...sourceFiles("app").filter((file) => /^["']use client["']/m.test(read(file)))];

describe("the messages given to the browser", () => {
  it.each(LOCALES)("%s: every namespace but the server's and the integration admin's, as they are", (locale) => {
    const catalog = CATALOGS[locale] as Record<string, unknown>;
    const given = clientMessages(CATALOGS[locale]) as Record<string, unknown>;
    const expected = Object.keys(catalog).filter((ns) => ns !== "serverMessages" && ns !== "integrationAdmin");
    expect(Object.keys(given).sort()).toEqual(expected.sort());
    for (const ns of expected) expect(given[ns]).toBe(catalog[ns]);
    const admin = clientMessages(CATALOGS[locale], { integrationAdmin: true }) as Record<string, unknown>;
    expect(admin.integrationAdmin).toBe(catalog.integrationAdmin);
    expect(admin.serverMessages).toBeUndefined();
  });

  it("are enough for client code: none reads the server's messages", () => {
    expect(clientCode.length).toBeGreaterThan(20);
    expect(clientCode.filter((file) => read(file).includes("serverMessages"))).toEqual([]);
  });

  it("are enough for client code: the integration admin's texts are read only on the integration admin pages", () => {
    const readers = clientCode.filter((file) => read(file).includes("integrationAdmin"));
    expect(readers.length).toBeGreaterThan(0);
    for (const reader of readers) expect(reader.startsWith("components/integration/"), reader).toBe(true);
    const importsIntegrationComponent = (file: string) =>
      [...read(file).matchAll(/from "(\.[^"]+)"/g)].some((m) => relative(ROOT, join(ROOT, dirname(file), m[1])).startsWith("components/integration/"));
    const importers = [...sourceFiles("app"), ...sourceFiles("components")].filter((file) => !file.startsWith("components/integration/") && importsIntegrationComponent(file));
    expect(importers.length).toBeGreaterThan(0);
    for (const importer of importers) expect(importer.startsWith("app/(console)/integration/"), importer).toBe(true);
  });
});
