import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { CodeList } from "../../../components/erp/code-list.tsx";
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
    <CodeList
      basePath="/currencies"
      title={t("currencies.title")}
      subtitle={t("currencies.subtitle")}
      newLabel={roleHasPermission(user.role, "erp.write") ? t("currencies.new") : null}
      searchLabel={t("currencies.searchLabel")}
      query={query.q ?? ""}
      codeHeader={t("fields.code")}
      columns={[
        { header: t("fields.description"), cell: (c) => c.description },
        { header: t("fields.symbol"), cell: (c) => c.symbol },
      ]}
      rows={rows}
      emptyText={t("currencies.empty")}
      noMatchText={t("currencies.noMatch")}
    />
  );
}
