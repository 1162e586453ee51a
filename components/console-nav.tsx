"use client";

import { useTranslations } from "next-intl";
import Link from "next/link";
import { usePathname } from "next/navigation";

// The console's left navigation; the current section is marked for sighted users and screen readers alike.

type NavKey =
  | "customers"
  | "contacts"
  | "salespeople"
  | "currencies"
  | "integrationTableMappings"
  | "syncErrors"
  | "syncJobs"
  | "connection"
  | "users";
type NavItem = { href: string; key: NavKey };

const ERP_ITEMS: NavItem[] = [
  { href: "/customers", key: "customers" },
  { href: "/contacts", key: "contacts" },
  { href: "/salespeople", key: "salespeople" },
  { href: "/currencies", key: "currencies" },
];

const INTEGRATION_ITEMS: NavItem[] = [
  { href: "/integration/table-mappings", key: "integrationTableMappings" },
  { href: "/integration/sync-errors", key: "syncErrors" },
  { href: "/integration/sync-jobs", key: "syncJobs" },
  { href: "/integration/connection", key: "connection" },
];

// Heading ids stay the same in every language (they only tie each list to its heading).
function NavSection(props: { id: string; title: string; items: NavItem[]; pathname: string }) {
  const t = useTranslations("nav");
  const headingId = `nav-${props.id}`;
  return (
    <div className="nav-section">
      <h2 id={headingId} className="nav-heading">
        {props.title}
      </h2>
      <ul aria-labelledby={headingId}>
        {props.items.map((item) => {
          const isCurrent = props.pathname === item.href || props.pathname.startsWith(`${item.href}/`);
          return (
            <li key={item.href}>
              <Link href={item.href} className={isCurrent ? "nav-link is-current" : "nav-link"} aria-current={isCurrent ? "page" : undefined}>
                {t(item.key)}
              </Link>
            </li>
          );
        })}
      </ul>
    </div>
  );
}

export function ConsoleNav(props: { canManageUsers: boolean }) {
  const t = useTranslations("nav");
  const pathname = usePathname() ?? "";
  return (
    <nav aria-label={t("main")} className="console-nav">
      <NavSection id="sales" title={t("sales")} items={ERP_ITEMS} pathname={pathname} />
      <NavSection id="integration" title={t("integration")} items={INTEGRATION_ITEMS} pathname={pathname} />
      {props.canManageUsers && (
        <NavSection id="administration" title={t("administration")} items={[{ href: "/users", key: "users" }]} pathname={pathname} />
      )}
    </nav>
  );
}
