import { getDb } from "../../../lib/db/db-client.ts";
import { listContactsOfCustomer } from "../../../lib/erp/contact-service.ts";
import { listCurrencies } from "../../../lib/erp/currency-service.ts";
import { listSalespeople } from "../../../lib/erp/salesperson-service.ts";

/** The lookups a customer card offers: currencies, salespeople and (for an existing customer) its contacts. */
export async function customerCardLookups(customerId: string | null) {
  const db = getDb();
  const [currencies, salespeople, contacts] = await Promise.all([
    listCurrencies(db),
    listSalespeople(db),
    customerId ? listContactsOfCustomer(db, customerId) : Promise.resolve([]),
  ]);
  return {
    currencies: currencies.map((c) => ({ code: c.code, description: c.description })),
    salespeople: salespeople.map((s) => ({ code: s.code, name: s.name })),
    contacts,
  };
}
