import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { CodeCard } from "../../../../components/erp/code-card.tsx";
import { NotAllowed } from "../../../../components/not-allowed.tsx";
import { PageHeader } from "../../../../components/page-header.tsx";
import { pageUser } from "../../../../lib/auth/page-guard.ts";
import { createSalesperson, deleteSalesperson, updateSalesperson } from "../actions.ts";
import { SALESPERSON_FIELDS } from "../salesperson-fields.ts";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("salespeople");
  return { title: t("new") };
}
export const dynamic = "force-dynamic";

export default async function NewSalespersonPage() {
  const { user, isAllowed } = await pageUser("/salespeople/new", "erp.write");
  const t = await getTranslations("salespeople");
  const trail = [{ href: "/salespeople", label: t("title") }];
  return (
    <main className="page">
      <PageHeader title={t("new")} trail={trail} subtitle={t("card")} />
      {isAllowed ? (
        <CodeCard
          record={null}
          entity="salesperson"
          basePath="/salespeople"
          codeMaxLength={20}
          fields={SALESPERSON_FIELDS}
          canWrite
          create={createSalesperson}
          update={updateSalesperson}
          remove={deleteSalesperson}
        />
      ) : (
        <NotAllowed role={user.role} action="createSalespeople" />
      )}
    </main>
  );
}
