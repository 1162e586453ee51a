import Link from "next/link";
import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { getSessionUser } from "../../lib/auth/authorize.ts";
import { roleHasPermission } from "../../lib/auth/permissions.ts";
import { ConsoleNav } from "../../components/console-nav.tsx";
import { SignOutButton } from "../login/sign-out-button.tsx";

export const dynamic = "force-dynamic";

const ROLE_LABELS = { VIEWER: "Viewer", USER: "User", ADMIN: "Admin" } as const;

export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  const user = await getSessionUser();
  if (!user) redirect("/login");
  return (
    <div className="shell">
      <a href="#content" className="skip-link">
        Skip to content
      </a>
      <aside className="sidebar">
        <Link href="/customers" className="brand">
          <span className="brand-mark" aria-hidden="true">
            ⇄
          </span>
          <span>Coupling console</span>
        </Link>
        <ConsoleNav canManageUsers={roleHasPermission(user.role, "users.manage")} />
      </aside>
      <div className="shell-main">
        <header className="topbar">
          <span className="topbar-title">ERP ↔ Dataverse</span>
          <div className="topbar-user">
            <span className="user-name">{user.name}</span>
            <span className={`role-badge role-${user.role.toLowerCase()}`}>{ROLE_LABELS[user.role]}</span>
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
