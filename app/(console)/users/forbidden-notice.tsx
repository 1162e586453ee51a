import { useTranslations } from "next-intl";
import { PageHeader } from "../../../components/page-header.tsx";
import type { Role } from "../../../lib/db/generated/enums.ts";

export function ForbiddenNotice({ title, role, action }: { title: string; role: Role; action: "manageUsers" | "createApiTokens" }) {
  const t = useTranslations();
  return (
    <main className="page">
      <PageHeader title={title} />
      <section className="card notice">
        <p role="alert">{t(`notAllowed.${action}`, { role: t(`rolesInText.${role}`) })}</p>
      </section>
    </main>
  );
}
