import { useTranslations } from "next-intl";
import { PageHeader } from "./page-header.tsx";

/** An honest placeholder for a page whose feature has not been built yet. */
export function NotAvailable(props: { title: string; description: string }) {
  const t = useTranslations();
  return (
    <main className="page">
      <PageHeader title={props.title} trail={[{ href: "/integration/table-mappings", label: t("nav.integration") }]} />
      <section className="card notice" aria-labelledby="not-available-heading">
        <h2 id="not-available-heading">{t("notAvailable.heading")}</h2>
        <p>{props.description}</p>
        <p>{t("notAvailable.body")}</p>
      </section>
    </main>
  );
}
