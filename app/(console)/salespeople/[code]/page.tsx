import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { notFound } from "next/navigation";
import { CodeCard } from "../../../../components/erp/code-card.tsx";
import { PageHeader } from "../../../../components/page-header.tsx";
import { pageUser } from "../../../../lib/auth/page-guard.ts";
import { roleHasPermission } from "../../../../lib/auth/permissions.ts";
import { getDb } from "../../../../lib/db/db-client.ts";
import { decodeParam } from "../../../../lib/erp/parse-input.ts";
import { toSalespersonDto } from "../../../../lib/erp/salesperson-schema.ts";
import { getSalespersonByCode } from "../../../../lib/erp/salesperson-service.ts";
import { createSalesperson, deleteSalesperson, updateSalesperson } from "../actions.ts";
import { SALESPERSON_FIELDS } from "../salesperson-fields.ts";

export const dynamic = "force-dynamic";

type Params = Promise<{ code: string }>;

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const { code } = await params;
  const t = await getTranslations("salespeople");
  return { title: t("cardTitle", { code: decodeParam(code) }) };
}

export default async function SalespersonCardPage({ params }: { params: Params }) {
  const { code } = await params;
  const { user } = await pageUser(`/salespeople/${code}`, "erp.read");
  const salesperson = await getSalespersonByCode(getDb(), decodeParam(code));
  if (!salesperson) notFound();
  const t = await getTranslations("salespeople");
  return (
    <main className="page">
      <PageHeader
        title={`${salesperson.code} · ${salesperson.name}`}
        trail={[{ href: "/salespeople", label: t("title") }]}
        subtitle={t("card")}
      />
      <CodeCard
        record={toSalespersonDto(salesperson)}
        entity="salesperson"
        basePath="/salespeople"
        codeMaxLength={20}
        fields={SALESPERSON_FIELDS}
        canWrite={roleHasPermission(user.role, "erp.write")}
        create={createSalesperson}
        update={updateSalesperson}
        remove={deleteSalesperson}
      />
    </main>
  );
}
