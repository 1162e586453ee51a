import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { CodeList } from "../../../components/erp/code-list.tsx";
import { pageUser } from "../../../lib/auth/page-guard.ts";
import { roleHasPermission } from "../../../lib/auth/permissions.ts";
import { getDb } from "../../../lib/db/db-client.ts";
import { parseLenient } from "../../../lib/erp/parse-input.ts";
import { salespersonListQuerySchema } from "../../../lib/erp/salesperson-schema.ts";
import { listSalespeople } from "../../../lib/erp/salesperson-service.ts";

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
    <CodeList
      basePath="/salespeople"
      title={t("salespeople.title")}
      newLabel={roleHasPermission(user.role, "erp.write") ? t("salespeople.new") : null}
      searchLabel={t("salespeople.searchLabel")}
      query={query.q ?? ""}
      codeHeader={t("fields.code")}
      columns={[
        { header: t("fields.name"), cell: (s) => s.name },
        { header: t("fields.email"), cell: (s) => s.email },
        { header: t("fields.phoneNo"), cell: (s) => s.phoneNo },
      ]}
      rows={rows}
      emptyText={t("salespeople.empty")}
      noMatchText={t("salespeople.noMatch")}
    />
  );
}
