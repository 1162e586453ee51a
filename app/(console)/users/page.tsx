import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import Link from "next/link";
import { PageHeader } from "../../../components/page-header.tsx";
import { pageUser } from "../../../lib/auth/page-guard.ts";
import { listUsers } from "../../../lib/auth/users.ts";
import { getDb } from "../../../lib/db/db-client.ts";
import { CreateUserForm } from "./create-user-form.tsx";
import { ForbiddenNotice } from "./forbidden-notice.tsx";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("users");
  return { title: t("title") };
}
export const dynamic = "force-dynamic";

export default async function UsersPage() {
  const { user, isAllowed } = await pageUser("/users", "users.manage");
  const t = await getTranslations();
  if (!isAllowed) return <ForbiddenNotice title={t("users.title")} role={user.role} action="manageUsers" />;
  const users = await listUsers(getDb());
  return (
    <main className="page">
      <PageHeader
        title={t("users.title")}
        subtitle={t("users.subtitle")}
        actions={
          <Link href="/users/tokens" className="button">
            {t("users.apiTokens")}
          </Link>
        }
      />
      <section className="card">
        <table className="data-table">
          <caption className="visually-hidden">{t("users.tableCaption")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("users.email")}</th>
              <th scope="col">{t("users.name")}</th>
              <th scope="col">{t("users.role")}</th>
              <th scope="col">{t("users.status")}</th>
              <th scope="col">{t("users.activeTokens")}</th>
            </tr>
          </thead>
          <tbody>
            {users.map((u) => (
              <tr key={u.id}>
                <td>
                  <Link href={`/users/${u.id}`}>{u.email}</Link>
                </td>
                <td>{u.name}</td>
                <td>
                  <span className={`role-badge role-${u.role.toLowerCase()}`}>{t(`roles.${u.role}`)}</span>
                </td>
                <td>{u.isActive ? t("users.active") : t("users.deactivated")}</td>
                <td>{u.activeTokenCount}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section className="card">
        <CreateUserForm />
      </section>
    </main>
  );
}
