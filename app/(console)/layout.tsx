import { getTranslations } from "next-intl/server";
import Link from "next/link";
import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { getSessionUser } from "../../lib/auth/authorize.ts";
import { roleHasPermission } from "../../lib/auth/permissions.ts";
import { ConsoleNav } from "../../components/console-nav.tsx";
import { LanguageSelect } from "../../components/language-select.tsx";
import { SignOutButton } from "../login/sign-out-button.tsx";
import { setOwnLocaleAction } from "./profile-actions.ts";

export const dynamic = "force-dynamic";

export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  const user = await getSessionUser();
  if (!user) redirect("/login");
  const t = await getTranslations();
  return (
    <div className="shell">
      <a href="#content" className="skip-link">
        {t("app.skipToContent")}
      </a>
      <aside className="sidebar">
        <Link href="/customers" className="brand">
          <span className="brand-mark" aria-hidden="true">
            ⇄
          </span>
          <span>{t("app.title")}</span>
        </Link>
        <ConsoleNav canManageUsers={roleHasPermission(user.role, "users.manage")} />
      </aside>
      <div className="shell-main">
        <header className="topbar">
          <span className="topbar-title">{t("app.topbarTitle")}</span>
          <div className="topbar-user">
            <span className="user-name">{user.name}</span>
            <span className={`role-badge role-${user.role.toLowerCase()}`}>{t(`roles.${user.role}`)}</span>
            {roleHasPermission(user.role, "profile.update-own") && <LanguageSelect save={setOwnLocaleAction} />}
            <SignOutButton className="button button-quiet" />
          </div>
        </header>
        <div id="content" className="content" tabIndex={-1}>
          {children}
        </div>
      </div>
    </div>
  );
}
