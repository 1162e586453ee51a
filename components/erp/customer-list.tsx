"use client";

import { createColumnHelper } from "@tanstack/react-table";
import { useFormatter, useTranslations } from "next-intl";
import Link from "next/link";
import { useMemo } from "react";
import type { CustomerListRow } from "../../lib/erp/customer-schema.ts";
import { DataTable, type FilterField, type ListState } from "../data-table.tsx";
import { serverTableFeatures } from "../server-table-features.ts";
import { formatAmount } from "../format.ts";

const column = createColumnHelper<typeof serverTableFeatures, CustomerListRow>();

export function CustomerList(props: { rows: CustomerListRow[]; total: number; state: ListState }) {
  const t = useTranslations();
  const format = useFormatter();

  const { columns, filterFields } = useMemo(() => {
    const blockedText = (value: CustomerListRow["blocked"]) => (value === "NONE" ? "" : t(`blocked.${value}`));
    const columns = column.columns([
      column.accessor("no", {
        header: t("fields.no"),
        cell: (info) => <Link href={`/customers/${encodeURIComponent(info.getValue())}`}>{info.getValue()}</Link>,
      }),
      column.accessor("name", { header: t("fields.name") }),
      column.accessor("city", { header: t("fields.city") }),
      column.accessor("postCode", { header: t("fields.postCode") }),
      column.accessor("countryRegionCode", { header: t("fields.countryRegion") }),
      column.accessor("phoneNo", { header: t("fields.phoneNo") }),
      column.accessor("email", { header: t("fields.email") }),
      column.accessor("salespersonCode", { header: t("fields.salesperson") }),
      column.accessor("currencyCode", { header: t("fields.currency"), cell: (info) => info.getValue() || t("customers.localCurrency") }),
      column.accessor("creditLimit", {
        header: t("fields.creditLimit"),
        cell: (info) => <span className="num">{formatAmount(format, info.getValue())}</span>,
      }),
      column.accessor("blocked", { header: t("fields.blocked"), cell: (info) => blockedText(info.getValue()) }),
    ]);
    const filterFields: FilterField[] = [
      { id: "no", label: t("fields.no") },
      { id: "name", label: t("fields.name") },
      { id: "city", label: t("fields.city") },
      { id: "postCode", label: t("fields.postCode") },
      { id: "countryRegionCode", label: t("fields.countryRegion") },
      { id: "phoneNo", label: t("fields.phoneNo") },
      { id: "email", label: t("fields.email") },
      { id: "salespersonCode", label: t("fields.salesperson") },
      { id: "currencyCode", label: t("fields.currency") },
      {
        id: "blocked",
        label: t("fields.blocked"),
        options: [
          { value: "NONE", label: t("blocked.notBlocked") },
          { value: "SHIP", label: t("blocked.SHIP") },
          { value: "INVOICE", label: t("blocked.INVOICE") },
          { value: "ALL", label: t("blocked.ALL") },
        ],
      },
    ];
    return { columns, filterFields };
  }, [t, format]);

  return (
    <DataTable
      caption={t("customers.title")}
      columns={columns}
      data={props.rows}
      total={props.total}
      state={props.state}
      defaultSort="no"
      filterFields={filterFields}
      searchLabel={t("customers.searchLabel")}
      getRowId={(row) => row.id}
    />
  );
}
