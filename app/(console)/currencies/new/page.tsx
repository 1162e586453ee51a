import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { CodeCard } from "../../../../components/erp/code-card.tsx";
import { NotAllowed } from "../../../../components/not-allowed.tsx";
import { PageHeader } from "../../../../components/page-header.tsx";
import { pageUser } from "../../../../lib/auth/page-guard.ts";
import { createCurrency, deleteCurrency, updateCurrency } from "../actions.ts";
import { CURRENCY_FIELDS } from "../currency-fields.ts";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("currencies");
  return { title: t("new") };
}
export const dynamic = "force-dynamic";

export default async function NewCurrencyPage() {
  const { user, isAllowed } = await pageUser("/currencies/new", "erp.write");
  const t = await getTranslations("currencies");
  const trail = [{ href: "/currencies", label: t("title") }];
  return (
    <main className="page">
      <PageHeader title={t("new")} trail={trail} subtitle={t("card")} />
      {isAllowed ? (
        <CodeCard
          record={null}
          entity="currency"
          basePath="/currencies"
          codeMaxLength={10}
          fields={CURRENCY_FIELDS}
          canWrite
          create={createCurrency}
          update={updateCurrency}
          remove={deleteCurrency}
        />
      ) : (
        <NotAllowed role={user.role} action="createCurrencies" />
      )}
    </main>
  );
}
