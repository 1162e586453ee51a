import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { CustomerCard } from "../../../../components/erp/customer-card.tsx";
import { NotAllowed } from "../../../../components/not-allowed.tsx";
import { PageHeader } from "../../../../components/page-header.tsx";
import { pageUser } from "../../../../lib/auth/page-guard.ts";
import { createCustomer, deleteCustomer, updateCustomer } from "../actions.ts";
import { customerCardLookups } from "../card-data.ts";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("customers");
  return { title: t("new") };
}
export const dynamic = "force-dynamic";

export default async function NewCustomerPage() {
  const { user, isAllowed } = await pageUser("/customers/new", "erp.write");
  const t = await getTranslations("customers");
  const trail = [{ href: "/customers", label: t("title") }];
  if (!isAllowed) {
    return (
      <main className="page">
        <PageHeader title={t("new")} trail={trail} />
        <NotAllowed role={user.role} action="createCustomers" />
      </main>
    );
  }
  const lookups = await customerCardLookups(null);
  return (
    <main className="page">
      <PageHeader title={t("new")} trail={trail} subtitle={t("card")} />
      <CustomerCard
        customer={null}
        {...lookups}
        canWrite
        create={createCustomer}
        update={updateCustomer}
        remove={deleteCustomer}
      />
    </main>
  );
}
