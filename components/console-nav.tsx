"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

// The console's left navigation; the current section is marked for sighted users and screen readers alike.

type NavItem = { href: string; label: string };

const ERP_ITEMS: NavItem[] = [
  { href: "/customers", label: "Customers" },
  { href: "/contacts", label: "Contacts" },
  { href: "/salespeople", label: "Salespeople" },
  { href: "/currencies", label: "Currencies" },
];

const INTEGRATION_ITEMS: NavItem[] = [
  { href: "/integration/table-mappings", label: "Integration Table Mappings" },
  { href: "/integration/sync-errors", label: "Coupled Data Synchronization Errors" },
  { href: "/integration/sync-jobs", label: "Synchronization Jobs" },
  { href: "/integration/connection", label: "Dataverse Connection" },
];

function NavSection(props: { title: string; items: NavItem[]; pathname: string }) {
  const headingId = `nav-${props.title.toLowerCase().replace(/\W+/g, "-")}`;
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
                {item.label}
              </Link>
            </li>
          );
        })}
      </ul>
    </div>
  );
}

export function ConsoleNav(props: { canManageUsers: boolean }) {
  const pathname = usePathname() ?? "";
  return (
    <nav aria-label="Main" className="console-nav">
      <NavSection title="Sales" items={ERP_ITEMS} pathname={pathname} />
      <NavSection title="Integration" items={INTEGRATION_ITEMS} pathname={pathname} />
      {props.canManageUsers && (
        <NavSection title="Administration" items={[{ href: "/users", label: "Users" }]} pathname={pathname} />
      )}
    </nav>
  );
}
