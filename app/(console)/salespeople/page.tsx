import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import Link from "next/link";
import { PageHeader } from "../../../components/page-header.tsx";
import { pageUser } from "../../../lib/auth/page-guard.ts";
import { roleHasPermission } from "../../../lib/auth/permissions.ts";
import { getDb } from "../../../lib/db/db-client.ts";
import { salespersonListQuerySchema } from "../../../lib/erp/salesperson-schema.ts";
import { listSalespeople } from "../../../lib/erp/salesperson-service.ts";
import { parseLenient } from "../../../lib/erp/parse-input.ts";
import { SimpleSearch } from "../../../components/simple-search.tsx";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("salespeople");
  return { title: t("title") };
}
export const dynamic = "force-dynamic";

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function SalespeoplePage({ searchParams }: { searchParams: SearchParams }) {
  const { user } = await pageUser("/salespeople", "erp.read");
  const query = parseLenient(salespersonListQuerySchema, await searchParams);
  const rows = await listSalespeople(getDb(), query);
  const t = await getTranslations();
  return (
    <main className="page">
      <PageHeader
        title={t("salespeople.title")}
        actions={
          roleHasPermission(user.role, "erp.write") ? (
            <Link href="/salespeople/new" className="button button-primary">
              {t("salespeople.new")}
            </Link>
          ) : null
        }
      />
      <section className="list">
        <SimpleSearch label={t("salespeople.searchLabel")} defaultValue={query.q} count={rows.length} />
        <div className="table-scroll">
          <table className="data-table">
            <caption className="visually-hidden">{t("salespeople.title")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("fields.code")}</th>
                <th scope="col">{t("fields.name")}</th>
                <th scope="col">{t("fields.email")}</th>
                <th scope="col">{t("fields.phoneNo")}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((s) => (
                <tr key={s.id}>
                  <td>
                    <Link href={`/salespeople/${encodeURIComponent(s.code)}`}>{s.code}</Link>
                  </td>
                  <td>{s.name}</td>
                  <td>{s.email}</td>
                  <td>{s.phoneNo}</td>
                </tr>
              ))}
              {rows.length === 0 && (
                <tr>
                  <td colSpan={4} className="empty-row">
                    {query.q ? t("salespeople.noMatch") : t("salespeople.empty")}
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
