"use client";

import { useTranslations } from "next-intl";
import type { SyncStatus } from "./coupling-types.ts";
import "./coupling.css";

export function SyncStatusBadge(props: { status: SyncStatus }) {
  const t = useTranslations("integration.status");
  return <span className={`cpl-badge cpl-badge-${props.status}`}>{t(props.status)}</span>;
}
