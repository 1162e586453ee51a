// Suggestions for Country/Region Code fields (any code up to 10 characters is accepted).
export const COUNTRY_CODES = ["AT", "BE", "CH", "DE", "DK", "ES", "FI", "FR", "GB", "IE", "IT", "NL", "NO", "PL", "PT", "SE", "US"];
