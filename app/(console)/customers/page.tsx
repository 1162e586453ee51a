import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import Link from "next/link";
import { CustomerList } from "../../../components/erp/customer-list.tsx";
import { PageHeader } from "../../../components/page-header.tsx";
import { pageUser } from "../../../lib/auth/page-guard.ts";
import { roleHasPermission } from "../../../lib/auth/permissions.ts";
import { getDb } from "../../../lib/db/db-client.ts";
import { CUSTOMER_FILTERS, customerListQuerySchema } from "../../../lib/erp/customer-schema.ts";
import { listCustomers } from "../../../lib/erp/customer-service.ts";
import { parseLenient } from "../../../lib/erp/parse-input.ts";
import { listCoupling } from "../coupling/coupling-data.ts";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("customers");
  return { title: t("title") };
}
export const dynamic = "force-dynamic";

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function CustomersPage({ searchParams }: { searchParams: SearchParams }) {
  const { user } = await pageUser("/customers", "erp.read");
  const query = parseLenient(customerListQuerySchema, await searchParams);
  const page = await listCustomers(getDb(), query);
  const coupling = await listCoupling(user, "CUSTOMER", page.rows.map((r) => r.id));
  const t = await getTranslations("customers");
  const filters: Record<string, string> = {};
  for (const key of [...CUSTOMER_FILTERS, "blocked"] as const) if (query[key]) filters[key] = String(query[key]);
  return (
    <main className="page">
      <PageHeader
        title={t("title")}
        actions={
          roleHasPermission(user.role, "erp.write") ? (
            <Link href="/customers/new" className="button button-primary">
              {t("new")}
            </Link>
          ) : null
        }
      />
      <CustomerList
        rows={page.rows}
        total={page.total}
        state={{ page: page.page, pageSize: page.pageSize, sort: query.sort, dir: query.dir, q: query.q, filters }}
        coupling={coupling}
      />
    </main>
  );
}
