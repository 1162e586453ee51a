import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { hashPassword } from "../lib/auth/credentials.ts";
import { createDb, type Db } from "../lib/db/db-client.ts";
import type { Role } from "../lib/db/generated/enums.ts";
import { joinContactName } from "../lib/erp/contact-schema.ts";
import { CONTACT_SERIES, CUSTOMER_SERIES, formatSeriesNumber } from "../lib/erp/number-series.ts";
import { requireDatabaseUrl } from "../lib/env.ts";
import {
  COUNTRIES,
  countryOfCompanyName,
  CURRENCIES,
  SALESPEOPLE,
  SALESPEOPLE_BY_COUNTRY,
  type CountryCode,
  type CountryData,
} from "./seed-data/demo-countries.ts";

// Demo data for a first start: ~200 customers in ten countries (including every company name the Dataverse demo
// seed also uses, so match-based coupling has something to match), ~400 person contacts, 8 salespeople,
// 5 currencies, and three demo users. Deterministic: the same seed gives the same data on every machine.

const here = path.dirname(fileURLToPath(import.meta.url));
const CUSTOMER_COUNT = 200;
const SEED = 20_261_122;

export const DEMO_USERS: { email: string; password: string; name: string; role: Role }[] = [
  { email: "admin@demo.local", password: "admin", name: "Demo Admin", role: "ADMIN" },
  { email: "user@demo.local", password: "user", name: "Demo User", role: "USER" },
  { email: "viewer@demo.local", password: "viewer", name: "Demo Viewer", role: "VIEWER" },
];

/** mulberry32: a tiny seeded PRNG, so the demo data is the same on every run. */
function createRandom(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const digits = (count: number) => Array.from({ length: count }, () => String(int(0, 9))).join("");
  return { next, int, pick, digits };
}

type Random = ReturnType<typeof createRandom>;

export function readOverlapNames(): string[] {
  const file = path.join(here, "seed-data", "overlap-names.json");
  const names: unknown = JSON.parse(readFileSync(file, "utf8"));
  if (!Array.isArray(names) || !names.every((n) => typeof n === "string")) {
    throw new Error(`${file} must be a JSON array of company names.`);
  }
  return names;
}

function slugOf(name: string): string {
  return name
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[øØ]/g, "o")
    .replace(/[æÆ]/g, "ae")
    .replace(/ß/g, "ss")
    .toLowerCase()
    .replace(/\./g, "")
    .replace(/\b(inc|llc|ltd|plc|gmbh|ag|kg|co|corp|sarl|sas|sa|srl|spa|snc|ab|bv|as|aps|sl)\b/g, "")
    .replace(/[^a-z0-9]+/g, "")
    .slice(0, 40);
}

/** A company name from the country's patterns, and the city it is named after (which becomes its address). */
function generatedCompany(random: Random, country: CountryData): { name: string; place: CountryData["cities"][number] } {
  const place = random.pick(country.cities);
  const name = random
    .pick(country.companyPatterns)
    .replace("{surname2}", random.pick(country.surnames))
    .replace("{surname}", random.pick(country.surnames))
    .replace("{city}er", `${place.city.split(" ")[0]}er`)
    .replace("{city}", place.city)
    .replace("{word}", random.pick(country.companyWords))
    .slice(0, 100);
  return { name, place };
}

type DemoCustomer = {
  no: string;
  name: string;
  address: string;
  address2: string;
  postCode: string;
  city: string;
  county: string;
  countryRegionCode: CountryCode;
  phoneNo: string;
  mobilePhoneNo: string;
  email: string;
  faxNo: string;
  homePage: string;
  currencyCode: string;
  salespersonCode: string;
  creditLimit: number;
  primaryContactNo: string;
  blocked: "NONE" | "SHIP" | "INVOICE" | "ALL";
};

type DemoContact = {
  no: string;
  firstName: string;
  middleName: string;
  surname: string;
  name: string;
  jobTitle: string;
  customerNo: string;
  address: string;
  address2: string;
  postCode: string;
  city: string;
  county: string;
  countryRegionCode: string;
  email: string;
  phoneNo: string;
  mobilePhoneNo: string;
  salutationCode: string;
};

/** The demo records, computed without touching a database (so tests can check them too). */
export function buildDemoData(overlapNames: string[] = readOverlapNames()) {
  const random = createRandom(SEED);
  const byCode = new Map(COUNTRIES.map((c) => [c.code, c]));
  const companies: { name: string; country: CountryData; place?: CountryData["cities"][number] }[] = [];
  const seen = new Set<string>();
  for (const name of overlapNames) {
    if (seen.has(name)) continue;
    seen.add(name);
    companies.push({ name, country: byCode.get(countryOfCompanyName(name)) ?? COUNTRIES[0]! });
  }
  const generatedCountries = COUNTRIES.filter((c) => c.code !== "NO");
  for (let guard = 0; companies.length < CUSTOMER_COUNT && guard < 10_000; guard++) {
    const country = random.pick(generatedCountries);
    const { name, place } = generatedCompany(random, country);
    if (seen.has(name)) continue;
    seen.add(name);
    companies.push({ name, country, place });
  }
  // Shuffle so the shared names are spread over the number range, as in a real customer list.
  for (let i = companies.length - 1; i > 0; i--) {
    const j = random.int(0, i);
    [companies[i], companies[j]] = [companies[j]!, companies[i]!];
  }

  const customers: DemoCustomer[] = [];
  const contacts: DemoContact[] = [];
  companies.forEach(({ name, country, place: namedPlace }, index) => {
    const place = namedPlace ?? random.pick(country.cities);
    const slug = slugOf(name) || `customer${index}`;
    const customer: DemoCustomer = {
      no: formatSeriesNumber(CUSTOMER_SERIES, (index + 1) * CUSTOMER_SERIES.increment),
      name,
      address: country.street(random.pick(country.streets), random.int(1, 120)),
      address2: random.next() < 0.15 ? random.pick(["Building 2", "Unit 4", "2nd floor", "Suite 300", "c/o Reception"]) : "",
      postCode: place.postCode,
      city: place.city,
      county: place.county,
      countryRegionCode: country.code,
      phoneNo: country.phone(random.digits(9)),
      mobilePhoneNo: "",
      email: `info@${slug}.example`,
      faxNo: random.next() < 0.3 ? country.phone(random.digits(9)) : "",
      homePage: `www.${slug}.example`,
      currencyCode: country.currencyCode,
      salespersonCode: random.pick(SALESPEOPLE_BY_COUNTRY[country.code]),
      creditLimit: random.pick([0, 5000, 10000, 10000, 25000, 50000, 100000]),
      primaryContactNo: "",
      blocked: random.next() < 0.04 ? random.pick(["SHIP", "INVOICE", "ALL"] as const) : "NONE",
    };
    const contactCount = random.pick([0, 1, 1, 2, 2, 2, 3, 3, 4]);
    for (let k = 0; k < contactCount; k++) {
      const firstName = random.pick(country.firstNames);
      const surname = random.pick(country.surnames);
      const middleName = country.code === "US" && random.next() < 0.25 ? `${random.pick("ABCDEFGHJKLMNPRSTW".split(""))}.` : "";
      const contact: DemoContact = {
        no: formatSeriesNumber(CONTACT_SERIES, (contacts.length + 1) * CONTACT_SERIES.increment),
        firstName,
        middleName,
        surname,
        name: joinContactName({ firstName, middleName, surname }),
        jobTitle: k === 0 ? random.pick(country.jobTitles.slice(0, 2)) : random.pick(country.jobTitles),
        customerNo: customer.no,
        address: customer.address,
        address2: customer.address2,
        postCode: customer.postCode,
        city: customer.city,
        county: customer.county,
        countryRegionCode: customer.countryRegionCode,
        email: `${slugOf(firstName)}.${slugOf(surname)}@${slug}.example`,
        phoneNo: customer.phoneNo.replace(/\d{2}$/, random.digits(2)),
        mobilePhoneNo: country.phone(random.digits(9)),
        salutationCode: "",
      };
      contacts.push(contact);
      if (k === 0) customer.primaryContactNo = contact.no;
    }
    customers.push(customer);
  });
  return { customers, contacts, salespeople: SALESPEOPLE, currencies: CURRENCIES };
}

/** Seeds salespeople, currencies, customers and contacts; does nothing when any customer exists. */
export async function seedDemoData(db: Db): Promise<{ customers: number; contacts: number } | null> {
  if ((await db.customer.count()) > 0) return null;
  const data = buildDemoData();
  await db.$transaction(async (tx) => {
    await tx.currency.createMany({ data: data.currencies, skipDuplicates: true });
    await tx.salesperson.createMany({ data: data.salespeople, skipDuplicates: true });
    await tx.customer.createMany({ data: data.customers });
    const ids = new Map(
      (await tx.customer.findMany({ select: { id: true, no: true } })).map((c) => [c.no, c.id] as const),
    );
    await tx.contact.createMany({
      data: data.contacts.map(({ customerNo, ...contact }) => ({ ...contact, customerId: ids.get(customerNo) ?? null })),
    });
  });
  return { customers: data.customers.length, contacts: data.contacts.length };
}

/** Creates the demo users that do not exist yet; existing users (and changed passwords) are left alone. */
export async function seedDemoUsers(db: Db): Promise<number> {
  let created = 0;
  for (const user of DEMO_USERS) {
    if (await db.user.findUnique({ where: { email: user.email }, select: { id: true } })) continue;
    await db.user.create({
      data: { email: user.email, name: user.name, role: user.role, passwordHash: await hashPassword(user.password) },
    });
    created++;
  }
  return created;
}

async function main() {
  const db = createDb(requireDatabaseUrl());
  try {
    const users = await seedDemoUsers(db);
    const data = await seedDemoData(db);
    console.log(`Demo users created: ${users}.`);
    console.log(
      data
        ? `Demo data created: ${data.customers} customers, ${data.contacts} contacts, salespeople and currencies.`
        : "Customers already exist; demo data left as it is.",
    );
  } finally {
    await db.$disconnect();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((error: unknown) => {
    console.error(`Seeding failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
