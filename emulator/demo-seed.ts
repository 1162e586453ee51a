import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import type { EntityStore } from "./entity-store.ts";
import type { WebApi } from "./web-api.ts";

// Deterministic seeds. "System" rows exist in every org (base currency, the application users of the configured
// clients); the demo seed adds currencies, people, ~150 accounts (60 share their names with the ERP demo seed) and contacts.

export type SeedKind = "demo" | "none";

const overlapNames: string[] = JSON.parse(readFileSync(new URL("./seed/overlap-names.json", import.meta.url), "utf8"));

function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function stableGuid(text: string): string {
  const hex = createHash("sha1").update(text).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${((Number.parseInt(hex.slice(16, 17), 16) & 3) | 8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export function applicationUserId(clientId: string): string {
  return stableGuid(`application-user:${clientId}`);
}

type Country = { code: string; name: string; cities: [string, string | null, string][]; streets: string[]; phone: (random: () => number) => string; first: string[]; last: string[]; domain: string };

const digits = (random: () => number, count: number) => Array.from({ length: count }, () => Math.floor(random() * 10)).join("");

const countries: Country[] = [
  { code: "US", name: "United States", domain: "com", cities: [["Seattle", "WA", "98101"], ["Chicago", "IL", "60601"], ["Austin", "TX", "73301"], ["Denver", "CO", "80202"], ["Boston", "MA", "02108"]], streets: ["Main Street", "Oak Avenue", "Pine Street", "Market Street", "Lakeview Drive"], phone: (r) => `+1 ${digits(r, 3)}-555-${digits(r, 4)}`, first: ["James", "Mary", "Robert", "Patricia", "Michael", "Linda", "David", "Susan"], last: ["Smith", "Johnson", "Williams", "Brown", "Miller", "Davis", "Wilson", "Moore"] },
  { code: "GB", name: "United Kingdom", domain: "co.uk", cities: [["London", null, "EC1A 1BB"], ["Manchester", null, "M1 1AE"], ["Bristol", null, "BS1 4DJ"], ["Leeds", null, "LS1 1UR"]], streets: ["High Street", "Station Road", "Church Lane", "Victoria Road"], phone: (r) => `+44 20 ${digits(r, 4)} ${digits(r, 4)}`, first: ["Oliver", "Amelia", "Harry", "Isla", "George", "Emily", "Jack", "Sophie"], last: ["Taylor", "Evans", "Thomas", "Roberts", "Walker", "Wright", "O'Connor", "Hughes"] },
  { code: "DE", name: "Germany", domain: "de", cities: [["Berlin", null, "10115"], ["München", null, "80331"], ["Hamburg", null, "20095"], ["Köln", null, "50667"]], streets: ["Hauptstraße", "Bahnhofstraße", "Gartenweg", "Schillerstraße"], phone: (r) => `+49 30 ${digits(r, 8)}`, first: ["Lukas", "Anna", "Jonas", "Lena", "Felix", "Marie", "Paul", "Sophie"], last: ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker"] },
  { code: "FR", name: "France", domain: "fr", cities: [["Paris", null, "75001"], ["Lyon", null, "69001"], ["Marseille", null, "13001"], ["Toulouse", null, "31000"]], streets: ["Rue de la Paix", "Avenue Victor Hugo", "Rue du Commerce", "Boulevard Voltaire"], phone: (r) => `+33 1 ${digits(r, 2)} ${digits(r, 2)} ${digits(r, 2)} ${digits(r, 2)}`, first: ["Louis", "Camille", "Hugo", "Chloé", "Jules", "Léa", "Arthur", "Manon"], last: ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Petit", "Durand", "Leroy"] },
  { code: "IT", name: "Italy", domain: "it", cities: [["Milano", null, "20121"], ["Roma", null, "00118"], ["Torino", null, "10121"], ["Bologna", null, "40121"]], streets: ["Via Roma", "Corso Italia", "Via Garibaldi", "Via Dante"], phone: (r) => `+39 02 ${digits(r, 8)}`, first: ["Francesco", "Giulia", "Alessandro", "Sofia", "Lorenzo", "Aurora", "Matteo", "Chiara"], last: ["Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci"] },
  { code: "SE", name: "Sweden", domain: "se", cities: [["Stockholm", null, "111 22"], ["Göteborg", null, "411 01"], ["Malmö", null, "211 20"], ["Uppsala", null, "753 10"]], streets: ["Storgatan", "Drottninggatan", "Kungsgatan", "Sveavägen"], phone: (r) => `+46 8 ${digits(r, 3)} ${digits(r, 2)} ${digits(r, 2)}`, first: ["Erik", "Elsa", "Lars", "Maja", "Anders", "Astrid", "Johan", "Ingrid"], last: ["Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson"] },
  { code: "NL", name: "Netherlands", domain: "nl", cities: [["Amsterdam", null, "1012 AB"], ["Rotterdam", null, "3011 AA"], ["Utrecht", null, "3511 AA"], ["Eindhoven", null, "5611 AA"]], streets: ["Kerkstraat", "Dorpsstraat", "Stationsweg", "Molenweg"], phone: (r) => `+31 20 ${digits(r, 3)} ${digits(r, 4)}`, first: ["Daan", "Emma", "Sem", "Julia", "Lucas", "Tess", "Milan", "Sanne"], last: ["de Jong", "Jansen", "de Vries", "van den Berg", "Bakker", "Visser", "Smit", "Meijer"] },
  { code: "DK", name: "Denmark", domain: "dk", cities: [["København", null, "1050"], ["Aarhus", null, "8000"], ["Odense", null, "5000"], ["Aalborg", null, "9000"]], streets: ["Strøget", "Vesterbrogade", "Nørregade", "Østergade"], phone: (r) => `+45 ${digits(r, 2)} ${digits(r, 2)} ${digits(r, 2)} ${digits(r, 2)}`, first: ["William", "Ida", "Noah", "Freja", "Oscar", "Clara", "Magnus", "Karla"], last: ["Nielsen", "Jensen", "Hansen", "Pedersen", "Andersen", "Christensen", "Larsen", "Sørensen"] },
  { code: "ES", name: "Spain", domain: "es", cities: [["Madrid", null, "28001"], ["Barcelona", null, "08001"], ["Valencia", null, "46001"], ["Sevilla", null, "41001"]], streets: ["Calle Mayor", "Gran Vía", "Calle de Alcalá", "Paseo de Gracia"], phone: (r) => `+34 91 ${digits(r, 3)} ${digits(r, 2)} ${digits(r, 2)}`, first: ["Hugo", "Lucía", "Martín", "María", "Pablo", "Paula", "Daniel", "Carmen"], last: ["García", "Fernández", "González", "Rodríguez", "López", "Martínez", "Sánchez", "Pérez"] },
];

const dvOnlyPrefixes = ["Aurora", "Beacon", "Crescent", "Delta", "Ember", "Falcon", "Granite", "Harbor", "Insight", "Juniper", "Keystone", "Lumen", "Meridian", "Nimbus", "Orchid", "Pinnacle", "Quartz", "Riverside", "Sterling", "Titan"];
const dvOnlyIndustries = ["Consulting", "Manufacturing", "Logistics", "Software", "Foods", "Energy", "Textiles", "Medical", "Retail", "Engineering"];
const dvOnlySuffixes: Record<string, string> = { US: "Inc.", GB: "Ltd", DE: "GmbH", FR: "SAS", IT: "S.r.l.", SE: "AB", NL: "B.V.", DK: "ApS", ES: "S.L." };
const jobTitles = ["Purchasing Manager", "CFO", "Sales Director", "Accounts Payable Clerk", "Operations Manager", "CEO", "Office Manager", "Logistics Coordinator"];

// Company-form suffixes reveal where a company is registered, so its address and phone number fit its name.
const suffixCountries: [RegExp, string][] = [
  [/\b(GmbH|AG|KG)\b|Bäckerei/, "DE"],
  [/\b(SARL|SAS|SA)$|Société|Boulangerie|Atelier/, "FR"],
  [/S\.r\.l\.|S\.p\.A\./, "IT"],
  [/\bAB$/, "SE"],
  [/B\.V\.|Jansen/, "NL"],
  [/A\/S|ApS/, "DK"],
  [/S\.L\.|S\.A\.$/, "ES"],
  [/\b(Ltd|plc)$/, "GB"],
  [/\b(Inc\.|LLC|Corp\.|Co\.|Company|Corporation)$/, "US"],
];

function countryOf(name: string): Country | undefined {
  const code = suffixCountries.find(([pattern]) => pattern.test(name))?.[1];
  return code ? countries.find((country) => country.code === code) : undefined;
}

function slug(text: string): string {
  return text
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "")
    .slice(0, 24);
}

type Writer = (set: string, body: Record<string, unknown>) => string;

function writerFor(api: WebApi, userId: string): Writer {
  return (set, body) => {
    const response = api.handle({ method: "POST", path: set, query: "", headers: {}, body: JSON.stringify(body), userId, base: "http://seed/api/data/v9.2/" });
    if (response.status !== 204) throw new Error(`seed write to ${set} failed: ${response.body}`);
    const location = response.location as string;
    return location.slice(location.indexOf("(") + 1, -1);
  };
}

// Rows every org has: the base currency and one application user per configured client id.
export function seedSystem(api: WebApi, clientIds: string[]): void {
  const firstUser = applicationUserId(clientIds[0]);
  ensureApplicationUsers(api, clientIds);
  const currencies = api.store.table("transactioncurrency");
  if (currencies.rows.size === 0) {
    writerFor(api, firstUser)("transactioncurrencies", {
      transactioncurrencyid: stableGuid("currency:USD"),
      currencyname: "US Dollar",
      isocurrencycode: "USD",
      currencysymbol: "$",
      exchangerate: 1,
      currencyprecision: 2,
    });
  }
}

export function ensureApplicationUsers(api: WebApi, clientIds: string[]): void {
  const users = api.store.table("systemuser");
  for (const clientId of clientIds) {
    const id = applicationUserId(clientId);
    if (users.rows.has(id)) continue;
    writerFor(api, id)("systemusers", {
      systemuserid: id,
      firstname: "#",
      lastname: clientId,
      domainname: `${clientId}@emulator.local`,
      applicationid: stableGuid(`application:${clientId}`),
      azureactivedirectoryobjectid: stableGuid(`aad:${clientId}`),
      isdisabled: false,
      islicensed: false,
      accessmode: 4,
    });
  }
}

export function seedDemo(api: WebApi, clientIds: string[]): void {
  seedSystem(api, clientIds);
  const random = mulberry32(20240601);
  const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)];
  const write = writerFor(api, applicationUserId(clientIds[0]));

  for (const [code, name, symbol, rate] of [
    ["EUR", "Euro", "€", 0.92],
    ["GBP", "Pound Sterling", "£", 0.79],
    ["SEK", "Swedish Krona", "kr", 10.45],
    ["DKK", "Danish Krone", "kr.", 6.87],
  ] as const) {
    write("transactioncurrencies", { transactioncurrencyid: stableGuid(`currency:${code}`), currencyname: name, isocurrencycode: code, currencysymbol: symbol, exchangerate: rate, currencyprecision: 2 });
  }

  const people = [
    ["Alex", "Morgan", "Sales Manager", false],
    ["Priya", "Natarajan", "Account Executive", false],
    ["Jonas", "Lindberg", "Account Executive", false],
    ["Chloé", "Moreau", "Sales Representative", false],
    ["Marco", "Bellini", "Customer Success Manager", false],
    ["Pat", "Former", "Sales Representative (left)", true],
  ] as const;
  const owners: string[] = [];
  for (const [first, last, title, disabled] of people) {
    const id = write("systemusers", {
      systemuserid: stableGuid(`person:${first}.${last}`),
      firstname: first,
      lastname: last,
      title,
      domainname: `${slug(first)}.${slug(last)}@contoso-demo.onmicrosoft.com`,
      internalemailaddress: `${slug(first)}.${slug(last)}@contoso-demo.com`,
      azureactivedirectoryobjectid: stableGuid(`aad:${first}.${last}`),
      isdisabled: disabled,
      islicensed: !disabled,
      accessmode: 0,
    });
    if (!disabled) owners.push(id);
  }

  const accountNames: string[] = [...overlapNames];
  const used = new Set(accountNames);
  while (accountNames.length < 150) {
    const country = countries[accountNames.length % countries.length];
    const candidate = `${pick(dvOnlyPrefixes)} ${pick(dvOnlyIndustries)} ${dvOnlySuffixes[country.code]}`;
    if (used.has(candidate)) continue;
    used.add(candidate);
    accountNames.push(candidate);
  }

  const currencyFor: Record<string, string> = { US: "USD", GB: "GBP", SE: "SEK", DK: "DKK" };
  let contactCount = 0;
  accountNames.forEach((name, index) => {
    const country = countryOf(name) ?? countries[index % countries.length];
    const [city, state, postal] = pick(country.cities);
    const isOverlap = index < overlapNames.length;
    const accountId = stableGuid(`account:${name}`);
    write("accounts", {
      accountid: accountId,
      name,
      // Overlapping accounts carry no number so they must be matched by name; Dataverse-only ones have their own numbering.
      accountnumber: isOverlap ? null : `DV-${String(10001 + index)}`,
      telephone1: country.phone(random),
      emailaddress1: `info@${slug(name)}.${country.domain}`,
      websiteurl: `https://www.${slug(name)}.${country.domain}`,
      address1_line1: `${Math.floor(random() * 200) + 1} ${pick(country.streets)}`,
      address1_city: city,
      address1_stateorprovince: state,
      address1_postalcode: postal,
      address1_country: country.name,
      revenue: Math.round(random() * 5000) * 10000,
      description: isOverlap ? "Customer also managed in the ERP." : "Prospect tracked only in Dataverse.",
      "ownerid@odata.bind": `/systemusers(${owners[index % owners.length]})`,
      "transactioncurrencyid@odata.bind": `/transactioncurrencies(${stableGuid(`currency:${currencyFor[country.code] ?? "EUR"}`)})`,
    });
    const contactsHere = index % 5 === 4 ? 1 : index % 3 === 0 ? 2 : 1 + Math.floor(random() * 2) + (index % 2);
    let firstContact: string | null = null;
    for (let contactIndex = 0; contactIndex < contactsHere && contactCount < 250; contactIndex += 1) {
      const first = pick(country.first);
      const last = pick(country.last);
      contactCount += 1;
      const contactId = write("contacts", {
        contactid: stableGuid(`contact:${name}:${contactIndex}`),
        firstname: first,
        lastname: last,
        jobtitle: pick(jobTitles),
        emailaddress1: `${slug(first)}.${slug(last)}@${slug(name)}.${country.domain}`,
        telephone1: country.phone(random),
        mobilephone: country.phone(random),
        address1_line1: `${Math.floor(random() * 200) + 1} ${pick(country.streets)}`,
        address1_city: city,
        address1_postalcode: postal,
        address1_country: country.name,
        "parentcustomerid_account@odata.bind": `/accounts(${accountId})`,
        "ownerid@odata.bind": `/systemusers(${owners[index % owners.length]})`,
      });
      firstContact ??= contactId;
    }
    if (firstContact) {
      api.handle({
        method: "PATCH",
        path: `accounts(${accountId})`,
        query: "",
        headers: { "if-match": "*" },
        body: JSON.stringify({ "primarycontactid@odata.bind": `/contacts(${firstContact})` }),
        userId: applicationUserId(clientIds[0]),
        base: "http://seed/api/data/v9.2/",
      });
    }
  });
  backdate(api.store, random);
}

// Seeded rows get plausible past creation dates (the version numbers stay in write order).
function backdate(store: EntityStore, random: () => number): void {
  const now = Date.now();
  for (const table of store.tables.values()) {
    for (const row of table.rows.values()) {
      const created = now - Math.floor((30 + random() * 700) * 86_400_000);
      row.createdon = created;
      row.modifiedon = Math.min(now - 3_600_000, created + Math.floor(random() * 20 * 86_400_000));
    }
  }
}
