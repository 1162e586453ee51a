import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import Link from "next/link";
import { notFound } from "next/navigation";
import { CustomerCard } from "../../../../components/erp/customer-card.tsx";
import { PageHeader } from "../../../../components/page-header.tsx";
import { pageUser } from "../../../../lib/auth/page-guard.ts";
import { roleHasPermission } from "../../../../lib/auth/permissions.ts";
import { getDb } from "../../../../lib/db/db-client.ts";
import { toCustomerDto } from "../../../../lib/erp/customer-schema.ts";
import { getCustomerByNo } from "../../../../lib/erp/customer-service.ts";
import { decodeParam } from "../../../../lib/erp/parse-input.ts";
import { createCustomer, deleteCustomer, updateCustomer } from "../actions.ts";
import { customerCardLookups } from "../card-data.ts";
import { RecordDataversePanel } from "../../../../components/coupling/record-dataverse-panel.tsx";
import { cardCoupling, couplingPermissions, recordLog } from "../../coupling/coupling-data.ts";
import { couplingActionSet } from "../../coupling/coupling-action-set.ts";

export const dynamic = "force-dynamic";

type Params = Promise<{ no: string }>;

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const { no } = await params;
  const t = await getTranslations("customers");
  return { title: t("cardTitle", { no: decodeParam(no) }) };
}

export default async function CustomerCardPage({ params }: { params: Params }) {
  const { no } = await params;
  const { user } = await pageUser(`/customers/${no}`, "erp.read");
  const customer = await getCustomerByNo(getDb(), decodeParam(no));
  if (!customer) notFound();
  const permissions = couplingPermissions(user);
  const [lookups, coupling, log] = await Promise.all([
    customerCardLookups(customer.id),
    permissions.canRead ? cardCoupling("CUSTOMER", customer) : null,
    permissions.canRead ? recordLog("CUSTOMER", customer.id) : [],
  ]);
  const t = await getTranslations();
  return (
    <main className="page">
      <PageHeader
        title={`${customer.no} · ${customer.name}`}
        trail={[{ href: "/customers", label: t("customers.title") }]}
        subtitle={t("customers.card")}
      />
      <CustomerCard
        customer={toCustomerDto(customer)}
        {...lookups}
        canWrite={roleHasPermission(user.role, "erp.write")}
        create={createCustomer}
        update={updateCustomer}
        remove={deleteCustomer}
      />
      {coupling && (
        <RecordDataversePanel
          table="CUSTOMER"
          record={{ id: customer.id, no: customer.no, name: customer.name }}
          coupling={coupling}
          log={log}
          permissions={permissions}
          actions={couplingActionSet}
        />
      )}
      <section className="card" aria-labelledby="customer-contacts-heading">
        <h2 id="customer-contacts-heading">{t("customers.contactsHeading")}</h2>
        {lookups.contacts.length === 0 ? (
          <p>{t("customers.noContacts")}</p>
        ) : (
          <div className="table-scroll">
            <table className="data-table">
              <caption className="visually-hidden">{t("customers.contactsCaption", { no: customer.no })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("fields.no")}</th>
                  <th scope="col">{t("fields.name")}</th>
                  <th scope="col">{t("fields.jobTitle")}</th>
                  <th scope="col">{t("fields.email")}</th>
                  <th scope="col">{t("fields.phoneNo")}</th>
                </tr>
              </thead>
              <tbody>
                {lookups.contacts.map((c) => (
                  <tr key={c.id}>
                    <td>
                      <Link href={`/contacts/${encodeURIComponent(c.no)}`}>{c.no}</Link>
                    </td>
                    <td>{c.name}</td>
                    <td>{c.jobTitle}</td>
                    <td>{c.email}</td>
                    <td>{c.phoneNo}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </main>
  );
}
