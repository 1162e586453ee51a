import type { Metadata } from "next";
import Link from "next/link";
import { PageHeader } from "../../../components/page-header.tsx";
import { SimpleSearch } from "../../../components/simple-search.tsx";
import { pageUser } from "../../../lib/auth/page-guard.ts";
import { roleHasPermission } from "../../../lib/auth/permissions.ts";
import { getDb } from "../../../lib/db/db-client.ts";
import { currencyListQuerySchema } from "../../../lib/erp/currency-schema.ts";
import { listCurrencies } from "../../../lib/erp/currency-service.ts";
import { parseLenient } from "../../../lib/erp/parse-input.ts";

export const metadata: Metadata = { title: "Currencies" };
export const dynamic = "force-dynamic";

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function CurrenciesPage({ searchParams }: { searchParams: SearchParams }) {
  const { user } = await pageUser("/currencies", "erp.read");
  const query = parseLenient(currencyListQuerySchema, await searchParams);
  const rows = await listCurrencies(getDb(), query);
  return (
    <main className="page">
      <PageHeader
        title="Currencies"
        subtitle="The local currency (LCY) is the blank currency code; it is not listed here."
        actions={
          roleHasPermission(user.role, "erp.write") ? (
            <Link href="/currencies/new" className="button button-primary">
              New currency
            </Link>
          ) : null
        }
      />
      <section className="list">
        <SimpleSearch label="Search code or description" defaultValue={query.q} count={rows.length} />
        <div className="table-scroll">
          <table className="data-table">
            <caption className="visually-hidden">Currencies</caption>
            <thead>
              <tr>
                <th scope="col">Code</th>
                <th scope="col">Description</th>
                <th scope="col">Symbol</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((c) => (
                <tr key={c.id}>
                  <td>
                    <Link href={`/currencies/${encodeURIComponent(c.code)}`}>{c.code}</Link>
                  </td>
                  <td>{c.description}</td>
                  <td>{c.symbol}</td>
                </tr>
              ))}
              {rows.length === 0 && (
                <tr>
                  <td colSpan={3} className="empty-row">
                    {query.q ? "No currencies match the search." : "There are no currencies yet."}
                  </td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
      </section>
    </main>
  );
}
