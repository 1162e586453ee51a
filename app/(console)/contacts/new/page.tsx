import type { Metadata } from "next";
import { ContactCard } from "../../../../components/erp/contact-card.tsx";
import { NotAllowed } from "../../../../components/not-allowed.tsx";
import { PageHeader } from "../../../../components/page-header.tsx";
import { pageUser } from "../../../../lib/auth/page-guard.ts";
import { createContact, deleteContact, findCustomerOptions, updateContact } from "../actions.ts";

export const metadata: Metadata = { title: "New contact" };
export const dynamic = "force-dynamic";

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function NewContactPage({ searchParams }: { searchParams: SearchParams }) {
  const { user, isAllowed } = await pageUser("/contacts/new", "erp.write");
  const trail = [{ href: "/contacts", label: "Contacts" }];
  if (!isAllowed) {
    return (
      <main className="page">
        <PageHeader title="New contact" trail={trail} />
        <NotAllowed role={user.role} what="creating contacts" />
      </main>
    );
  }
  const { customerNo } = await searchParams;
  const initialCustomerNo = typeof customerNo === "string" ? customerNo.slice(0, 20) : undefined;
  return (
    <main className="page">
      <PageHeader title="New contact" trail={trail} subtitle="Contact card" />
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
