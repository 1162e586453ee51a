import type { Metadata } from "next";
import { CustomerCard } from "../../../../components/erp/customer-card.tsx";
import { NotAllowed } from "../../../../components/not-allowed.tsx";
import { PageHeader } from "../../../../components/page-header.tsx";
import { pageUser } from "../../../../lib/auth/page-guard.ts";
import { createCustomer, deleteCustomer, updateCustomer } from "../actions.ts";
import { customerCardLookups } from "../card-data.ts";

export const metadata: Metadata = { title: "New customer" };
export const dynamic = "force-dynamic";

export default async function NewCustomerPage() {
  const { user, isAllowed } = await pageUser("/customers/new", "erp.write");
  if (!isAllowed) {
    return (
      <main className="page">
        <PageHeader title="New customer" trail={[{ href: "/customers", label: "Customers" }]} />
        <NotAllowed role={user.role} what="creating customers" />
      </main>
    );
  }
  const lookups = await customerCardLookups(null);
  return (
    <main className="page">
      <PageHeader title="New customer" trail={[{ href: "/customers", label: "Customers" }]} subtitle="Customer card" />
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
