import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import Link from "next/link";
import { PageHeader } from "../../../components/page-header.tsx";
import { SimpleSearch } from "../../../components/simple-search.tsx";
import { pageUser } from "../../../lib/auth/page-guard.ts";
import { roleHasPermission } from "../../../lib/auth/permissions.ts";
import { getDb } from "../../../lib/db/db-client.ts";
import { currencyListQuerySchema } from "../../../lib/erp/currency-schema.ts";
import { listCurrencies } from "../../../lib/erp/currency-service.ts";
import { parseLenient } from "../../../lib/erp/parse-input.ts";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("currencies");
  return { title: t("title") };
}
export const dynamic = "force-dynamic";

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function CurrenciesPage({ searchParams }: { searchParams: SearchParams }) {
  const { user } = await pageUser("/currencies", "erp.read");
  const query = parseLenient(currencyListQuerySchema, await searchParams);
  const rows = await listCurrencies(getDb(), query);
  const t = await getTranslations();
  return (
    <main className="page">
      <PageHeader
        title={t("currencies.title")}
        subtitle={t("currencies.subtitle")}
        actions={
          roleHasPermission(user.role, "erp.write") ? (
            <Link href="/currencies/new" className="button button-primary">
              {t("currencies.new")}
            </Link>
          ) : null
        }
      />
      <section className="list">
        <SimpleSearch label={t("currencies.searchLabel")} defaultValue={query.q} count={rows.length} />
        <div className="table-scroll">
          <table className="data-table">
            <caption className="visually-hidden">{t("currencies.title")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("fields.code")}</th>
                <th scope="col">{t("fields.description")}</th>
                <th scope="col">{t("fields.symbol")}</th>
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
                    {query.q ? t("currencies.noMatch") : t("currencies.empty")}
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
