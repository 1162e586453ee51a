import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { NotAvailable } from "../../../../components/not-available.tsx";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("nav");
  return { title: t("syncErrors") };
}

export default async function Page() {
  const t = await getTranslations();
  return <NotAvailable title={t("nav.syncErrors")} description={t("notAvailable.syncErrors")} />;
}
