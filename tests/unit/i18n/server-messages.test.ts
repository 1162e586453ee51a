import { describe, expect, it } from "vitest";
import { z } from "zod";
import { CATALOGS } from "../../../i18n/catalogs.ts";
import { LOCALES, type Locale } from "../../../i18n/locales.ts";
import { actionError, failureOf, fieldErrorsOf, invalidInput } from "../../../lib/actions/action-result.ts";
import { inEnglish } from "../../../lib/actions/message-locale.ts";
import { renderText, serverMessage, type MessageParam, type ServerMessageKey } from "../../../lib/actions/server-message.ts";
import { runAsUser, type SessionUser } from "../../../lib/auth/authorize.ts";
import { customerCreateSchema } from "../../../lib/erp/customer-schema.ts";
import { localizeEngineMessage } from "../../../lib/integration/engine-messages.ts";

// Messages the server sends (action errors, field messages, engine errors) in each of the console's languages.

type Catalog = { [key: string]: string | Catalog };

function flatten(catalog: Catalog, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(catalog)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === "string") out.set(path, value);
    else for (const [k, v] of flatten(value, path)) out.set(k, v);
  }
  return out;
}

const serverCatalog = (locale: Locale) => flatten((CATALOGS[locale] as unknown as { serverMessages: Catalog }).serverMessages);
const englishKeys = [...serverCatalog("en").keys()].sort();

/** Sample values for a message's arguments: a count for plurals, a marker for anything else. */
function sampleParams(english: string): Record<string, MessageParam> {
  const params: Record<string, MessageParam> = {};
  // A count is a number wherever the engine writes one (the wording's matcher expects digits there).
  for (const match of english.matchAll(/\{\s*([A-Za-z_]\w*)\s*(?:\}|,\s*(plural))/g)) params[match[1]] = match[2] || match[1] === "count" ? 2 : `«${match[1]}»`;
  return params;
}

function userIn(locale: Locale): SessionUser {
  return { id: "00000000-0000-4000-8000-000000000001", email: `reader-${locale}@example.com`, name: "Reader", role: "ADMIN", locale };
}

describe("server message catalog", () => {
  it("has messages for errors, fields and the engine", () => {
    expect(englishKeys.length).toBeGreaterThan(80);
    expect(englishKeys).toEqual(expect.arrayContaining(["errors.customerGone", "fields.maxLength", "engine.skippedTwice"]));
  });

  it.each(LOCALES.filter((l) => l !== "en"))("every server message key exists in %s", (locale) => {
    const keys = [...serverCatalog(locale).keys()].sort();
    expect(englishKeys.filter((key) => !keys.includes(key))).toEqual([]);
    expect(keys.filter((key) => !englishKeys.includes(key))).toEqual([]);
  });

  it.each(LOCALES.filter((l) => l !== "en"))("every server message in %s takes the same arguments as in English", (locale) => {
    const argumentsOf = (text: string) => [...new Set([...text.matchAll(/\{\s*([A-Za-z_]\w*)\s*[},]/g)].map((m) => m[1]))].sort();
    const translated = serverCatalog(locale);
    for (const [key, english] of serverCatalog("en")) expect(argumentsOf(translated.get(key) ?? ""), `${locale}:${key}`).toEqual(argumentsOf(english));
  });

  it.each(LOCALES)("every server message renders in %s with all its arguments", (locale) => {
    for (const key of englishKeys) {
      const english = serverCatalog("en").get(key)!;
      const params = sampleParams(english);
      const text = renderText(locale, serverMessage(key as ServerMessageKey, params));
      expect(text, `${locale}:${key}`).not.toMatch(/[{}\u0000]/);
      for (const [name, value] of Object.entries(params)) {
        if (typeof value === "string") expect(text, `${locale}:${key} shows ${name}`).toContain(value);
      }
    }
  });
});

describe("action errors", () => {
  const message = serverMessage("errors.customerHasContacts", { no: "C00010", count: 2 });

  it("keeps the English text the API and the logs see", () => {
    const error = actionError("conflict", message);
    expect(error.message).toBe(
      "Customer C00010 cannot be deleted because it has 2 contacts. Delete the contacts or move them to another customer first.",
    );
    expect(renderText("en", serverMessage("errors.customerHasContacts", { no: "C1", count: 1 }))).toContain("it has 1 contact.");
  });

  it.each([
    ["en", "Customer C00010 cannot be deleted because it has 2 contacts."],
    ["it", "Impossibile eliminare il cliente C00010 perché ha 2 contatti."],
    ["sv", "Kund C00010 kan inte tas bort eftersom den har 2 kontakter."],
    ["fr", "Le client C00010 ne peut pas être supprimé car il a 2 contacts."],
  ] as const)("is returned in the signed-in user's language (%s)", async (locale, expected) => {
    const failure = await runAsUser(userIn(locale), () => failureOf(actionError("conflict", message, { no: [serverMessage("errors.customerExists", { no: "C00010" })] })));
    expect(failure.code).toBe("conflict");
    expect(failure.message.startsWith(expected)).toBe(true);
    expect(failure.fieldErrors?.no?.[0]).toContain("C00010");
    if (locale !== "en") expect(failure.fieldErrors?.no?.[0]).not.toBe(renderText("en", serverMessage("errors.customerExists", { no: "C00010" })));
  });

  it.each([
    ["en", "The contact no longer exists.", "No table mapping couples currency records. Set up the integration table mappings first."],
    ["it", "Il contatto non esiste più.", "Nessun mapping tabella associa record di tipo valuta. Configurare prima i mapping tabelle di integrazione."],
    ["sv", "Kontakten finns inte längre.", "Ingen tabellmappning kopplar poster av typen valuta. Konfigurera integrationstabellmappningarna först."],
    ["fr", "Le contact n'existe plus.", "Aucun mappage de table ne couple les enregistrements de type devise. Configurez d'abord les mappages de tables d'intégration."],
  ] as const)("names the record in the language (%s)", (locale, gone, noMapping) => {
    expect(renderText(locale, serverMessage("errors.recordGone", { record: { key: "recordNouns.CONTACT" } }))).toBe(gone);
    expect(renderText(locale, serverMessage("errors.noMappingFor", { noun: { key: "tableNouns.CURRENCY" } }))).toBe(noMapping);
  });

  it("stays English inside the API whatever the token owner's language", async () => {
    const failure = await runAsUser(userIn("it"), () => inEnglish(() => failureOf(actionError("conflict", message))));
    expect(failure.message).toBe(actionError("conflict", message).message);
  });

  it("keeps an error without a description as it was", async () => {
    const { ActionError } = await import("../../../lib/actions/action-result.ts");
    const failure = await runAsUser(userIn("fr"), () => failureOf(new ActionError("invalid", "Plain text.", { x: ["Also plain."] })));
    expect(failure).toEqual({ ok: false, code: "invalid", message: "Plain text.", fieldErrors: { x: ["Also plain."] } });
  });
});

describe("field messages of zod schemas", () => {
  const bad = { name: "", email: "not-an-address", phoneNo: "abc", creditLimit: -5, countryRegionCode: "ÀÀ", address: "x".repeat(101), colour: "red" };
  const parsed = customerCreateSchema.safeParse(bad);
  if (parsed.success) throw new Error("expected the card to be refused");
  const error = invalidInput(parsed.error);

  it("keeps English field messages identical to zod's", () => {
    expect(error.fieldErrors).toEqual(fieldErrorsOf(parsed.error));
    expect(error.fieldErrors?.name).toEqual(["Enter name."]);
    expect(error.fieldErrors?._form).toEqual(["Unknown field: colour."]);
  });

  const expected: Record<Exclude<Locale, "en">, Record<string, string>> = {
    it: {
      name: "Specificare nome.",
      email: "E-mail non è un indirizzo e-mail valido. Usare il formato nome@esempio.com.",
      phoneNo: "N. telefono può contenere solo cifre, spazi, \"+\", \"-\", \"(\", \")\", \".\" e \"/\".",
      creditLimit: "Fido (VL) non può essere negativo.",
      address: "Indirizzo può contenere al massimo 100 caratteri.",
      _form: "Campo sconosciuto: colour.",
    },
    sv: {
      name: "Ange namn.",
      email: "E-post är inte en giltig e-postadress. Använd formen namn@exempel.se.",
      phoneNo: "Telefonnr får bara innehålla siffror, mellanslag, \"+\", \"-\", \"(\", \")\", \".\" och \"/\".",
      creditLimit: "Kreditgräns (BVA) får inte vara negativt.",
      address: "Adress får vara högst 100 tecken.",
      _form: "Okänt fält: colour.",
    },
    fr: {
      name: "Saisissez nom.",
      email: "E-mail n'est pas une adresse e-mail valide. Utilisez la forme nom@exemple.com.",
      phoneNo: "N° téléphone ne peut contenir que des chiffres, des espaces, « + », « - », « ( », « ) », « . » et « / ».",
      creditLimit: "Limite de crédit (DS) ne peut pas être négatif.",
      address: "Adresse peut contenir au plus 100 caractères.",
      _form: "Champ inconnu : colour.",
    },
  };

  it.each(Object.entries(expected))("are returned in %s", async (locale, messages) => {
    const failure = await runAsUser(userIn(locale as Locale), () => failureOf(error));
    expect(failure.message).toBe(renderText(locale as Locale, serverMessage("errors.invalidFields")));
    for (const [field, text] of Object.entries(messages)) expect(failure.fieldErrors?.[field], `${locale}:${field}`).toEqual([text]);
    expect(failure.fieldErrors?.countryRegionCode?.[0]).toMatch(/^(Cod\. paese\/area geografica|Lands-\/regionkod|Code pays\/région) /);
  });

  it("translates zod's own wording with zod's locale, per call and without global configuration", async () => {
    const plain = z.object({ count: z.number() }).safeParse({ count: "x" });
    if (plain.success) throw new Error("expected a refusal");
    const english = plain.error.issues[0].message;
    const [it, en] = await Promise.all([
      runAsUser(userIn("it"), () => failureOf(invalidInput(plain.error))),
      runAsUser(userIn("en"), () => failureOf(invalidInput(plain.error))),
    ]);
    expect(en.fieldErrors?.count).toEqual([english]);
    expect(it.fieldErrors?.count?.[0]).not.toBe(english);
    expect(it.fieldErrors?.count?.[0]).toMatch(/numero|number/i);
    expect(z.object({ n: z.number() }).safeParse({ n: "x" }).error?.issues[0].message).toBe(english.replace("count", "n"));
  });
});

describe("engine messages", () => {
  const failure =
    'Customer C00010 cannot be synchronized: the value "XX" of Country/Region Code has no counterpart for Country — add it to the field mapping\'s value map; Name is 120 characters long, but the Dataverse column account.name allows at most 100. Correct the value or the field mapping, then use Retry.';
  const skipped =
    "Dataverse refused to update the account: Bad value. Correct the value in the ERP or the field mapping, then use Retry. It failed the same way twice, so it is skipped until you use Retry or Synchronize on the errors page.";

  it.each([
    ["it", "Impossibile sincronizzare Customer C00010: il valore \"XX\" di Country/Region Code non ha corrispondenza per Country", "Ha avuto lo stesso errore due volte"],
    ["sv", "Customer C00010 kan inte synkroniseras: värdet \"XX\" i Country/Region Code har ingen motsvarighet för Country", "Det misslyckades på samma sätt två gånger"],
    ["fr", "Customer C00010 ne peut pas être synchronisé : la valeur \"XX\" de Country/Region Code n'a pas d'équivalent pour Country", "L'échec s'est produit deux fois"],
  ] as const)("are shown in %s, parts included", (locale, failureStart, skippedPart) => {
    const text = localizeEngineMessage(locale, failure);
    expect(text.startsWith(failureStart)).toBe(true);
    expect(text).toContain("account.name");
    expect(text).not.toContain("Correct the value");
    expect(localizeEngineMessage(locale, skipped)).toContain(skippedPart);
    expect(localizeEngineMessage(locale, skipped)).toContain("Bad value");
  });

  it("names the records of coupling messages with the nouns of the reader's language", () => {
    const record = serverMessage("names.erpRecord", { noun: { key: "tableNouns.CONTACT" }, no: "CT0001" });
    const dataverse = serverMessage("names.dataverseRecord", { noun: { key: "dataverseNouns.account" }, name: "'Contoso Ltd'" });
    const stored = renderText("en", serverMessage("engine.coupledSynchronizedErp", { record, dataverse }));
    expect(stored).toBe("The contact CT0001 is coupled to the Dataverse account 'Contoso Ltd'. It was synchronized with the ERP data.");
    expect(localizeEngineMessage("it", stored)).toBe("Il record contatto CT0001 è associato al record account Dataverse 'Contoso Ltd'. È stato sincronizzato con i dati dell'ERP.");
    expect(localizeEngineMessage("sv", stored)).toBe("Posten kontakt CT0001 är kopplad till Dataverse-konto 'Contoso Ltd'. Den synkroniserades med ERP-data.");
    expect(localizeEngineMessage("fr", stored)).toBe(
      "L'enregistrement contact CT0001 est couplé à l'enregistrement compte Dataverse 'Contoso Ltd'. Il a été synchronisé avec les données de l'ERP.",
    );
    // A name that is not a known noun followed by a key stays as stored.
    expect(localizeEngineMessage("it", "The widget W1 is coupled to the Dataverse account 'X'.")).toBe("Il record widget W1 è associato al record account Dataverse 'X'.");
  });

  it("shows the message of a job a crashed worker left behind in the reader's language", () => {
    const stored = "The worker running this job stopped before it finished (crashed, killed or lost its database connection). Nothing is lost: the next run continues from the last committed point.";
    expect(localizeEngineMessage("it", stored)).toMatch(/^Il worker che eseguiva questo job si è fermato/);
    expect(localizeEngineMessage("sv", stored)).toMatch(/^Arbetsprocessen som körde det här jobbet/);
    expect(localizeEngineMessage("fr", stored)).toMatch(/^Le worker qui exécutait cette tâche/);
  });

  it("leaves English, unknown text and missing messages as stored", () => {
    expect(localizeEngineMessage("en", failure)).toBe(failure);
    expect(localizeEngineMessage("it", "Something Dataverse said.")).toBe("Something Dataverse said.");
    expect(localizeEngineMessage("sv", null)).toBeNull();
  });

  it.each(LOCALES.filter((l) => l !== "en"))("recognises every engine wording in %s", (locale) => {
    for (const [key, english] of serverCatalog("en")) {
      if (!key.startsWith("engine.")) continue;
      const params = sampleParams(english);
      const stored = renderText("en", serverMessage(key as ServerMessageKey, params));
      const shown = localizeEngineMessage(locale, stored);
      const translated = renderText(locale, serverMessage(key as ServerMessageKey, params));
      if (translated !== stored) expect(shown, `${locale}:${key}`).not.toBe(stored);
    }
  });
});
