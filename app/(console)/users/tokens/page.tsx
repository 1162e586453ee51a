import type { Metadata } from "next";
import { PageHeader } from "../../../../components/page-header.tsx";
import { pageUser } from "../../../../lib/auth/page-guard.ts";
import { roleHasPermission } from "../../../../lib/auth/permissions.ts";
import { listApiTokens } from "../../../../lib/auth/users.ts";
import { getDb } from "../../../../lib/db/db-client.ts";
import { CreateApiTokenForm } from "../api-token-forms.tsx";
import { ApiTokenTable } from "../api-token-table.tsx";
import { ForbiddenNotice } from "../forbidden-notice.tsx";

export const metadata: Metadata = { title: "API tokens" };
export const dynamic = "force-dynamic";

export default async function ApiTokensPage() {
  const { user, isAllowed } = await pageUser("/users/tokens", "api-tokens.manage-own");
  if (!isAllowed) return <ForbiddenNotice title="API tokens" role={user.role} what="create API tokens" />;
  const db = getDb();
  const mine = await listApiTokens(db, { userId: user.id });
  const isUserManager = roleHasPermission(user.role, "users.manage");
  const others = isUserManager ? (await listApiTokens(db)).filter((t) => t.userId !== user.id) : [];
  return (
    <main className="page">
      <PageHeader
        title="API tokens"
        trail={isUserManager ? [{ href: "/users", label: "Users" }] : undefined}
        subtitle={`Tokens let scripts call the JSON API (/api/v1) as you, with your role (${user.role.toLowerCase()}). Only a fingerprint is stored: a token is shown once, when it is created.`}
      />
      <section className="card">
        <CreateApiTokenForm />
      </section>
      <section className="card">
        <ApiTokenTable caption="Your API tokens" tokens={mine} showOwner={false} canRevoke />
      </section>
      {isUserManager && (
        <section className="card">
          <ApiTokenTable caption="Other users' API tokens" tokens={others} showOwner canRevoke />
        </section>
      )}
    </main>
  );
}
