"use client";

import { createColumnHelper } from "@tanstack/react-table";
import { useFormatter, useTranslations } from "next-intl";
import { useMemo } from "react";
import type { CustomerListRow } from "../../lib/erp/customer-schema.ts";
import type { ListCoupling } from "../coupling/coupling-action-props.ts";
import type { FilterField, ListState } from "../data-table.tsx";
import { serverTableFeatures } from "../server-table-features.ts";
import { formatAmount } from "../format.ts";
import { CoupledRecordList } from "./coupled-record-list.tsx";

const column = createColumnHelper<typeof serverTableFeatures, CustomerListRow>();

export function CustomerList(props: { rows: CustomerListRow[]; total: number; state: ListState; coupling?: ListCoupling }) {
  const t = useTranslations();
  const format = useFormatter();

  const { columns, filterFields } = useMemo(() => {
    const blockedText = (value: CustomerListRow["blocked"]) => (value === "NONE" ? "" : t(`blocked.${value}`));
    const columns = column.columns([
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
    <CoupledRecordList
      table="CUSTOMER"
      basePath="/customers"
      {...props}
      caption={t("customers.title")}
      searchLabel={t("customers.searchLabel")}
      columns={columns}
      filterFields={filterFields}
    />
  );
}
