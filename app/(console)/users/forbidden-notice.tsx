import { PageHeader } from "../../../components/page-header.tsx";

export function ForbiddenNotice({ title, role, what }: { title: string; role: string; what: string }) {
  return (
    <main className="page">
      <PageHeader title={title} />
      <section className="card notice">
        <p role="alert">
          Your role ({role.toLowerCase()}) does not allow you to {what}. Ask an administrator for access.
        </p>
      </section>
    </main>
  );
}
