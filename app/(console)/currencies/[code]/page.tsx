import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { notFound } from "next/navigation";
import { CodeCard } from "../../../../components/erp/code-card.tsx";
import { PageHeader } from "../../../../components/page-header.tsx";
import { pageUser } from "../../../../lib/auth/page-guard.ts";
import { roleHasPermission } from "../../../../lib/auth/permissions.ts";
import { getDb } from "../../../../lib/db/db-client.ts";
import { decodeParam } from "../../../../lib/erp/parse-input.ts";
import { toCurrencyDto } from "../../../../lib/erp/currency-schema.ts";
import { getCurrencyByCode } from "../../../../lib/erp/currency-service.ts";
import { createCurrency, deleteCurrency, updateCurrency } from "../actions.ts";
import { CURRENCY_FIELDS } from "../currency-fields.ts";

export const dynamic = "force-dynamic";

type Params = Promise<{ code: string }>;

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const { code } = await params;
  const t = await getTranslations("currencies");
  return { title: t("cardTitle", { code: decodeParam(code) }) };
}

export default async function CurrencyCardPage({ params }: { params: Params }) {
  const { code } = await params;
  const { user } = await pageUser(`/currencies/${code}`, "erp.read");
  const currency = await getCurrencyByCode(getDb(), decodeParam(code));
  if (!currency) notFound();
  const t = await getTranslations("currencies");
  return (
    <main className="page">
      <PageHeader
        title={`${currency.code} · ${currency.description || currency.code}`}
        trail={[{ href: "/currencies", label: t("title") }]}
        subtitle={t("card")}
      />
      <CodeCard
        record={toCurrencyDto(currency)}
        entity="currency"
        basePath="/currencies"
        codeMaxLength={10}
        fields={CURRENCY_FIELDS}
        canWrite={roleHasPermission(user.role, "erp.write")}
        create={createCurrency}
        update={updateCurrency}
        remove={deleteCurrency}
      />
    </main>
  );
}
