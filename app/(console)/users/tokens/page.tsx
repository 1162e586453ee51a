import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { PageHeader } from "../../../../components/page-header.tsx";
import { pageUser } from "../../../../lib/auth/page-guard.ts";
import { roleHasPermission } from "../../../../lib/auth/permissions.ts";
import { listApiTokens } from "../../../../lib/auth/users.ts";
import { getDb } from "../../../../lib/db/db-client.ts";
import { CreateApiTokenForm } from "../api-token-forms.tsx";
import { ApiTokenTable } from "../api-token-table.tsx";
import { ForbiddenNotice } from "../forbidden-notice.tsx";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("apiTokens");
  return { title: t("title") };
}
export const dynamic = "force-dynamic";

export default async function ApiTokensPage() {
  const { user, isAllowed } = await pageUser("/users/tokens", "api-tokens.manage-own");
  const t = await getTranslations();
  if (!isAllowed) return <ForbiddenNotice title={t("apiTokens.title")} role={user.role} action="createApiTokens" />;
  const db = getDb();
  const mine = await listApiTokens(db, { userId: user.id });
  const isUserManager = roleHasPermission(user.role, "users.manage");
  const others = isUserManager ? (await listApiTokens(db)).filter((t) => t.userId !== user.id) : [];
  return (
    <main className="page">
      <PageHeader
        title={t("apiTokens.title")}
        trail={isUserManager ? [{ href: "/users", label: t("users.title") }] : undefined}
        subtitle={t("apiTokens.subtitle", { role: t(`rolesInText.${user.role}`) })}
      />
      <section className="card">
        <CreateApiTokenForm />
      </section>
      <section className="card">
        <ApiTokenTable caption={t("apiTokens.yours")} tokens={mine} showOwner={false} canRevoke />
      </section>
      {isUserManager && (
        <section className="card">
          <ApiTokenTable caption={t("apiTokens.others")} tokens={others} showOwner canRevoke />
        </section>
      )}
    </main>
  );
}
