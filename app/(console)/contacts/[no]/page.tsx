import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { notFound } from "next/navigation";
import { ContactCard } from "../../../../components/erp/contact-card.tsx";
import { PageHeader } from "../../../../components/page-header.tsx";
import { pageUser } from "../../../../lib/auth/page-guard.ts";
import { roleHasPermission } from "../../../../lib/auth/permissions.ts";
import { getDb } from "../../../../lib/db/db-client.ts";
import { toContactDto } from "../../../../lib/erp/contact-schema.ts";
import { getContactByNo } from "../../../../lib/erp/contact-service.ts";
import { decodeParam } from "../../../../lib/erp/parse-input.ts";
import { createContact, deleteContact, findCustomerOptions, updateContact } from "../actions.ts";
import { RecordDataversePanel } from "../../../../components/coupling/record-dataverse-panel.tsx";
import { cardCoupling, couplingPermissions, recordLog } from "../../coupling/coupling-data.ts";
import { couplingActionSet } from "../../coupling/coupling-action-set.ts";

export const dynamic = "force-dynamic";

type Params = Promise<{ no: string }>;

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const { no } = await params;
  const t = await getTranslations("contacts");
  return { title: t("cardTitle", { no: decodeParam(no) }) };
}

export default async function ContactCardPage({ params }: { params: Params }) {
  const { no } = await params;
  const { user } = await pageUser(`/contacts/${no}`, "erp.read");
  const contact = await getContactByNo(getDb(), decodeParam(no));
  if (!contact) notFound();
  const t = await getTranslations("contacts");
  const permissions = couplingPermissions(user);
  const [coupling, log] = await Promise.all([
    permissions.canRead ? cardCoupling("CONTACT", contact) : null,
    permissions.canRead ? recordLog("CONTACT", contact.id) : [],
  ]);
  return (
    <main className="page">
      <PageHeader
        title={`${contact.no} · ${contact.name}`}
        trail={[{ href: "/contacts", label: t("title") }]}
        subtitle={t("card")}
      />
      <ContactCard
        contact={toContactDto(contact)}
        canWrite={roleHasPermission(user.role, "erp.write")}
        create={createContact}
        update={updateContact}
        remove={deleteContact}
        findCustomers={findCustomerOptions}
      />
      {coupling && (
        <RecordDataversePanel
          table="CONTACT"
          record={{ id: contact.id, no: contact.no, name: contact.name }}
          coupling={coupling}
          log={log}
          permissions={permissions}
          actions={couplingActionSet}
        />
      )}
    </main>
  );
}
