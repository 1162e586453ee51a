"use client";

import { createColumnHelper } from "@tanstack/react-table";
import { useTranslations } from "next-intl";
import Link from "next/link";
import { useMemo } from "react";
import type { ContactListRow } from "../../lib/erp/contact-schema.ts";
import type { ListCoupling } from "../coupling/coupling-action-props.ts";
import type { FilterField, ListState } from "../data-table.tsx";
import { serverTableFeatures } from "../server-table-features.ts";
import { CoupledRecordList } from "./coupled-record-list.tsx";

const column = createColumnHelper<typeof serverTableFeatures, ContactListRow>();

export function ContactList(props: { rows: ContactListRow[]; total: number; state: ListState; coupling?: ListCoupling }) {
  const t = useTranslations();

  const { columns, filterFields } = useMemo(() => {
    const columns = column.columns([
      column.accessor("jobTitle", { header: t("fields.jobTitle") }),
      column.accessor("customerNo", {
        header: t("fields.customer"),
        cell: (info) => {
          const no = info.getValue();
          if (!no) return null;
          return (
            <Link href={`/customers/${encodeURIComponent(no)}`} title={info.row.original.customerName}>
              {no} · {info.row.original.customerName}
            </Link>
          );
        },
      }),
      column.accessor("city", { header: t("fields.city") }),
      column.accessor("countryRegionCode", { header: t("fields.countryRegion") }),
      column.accessor("email", { header: t("fields.email") }),
      column.accessor("phoneNo", { header: t("fields.phoneNo") }),
    ]);
    const filterFields: FilterField[] = [
      { id: "jobTitle", label: t("fields.jobTitle") },
      { id: "customerNo", label: t("fields.customerNo") },
      { id: "city", label: t("fields.city") },
      { id: "countryRegionCode", label: t("fields.countryRegion") },
      { id: "email", label: t("fields.email") },
      { id: "phoneNo", label: t("fields.phoneNo") },
    ];
    return { columns, filterFields };
  }, [t]);

  return (
    <CoupledRecordList
      table="CONTACT"
      basePath="/contacts"
      {...props}
      caption={t("contacts.title")}
      searchLabel={t("contacts.searchLabel")}
      columns={columns}
      filterFields={filterFields}
    />
  );
}
