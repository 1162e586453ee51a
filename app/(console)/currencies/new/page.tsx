import type { Metadata } from "next";
import { CodeCard } from "../../../../components/erp/code-card.tsx";
import { NotAllowed } from "../../../../components/not-allowed.tsx";
import { PageHeader } from "../../../../components/page-header.tsx";
import { pageUser } from "../../../../lib/auth/page-guard.ts";
import { createCurrency, deleteCurrency, updateCurrency } from "../actions.ts";
import { CURRENCY_FIELDS } from "../currency-fields.ts";

export const metadata: Metadata = { title: "New currency" };
export const dynamic = "force-dynamic";

export default async function NewCurrencyPage() {
  const { user, isAllowed } = await pageUser("/currencies/new", "erp.write");
  const trail = [{ href: "/currencies", label: "Currencies" }];
  return (
    <main className="page">
      <PageHeader title="New currency" trail={trail} subtitle="Currency card" />
      {isAllowed ? (
        <CodeCard
          record={null}
          entityLabel="currency"
          basePath="/currencies"
          codeMaxLength={10}
          fields={CURRENCY_FIELDS}
          canWrite
          create={createCurrency}
          update={updateCurrency}
          remove={deleteCurrency}
        />
      ) : (
        <NotAllowed role={user.role} what="creating currencies" />
      )}
    </main>
  );
}
