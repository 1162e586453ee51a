import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import Link from "next/link";
import { ContactList } from "../../../components/erp/contact-list.tsx";
import { PageHeader } from "../../../components/page-header.tsx";
import { pageUser } from "../../../lib/auth/page-guard.ts";
import { roleHasPermission } from "../../../lib/auth/permissions.ts";
import { getDb } from "../../../lib/db/db-client.ts";
import { contactListQuerySchema } from "../../../lib/erp/contact-schema.ts";
import { listContacts } from "../../../lib/erp/contact-service.ts";
import { parseLenient } from "../../../lib/erp/parse-input.ts";
import { listCoupling } from "../coupling/coupling-data.ts";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("contacts");
  return { title: t("title") };
}
export const dynamic = "force-dynamic";

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

const FILTER_KEYS = ["no", "name", "jobTitle", "customerNo", "city", "countryRegionCode", "email", "phoneNo"] as const;

export default async function ContactsPage({ searchParams }: { searchParams: SearchParams }) {
  const { user } = await pageUser("/contacts", "erp.read");
  const query = parseLenient(contactListQuerySchema, await searchParams);
  const page = await listContacts(getDb(), query);
  const coupling = await listCoupling(user, "CONTACT", page.rows.map((r) => r.id));
  const t = await getTranslations("contacts");
  const filters: Record<string, string> = {};
  for (const key of FILTER_KEYS) if (query[key]) filters[key] = String(query[key]);
  return (
    <main className="page">
      <PageHeader
        title={t("title")}
        actions={
          roleHasPermission(user.role, "erp.write") ? (
            <Link href="/contacts/new" className="button button-primary">
              {t("new")}
            </Link>
          ) : null
        }
      />
      <ContactList
        rows={page.rows}
        total={page.total}
        state={{ page: page.page, pageSize: page.pageSize, sort: query.sort, dir: query.dir, q: query.q, filters }}
        coupling={coupling}
      />
    </main>
  );
}
