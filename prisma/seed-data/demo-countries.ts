// Demo data for the ERP seed: per country, real cities with post codes and counties, street names, people's names,
// company-name parts and phone formats. Phone numbers use ranges reserved for fiction where a country has one
// (US 555-01xx, UK 020 7946 0xxx); e-mail domains use the reserved .example top-level domain.

export type CountryCode = "US" | "GB" | "DE" | "FR" | "IT" | "SE" | "NL" | "DK" | "ES" | "NO";

export type City = { city: string; postCode: string; county: string };

export type CountryData = {
  code: CountryCode;
  /** Blank = the ERP's local currency (LCY). */
  currencyCode: string;
  cities: City[];
  streets: string[];
  /** How a street and a house number are written in this country. */
  street: (name: string, number: number) => string;
  firstNames: string[];
  surnames: string[];
  /** Company name templates; {surname}, {city}, {word} are filled in. */
  companyPatterns: string[];
  companyWords: string[];
  phone: (digits: string) => string;
  jobTitles: string[];
};

const EN_JOB_TITLES = [
  "Purchasing Manager",
  "Chief Executive Officer",
  "Accounts Payable Clerk",
  "Sales Director",
  "Operations Manager",
  "Office Manager",
  "Finance Controller",
  "Logistics Coordinator",
  "IT Manager",
  "Buyer",
];

export const COUNTRIES: CountryData[] = [
  {
    code: "US",
    currencyCode: "",
    cities: [
      { city: "Seattle", postCode: "98101", county: "WA" },
      { city: "Chicago", postCode: "60601", county: "IL" },
      { city: "Austin", postCode: "78701", county: "TX" },
      { city: "Denver", postCode: "80202", county: "CO" },
      { city: "Boston", postCode: "02108", county: "MA" },
      { city: "Atlanta", postCode: "30303", county: "GA" },
      { city: "Portland", postCode: "97204", county: "OR" },
      { city: "Minneapolis", postCode: "55401", county: "MN" },
      { city: "San Diego", postCode: "92101", county: "CA" },
      { city: "Columbus", postCode: "43215", county: "OH" },
    ],
    streets: ["Main Street", "Oak Avenue", "Pine Street", "Maple Drive", "Lakeview Road", "Commerce Boulevard", "Market Street", "Elm Street"],
    street: (name, n) => `${n * 10 + 100} ${name}`,
    firstNames: ["James", "Mary", "Robert", "Patricia", "Michael", "Jennifer", "David", "Linda", "Daniel", "Susan", "Kevin", "Karen", "Brian", "Nancy", "Jason", "Emily"],
    surnames: ["Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson", "Anderson", "Taylor", "Thomas", "Moore", "Jackson", "Martin", "Lee", "Harris"],
    companyPatterns: ["{surname} {word} Inc.", "{city} {word} LLC", "{surname} & {surname2} {word} Co.", "American {word} Corp."],
    companyWords: ["Supply", "Industries", "Logistics", "Foods", "Electric", "Builders", "Outfitters", "Machinery", "Packaging", "Distributors"],
    phone: (d) => `+1 (${d.slice(0, 3).replace(/^[01]/, "2")}) 555-01${d.slice(3, 5)}`,
    jobTitles: EN_JOB_TITLES,
  },
  {
    code: "GB",
    currencyCode: "GBP",
    cities: [
      { city: "London", postCode: "EC1A 1BB", county: "Greater London" },
      { city: "Manchester", postCode: "M1 1AE", county: "Greater Manchester" },
      { city: "Birmingham", postCode: "B1 1BB", county: "West Midlands" },
      { city: "Leeds", postCode: "LS1 4AP", county: "West Yorkshire" },
      { city: "Bristol", postCode: "BS1 4DJ", county: "Bristol" },
      { city: "Edinburgh", postCode: "EH1 1YZ", county: "Midlothian" },
      { city: "Reading", postCode: "RG1 1AF", county: "Berkshire" },
      { city: "Cambridge", postCode: "CB2 1TN", county: "Cambridgeshire" },
    ],
    streets: ["High Street", "Station Road", "Church Lane", "Victoria Road", "Park Road", "Mill Lane", "Kings Road", "Queen Street"],
    street: (name, n) => `${n} ${name}`,
    firstNames: ["Oliver", "Amelia", "George", "Isla", "Harry", "Emily", "Jack", "Sophie", "Charlie", "Grace", "Thomas", "Charlotte", "William", "Lucy"],
    surnames: ["Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Evans", "Thomas", "Roberts", "Walker", "Wright", "Hughes", "Edwards", "Green"],
    companyPatterns: ["{surname} {word} Ltd", "{city} {word} plc", "{surname} & {surname2} Ltd", "British {word} Ltd"],
    companyWords: ["Engineering", "Trading", "Haulage", "Foods", "Joinery", "Textiles", "Instruments", "Packaging", "Motors", "Stationers"],
    phone: (d) => `+44 20 7946 0${d.slice(0, 3)}`,
    jobTitles: EN_JOB_TITLES,
  },
  {
    code: "DE",
    currencyCode: "EUR",
    cities: [
      { city: "Berlin", postCode: "10115", county: "Berlin" },
      { city: "München", postCode: "80331", county: "Bayern" },
      { city: "Hamburg", postCode: "20095", county: "Hamburg" },
      { city: "Köln", postCode: "50667", county: "Nordrhein-Westfalen" },
      { city: "Frankfurt am Main", postCode: "60311", county: "Hessen" },
      { city: "Stuttgart", postCode: "70173", county: "Baden-Württemberg" },
      { city: "Düsseldorf", postCode: "40213", county: "Nordrhein-Westfalen" },
      { city: "Leipzig", postCode: "04109", county: "Sachsen" },
      { city: "Nürnberg", postCode: "90402", county: "Bayern" },
    ],
    streets: ["Hauptstraße", "Bahnhofstraße", "Gartenstraße", "Schillerstraße", "Goethestraße", "Industriestraße", "Lindenallee", "Am Markt"],
    street: (name, n) => `${name} ${n}`,
    firstNames: ["Lukas", "Anna", "Jonas", "Lena", "Felix", "Marie", "Maximilian", "Sophie", "Paul", "Laura", "Tobias", "Katharina", "Stefan", "Julia"],
    surnames: ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann", "Koch", "Richter", "Klein", "Wolf"],
    companyPatterns: ["{surname} {word} GmbH", "{city}er {word} AG", "{surname} & {surname2} KG", "{word} {surname} GmbH & Co. KG"],
    companyWords: ["Maschinenbau", "Logistik", "Elektrotechnik", "Metallbau", "Feinkost", "Holzbau", "Druckerei", "Kunststofftechnik", "Anlagenbau", "Handel"],
    phone: (d) => `+49 ${["30", "89", "40", "221", "69"][Number(d[0]) % 5]} ${d.slice(1, 8)}`,
    jobTitles: ["Einkaufsleiter", "Geschäftsführer", "Buchhaltung", "Vertriebsleiter", "Leiter Logistik", "Prokurist", "IT-Leiter", "Assistenz der Geschäftsführung"],
  },
  {
    code: "FR",
    currencyCode: "EUR",
    cities: [
      { city: "Paris", postCode: "75002", county: "Île-de-France" },
      { city: "Lyon", postCode: "69002", county: "Rhône" },
      { city: "Marseille", postCode: "13001", county: "Bouches-du-Rhône" },
      { city: "Toulouse", postCode: "31000", county: "Haute-Garonne" },
      { city: "Bordeaux", postCode: "33000", county: "Gironde" },
      { city: "Lille", postCode: "59000", county: "Nord" },
      { city: "Nantes", postCode: "44000", county: "Loire-Atlantique" },
      { city: "Strasbourg", postCode: "67000", county: "Bas-Rhin" },
    ],
    streets: ["rue de la République", "avenue Victor Hugo", "rue du Commerce", "boulevard Pasteur", "rue des Lilas", "place de la Gare", "rue Nationale"],
    street: (name, n) => `${n} ${name}`,
    firstNames: ["Louis", "Camille", "Gabriel", "Léa", "Hugo", "Manon", "Arthur", "Chloé", "Jules", "Inès", "Nicolas", "Julie", "Antoine", "Claire"],
    surnames: ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau", "Simon", "Laurent", "Lefebvre", "Michel"],
    companyPatterns: ["{word} {surname} SARL", "{word} de {city} SA", "{surname} et Fils", "{word} {surname} SAS"],
    companyWords: ["Transports", "Boulangerie", "Menuiserie", "Imprimerie", "Fromagerie", "Quincaillerie", "Électricité", "Distribution", "Atelier", "Vins"],
    phone: (d) => `+33 ${1 + (Number(d[0]) % 5)} ${d.slice(1, 3)} ${d.slice(3, 5)} ${d.slice(5, 7)} ${d.slice(7, 9)}`,
    jobTitles: ["Responsable des achats", "Directeur général", "Comptable", "Directrice commerciale", "Responsable logistique", "Assistante de direction", "Gérant"],
  },
  {
    code: "IT",
    currencyCode: "EUR",
    cities: [
      { city: "Milano", postCode: "20121", county: "MI" },
      { city: "Roma", postCode: "00184", county: "RM" },
      { city: "Torino", postCode: "10121", county: "TO" },
      { city: "Bologna", postCode: "40121", county: "BO" },
      { city: "Firenze", postCode: "50122", county: "FI" },
      { city: "Napoli", postCode: "80133", county: "NA" },
      { city: "Verona", postCode: "37121", county: "VR" },
      { city: "Bergamo", postCode: "24121", county: "BG" },
    ],
    streets: ["Via Roma", "Via Garibaldi", "Corso Italia", "Via Dante Alighieri", "Via Mazzini", "Viale della Repubblica", "Via Verdi"],
    street: (name, n) => `${name}, ${n}`,
    firstNames: ["Francesco", "Giulia", "Alessandro", "Sofia", "Lorenzo", "Aurora", "Matteo", "Chiara", "Andrea", "Martina", "Marco", "Elena", "Luca", "Valentina"],
    surnames: ["Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino", "Greco", "Bruno", "Gallo", "Conti", "De Luca"],
    companyPatterns: ["{word} {surname} S.r.l.", "{surname} {word} S.p.A.", "{word} {city} S.r.l.", "F.lli {surname} S.n.c."],
    companyWords: ["Ferramenta", "Tessuti", "Meccanica", "Arredamenti", "Cantina", "Trasporti", "Alimentari", "Ceramiche", "Edilizia", "Utensili"],
    phone: (d) => `+39 0${2 + (Number(d[0]) % 7)} ${d.slice(1, 5)} ${d.slice(5, 9)}`,
    jobTitles: ["Responsabile acquisti", "Amministratore delegato", "Contabile", "Direttore commerciale", "Responsabile logistica", "Titolare"],
  },
  {
    code: "SE",
    currencyCode: "SEK",
    cities: [
      { city: "Stockholm", postCode: "111 52", county: "Stockholms län" },
      { city: "Göteborg", postCode: "411 06", county: "Västra Götalands län" },
      { city: "Malmö", postCode: "211 20", county: "Skåne län" },
      { city: "Uppsala", postCode: "753 20", county: "Uppsala län" },
      { city: "Västerås", postCode: "722 12", county: "Västmanlands län" },
      { city: "Örebro", postCode: "702 10", county: "Örebro län" },
      { city: "Linköping", postCode: "582 24", county: "Östergötlands län" },
    ],
    streets: ["Storgatan", "Drottninggatan", "Kungsgatan", "Vasagatan", "Industrivägen", "Skolgatan", "Järnvägsgatan"],
    street: (name, n) => `${name} ${n}`,
    firstNames: ["Erik", "Anna", "Lars", "Maria", "Karl", "Elin", "Johan", "Sara", "Anders", "Emma", "Per", "Karin", "Nils", "Ingrid"],
    surnames: ["Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson", "Svensson", "Gustafsson", "Lindqvist", "Berg", "Lindgren", "Holm"],
    companyPatterns: ["{surname}s {word} AB", "{city} {word} AB", "{word}huset i {city} AB", "Nordisk {word} AB"],
    companyWords: ["Trävaror", "Verktyg", "Bygg", "Elektriska", "Livsmedel", "Transport", "Mekaniska", "Kaffe", "Papper", "Plast"],
    phone: (d) => `+46 ${8 + (Number(d[0]) % 2) * 23} ${d.slice(1, 4)} ${d.slice(4, 6)} ${d.slice(6, 8)}`,
    jobTitles: ["Inköpschef", "Verkställande direktör", "Ekonomiansvarig", "Försäljningschef", "Logistikchef", "Kontorschef"],
  },
  {
    code: "NL",
    currencyCode: "EUR",
    cities: [
      { city: "Amsterdam", postCode: "1012 AB", county: "Noord-Holland" },
      { city: "Rotterdam", postCode: "3011 AA", county: "Zuid-Holland" },
      { city: "Utrecht", postCode: "3511 AA", county: "Utrecht" },
      { city: "Eindhoven", postCode: "5611 AA", county: "Noord-Brabant" },
      { city: "Den Haag", postCode: "2511 AA", county: "Zuid-Holland" },
      { city: "Groningen", postCode: "9711 AA", county: "Groningen" },
    ],
    streets: ["Hoofdstraat", "Kerkstraat", "Dorpsstraat", "Stationsweg", "Marktplein", "Industrieweg", "Molenweg"],
    street: (name, n) => `${name} ${n}`,
    firstNames: ["Daan", "Emma", "Sem", "Julia", "Lucas", "Sophie", "Levi", "Tess", "Bram", "Anna", "Thijs", "Lotte", "Ruben", "Sanne"],
    surnames: ["de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Janssen", "Visser", "Smit", "Meijer", "de Boer", "Mulder", "de Groot", "Bos"],
    companyPatterns: ["{surname} {word} B.V.", "{city} {word} B.V.", "{surname} & {surname2} {word}", "Holland {word} B.V."],
    companyWords: ["Bloemen", "Installatietechniek", "Transport", "Bouw", "Kaashandel", "Metaal", "Logistiek", "Techniek", "Zuivel", "Groothandel"],
    phone: (d) => `+31 ${10 + (Number(d[0]) % 9) * 10} ${d.slice(1, 4)} ${d.slice(4, 8)}`,
    jobTitles: ["Inkoopmanager", "Directeur", "Boekhouder", "Verkoopdirecteur", "Logistiek manager", "Office manager"],
  },
  {
    code: "DK",
    currencyCode: "DKK",
    cities: [
      { city: "København", postCode: "1050", county: "Hovedstaden" },
      { city: "Aarhus", postCode: "8000", county: "Midtjylland" },
      { city: "Odense", postCode: "5000", county: "Syddanmark" },
      { city: "Aalborg", postCode: "9000", county: "Nordjylland" },
      { city: "Esbjerg", postCode: "6700", county: "Syddanmark" },
      { city: "Vejle", postCode: "7100", county: "Syddanmark" },
    ],
    streets: ["Vestergade", "Østergade", "Nørregade", "Søndergade", "Strandvejen", "Industrivej", "Kirkevej"],
    street: (name, n) => `${name} ${n}`,
    firstNames: ["William", "Ida", "Noah", "Emma", "Oscar", "Freja", "Lucas", "Clara", "Mads", "Sofie", "Rasmus", "Mette", "Jens", "Louise"],
    surnames: ["Nielsen", "Jensen", "Hansen", "Pedersen", "Andersen", "Christensen", "Larsen", "Sørensen", "Rasmussen", "Jørgensen", "Petersen", "Madsen", "Kristensen", "Olsen"],
    companyPatterns: ["{surname} {word} A/S", "{city} {word} ApS", "{surname} & {surname2} ApS", "Dansk {word} A/S"],
    companyWords: ["Møbler", "Elektro", "Byg", "Transport", "Maskiner", "Fødevarer", "Trælast", "VVS", "Emballage", "Handel"],
    phone: (d) => `+45 ${d.slice(0, 2).replace(/^0/, "3")} ${d.slice(2, 4)} ${d.slice(4, 6)} ${d.slice(6, 8)}`,
    jobTitles: ["Indkøbschef", "Administrerende direktør", "Bogholder", "Salgschef", "Logistikchef", "Kontorchef"],
  },
  {
    code: "ES",
    currencyCode: "EUR",
    cities: [
      { city: "Madrid", postCode: "28013", county: "Madrid" },
      { city: "Barcelona", postCode: "08002", county: "Barcelona" },
      { city: "Valencia", postCode: "46002", county: "Valencia" },
      { city: "Sevilla", postCode: "41004", county: "Sevilla" },
      { city: "Bilbao", postCode: "48001", county: "Bizkaia" },
      { city: "Zaragoza", postCode: "50001", county: "Zaragoza" },
      { city: "Málaga", postCode: "29005", county: "Málaga" },
    ],
    streets: ["Calle Mayor", "Avenida de la Constitución", "Calle Real", "Paseo de Gracia", "Calle del Carmen", "Gran Vía", "Calle de Alcalá"],
    street: (name, n) => `${name}, ${n}`,
    firstNames: ["Hugo", "Lucía", "Martín", "Sofía", "Pablo", "María", "Alejandro", "Paula", "Daniel", "Carmen", "Javier", "Elena", "Diego", "Laura"],
    surnames: ["García", "Fernández", "González", "Rodríguez", "López", "Martínez", "Sánchez", "Pérez", "Gómez", "Martín", "Jiménez", "Ruiz", "Hernández", "Díaz"],
    companyPatterns: ["{word} {surname} S.L.", "{word} de {city} S.A.", "{surname} e Hijos S.L.", "{word} Ibéricas S.A."],
    companyWords: ["Distribuciones", "Construcciones", "Bodegas", "Transportes", "Suministros", "Talleres", "Conservas", "Muebles", "Aceites", "Textiles"],
    phone: (d) => `+34 9${d.slice(0, 2)} ${d.slice(2, 5)} ${d.slice(5, 8)}`,
    jobTitles: ["Jefe de compras", "Director general", "Contable", "Directora comercial", "Responsable de logística", "Gerente"],
  },
  {
    code: "NO",
    currencyCode: "EUR",
    cities: [
      { city: "Oslo", postCode: "0150", county: "Oslo" },
      { city: "Bergen", postCode: "5003", county: "Vestland" },
      { city: "Stavanger", postCode: "4006", county: "Rogaland" },
    ],
    streets: ["Storgata", "Kirkegata", "Strandgata", "Havnegata"],
    street: (name, n) => `${name} ${n}`,
    firstNames: ["Jakob", "Nora", "Emil", "Ingrid", "Henrik", "Sara", "Ole", "Kari"],
    surnames: ["Hansen", "Johansen", "Olsen", "Larsen", "Andersen", "Pedersen", "Nilsen", "Berg"],
    companyPatterns: ["{surname} {word} AS"],
    companyWords: ["Marine", "Fisk", "Bygg", "Transport"],
    phone: (d) => `+47 ${d.slice(0, 2).replace(/^0/, "2")} ${d.slice(2, 4)} ${d.slice(4, 6)} ${d.slice(6, 8)}`,
    jobTitles: ["Innkjøpssjef", "Daglig leder", "Regnskapsfører", "Salgssjef"],
  },
];

/** The country of a company from the shared demo list, told by its legal form or its name. */
export function countryOfCompanyName(name: string): CountryCode {
  const rules: [RegExp, CountryCode][] = [
    [/\b(GmbH|KG|AG)\b|Bäckerei/, "DE"],
    [/\b(SARL|SAS)\b|\bSA$|Société|Boulangerie|Atelier/, "FR"],
    [/S\.r\.l\.|S\.p\.A\./, "IT"],
    [/\bAB$/, "SE"],
    [/B\.V\.|Jansen & Bakker/, "NL"],
    [/A\/S|ApS/, "DK"],
    [/\bS\.L\.$|\bS\.A\.$/, "ES"],
    [/\bAS$/, "NO"],
    [/\b(Ltd|plc)\b/, "GB"],
  ];
  return rules.find(([pattern]) => pattern.test(name))?.[1] ?? "US";
}

export const SALESPEOPLE = [
  { code: "AH", name: "Annette Hill", email: "annette.hill@cronus-demo.example", phoneNo: "+1 (206) 555-0110" },
  { code: "BD", name: "Bart Duncan", email: "bart.duncan@cronus-demo.example", phoneNo: "+44 20 7946 0110" },
  { code: "GC", name: "Giulia Conti", email: "giulia.conti@cronus-demo.example", phoneNo: "+39 02 4455 0110" },
  { code: "JO", name: "Jim Olive", email: "jim.olive@cronus-demo.example", phoneNo: "+1 (312) 555-0111" },
  { code: "LM", name: "Linda Martin", email: "linda.martin@cronus-demo.example", phoneNo: "+44 20 7946 0111" },
  { code: "MD", name: "Marie Dubois", email: "marie.dubois@cronus-demo.example", phoneNo: "+33 1 42 68 01 10" },
  { code: "PS", name: "Peter Saddow", email: "peter.saddow@cronus-demo.example", phoneNo: "+49 30 5550110" },
  { code: "SL", name: "Sven Lindgren", email: "sven.lindgren@cronus-demo.example", phoneNo: "+46 8 555 01 10" },
];

/** Which salespeople usually serve which countries (the seed picks among them). */
export const SALESPEOPLE_BY_COUNTRY: Record<CountryCode, string[]> = {
  US: ["AH", "JO"],
  GB: ["BD", "LM"],
  DE: ["PS"],
  FR: ["MD"],
  IT: ["GC"],
  SE: ["SL"],
  NL: ["PS", "LM"],
  DK: ["SL"],
  ES: ["MD", "GC"],
  NO: ["SL"],
};

export const CURRENCIES = [
  { code: "DKK", description: "Danish Krone", symbol: "kr." },
  { code: "EUR", description: "Euro", symbol: "€" },
  { code: "GBP", description: "Pound Sterling", symbol: "£" },
  { code: "SEK", description: "Swedish Krona", symbol: "kr" },
  { code: "USD", description: "US Dollar", symbol: "$" },
];
