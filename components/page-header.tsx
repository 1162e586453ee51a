import { useTranslations } from "next-intl";
import Link from "next/link";
import type { ReactNode } from "react";

// The title row of a page: breadcrumb trail, heading and the page's main actions.
export function PageHeader(props: { title: string; trail?: { href: string; label: string }[]; actions?: ReactNode; subtitle?: string }) {
  const t = useTranslations("nav");
  return (
    <header className="page-header">
      <div>
        {props.trail && props.trail.length > 0 && (
          <nav aria-label={t("breadcrumb")} className="breadcrumb">
            <ol>
              {props.trail.map((t) => (
                <li key={t.href}>
                  <Link href={t.href}>{t.label}</Link>
                </li>
              ))}
            </ol>
          </nav>
        )}
        <h1>{props.title}</h1>
        {props.subtitle && <p className="page-subtitle">{props.subtitle}</p>}
      </div>
      {props.actions && <div className="page-actions">{props.actions}</div>}
    </header>
  );
}
