import type { Metadata } from "next";
import { CodeCard } from "../../../../components/erp/code-card.tsx";
import { NotAllowed } from "../../../../components/not-allowed.tsx";
import { PageHeader } from "../../../../components/page-header.tsx";
import { pageUser } from "../../../../lib/auth/page-guard.ts";
import { createSalesperson, deleteSalesperson, updateSalesperson } from "../actions.ts";
import { SALESPERSON_FIELDS } from "../salesperson-fields.ts";

export const metadata: Metadata = { title: "New salesperson" };
export const dynamic = "force-dynamic";

export default async function NewSalespersonPage() {
  const { user, isAllowed } = await pageUser("/salespeople/new", "erp.write");
  const trail = [{ href: "/salespeople", label: "Salespeople" }];
  return (
    <main className="page">
      <PageHeader title="New salesperson" trail={trail} subtitle="Salesperson card" />
      {isAllowed ? (
        <CodeCard
          record={null}
          entityLabel="salesperson"
          basePath="/salespeople"
          codeMaxLength={20}
          fields={SALESPERSON_FIELDS}
          canWrite
          create={createSalesperson}
          update={updateSalesperson}
          remove={deleteSalesperson}
        />
      ) : (
        <NotAllowed role={user.role} what="creating salespeople" />
      )}
    </main>
  );
}
