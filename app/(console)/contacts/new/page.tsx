import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { ContactCard } from "../../../../components/erp/contact-card.tsx";
import { NotAllowed } from "../../../../components/not-allowed.tsx";
import { PageHeader } from "../../../../components/page-header.tsx";
import { pageUser } from "../../../../lib/auth/page-guard.ts";
import { createContact, deleteContact, findCustomerOptions, updateContact } from "../actions.ts";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("contacts");
  return { title: t("new") };
}
export const dynamic = "force-dynamic";

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function NewContactPage({ searchParams }: { searchParams: SearchParams }) {
  const { user, isAllowed } = await pageUser("/contacts/new", "erp.write");
  const t = await getTranslations("contacts");
  const trail = [{ href: "/contacts", label: t("title") }];
  if (!isAllowed) {
    return (
      <main className="page">
        <PageHeader title={t("new")} trail={trail} />
        <NotAllowed role={user.role} action="createContacts" />
      </main>
    );
  }
  const { customerNo } = await searchParams;
  const initialCustomerNo = typeof customerNo === "string" ? customerNo.slice(0, 20) : undefined;
  return (
    <main className="page">
      <PageHeader title={t("new")} trail={trail} subtitle={t("card")} />
      <ContactCard
        contact={null}
        initialCustomerNo={initialCustomerNo}
        canWrite
        create={createContact}
        update={updateContact}
        remove={deleteContact}
        findCustomers={findCustomerOptions}
      />
    </main>
  );
}
