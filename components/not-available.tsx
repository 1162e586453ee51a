import { PageHeader } from "./page-header.tsx";

/** An honest placeholder for a page whose feature has not been built yet. */
export function NotAvailable(props: { title: string; description: string }) {
  return (
    <main className="page">
      <PageHeader title={props.title} trail={[{ href: "/integration/table-mappings", label: "Integration" }]} />
      <section className="card notice" aria-labelledby="not-available-heading">
        <h2 id="not-available-heading">Not available yet</h2>
        <p>{props.description}</p>
        <p>This page is part of the Dataverse integration, which is not built yet. The ERP records (customers, contacts, salespeople and currencies) can already be used.</p>
      </section>
    </main>
  );
}
