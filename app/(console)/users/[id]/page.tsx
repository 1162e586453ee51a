import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { notFound } from "next/navigation";
import { z } from "zod";
import { PageHeader } from "../../../../components/page-header.tsx";
import { pageUser } from "../../../../lib/auth/page-guard.ts";
import { getUserSummary, listApiTokens } from "../../../../lib/auth/users.ts";
import { getDb } from "../../../../lib/db/db-client.ts";
import { ApiTokenTable } from "../api-token-table.tsx";
import { ForbiddenNotice } from "../forbidden-notice.tsx";
import { ActiveToggle, ChangeRoleForm, ResetPasswordForm } from "../user-admin-forms.tsx";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("users");
  return { title: t("userTitle") };
}
export const dynamic = "force-dynamic";

export default async function UserPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const { user, isAllowed } = await pageUser(`/users/${id}`, "users.manage");
  const t = await getTranslations("users");
  if (!isAllowed) return <ForbiddenNotice title={t("userTitle")} role={user.role} action="manageUsers" />;
  if (!z.uuid().safeParse(id).success) notFound();
  const db = getDb();
  const subject = await getUserSummary(db, id);
  if (!subject) notFound();
  const tokens = await listApiTokens(db, { userId: subject.id });
  const facts = [subject.email, subject.isActive ? t("factActive") : t("factDeactivated")];
  if (!subject.hasPassword) facts.push(t("factMicrosoftOnly"));
  return (
    <main className="page">
      <PageHeader title={subject.name} subtitle={facts.join(" · ")} trail={[{ href: "/users", label: t("title") }]} />
      <div className="card-grid">
        <section className="card">
          <ChangeRoleForm userId={subject.id} role={subject.role} />
        </section>
        <section className="card">
          <ActiveToggle userId={subject.id} email={subject.email} isActive={subject.isActive} />
        </section>
        <section className="card">
          <ResetPasswordForm userId={subject.id} />
        </section>
      </div>
      <section className="card">
        <ApiTokenTable caption={t("tokensOf", { email: subject.email })} tokens={tokens} showOwner={false} canRevoke />
      </section>
    </main>
  );
}
