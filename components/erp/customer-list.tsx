"use client";

import { createColumnHelper } from "@tanstack/react-table";
import { useFormatter, useTranslations } from "next-intl";
import Link from "next/link";
import { useEffect, useMemo, useState } from "react";
import type { CustomerListRow } from "../../lib/erp/customer-schema.ts";
import type { ListCoupling } from "../coupling/coupling-action-props.ts";
import { ListCouplingActions } from "../coupling/list-coupling-actions.tsx";
import { SyncStatusBadge } from "../coupling/sync-status-badge.tsx";
import { DataTable, type FilterField, type ListState } from "../data-table.tsx";
import { serverTableFeatures } from "../server-table-features.ts";
import { formatAmount } from "../format.ts";

const column = createColumnHelper<typeof serverTableFeatures, CustomerListRow>();

export function CustomerList(props: { rows: CustomerListRow[]; total: number; state: ListState; coupling?: ListCoupling }) {
  const t = useTranslations();
  const format = useFormatter();
  const coupling = props.coupling;
  const canSelect = Boolean(coupling && (coupling.permissions.canCouple || coupling.permissions.canSync));
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  // A new page (or search, sort, filter) starts with nothing selected: the selection is of visible rows only.
  useEffect(() => setSelected(new Set()), [props.rows]);
  const toggle = (id: string, isOn: boolean) =>
    setSelected((current) => {
      const next = new Set(current);
      if (isOn) next.add(id);
      else next.delete(id);
      return next;
    });

  const { columns, filterFields } = useMemo(() => {
    const blockedText = (value: CustomerListRow["blocked"]) => (value === "NONE" ? "" : t(`blocked.${value}`));
    const columns = column.columns([
      column.accessor("no", {
        header: t("fields.no"),
        cell: (info) => {
          const link = <Link href={`/customers/${encodeURIComponent(info.getValue())}`}>{info.getValue()}</Link>;
          if (!canSelect) return link;
          const id = info.row.original.id;
          return (
            <span className="cpl-select-cell">
              <input
                type="checkbox"
                checked={selected.has(id)}
                onChange={(e) => toggle(id, e.target.checked)}
                aria-label={t("records.selectRecord", { no: info.getValue() })}
              />
              {link}
            </span>
          );
        },
      }),
      column.accessor("name", { header: t("fields.name") }),
      ...(coupling
        ? [
            column.display({
              id: "coupledToDataverse",
              header: t("integration.coupledToDataverse"),
              cell: (info) => <SyncStatusBadge status={coupling.couplings[info.row.original.id]?.status ?? "notCoupled"} />,
            }),
          ]
        : []),
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
  }, [t, format, coupling, canSelect, selected]);

  return (
    <>
      {coupling && canSelect && (
        <ListCouplingActions
          table="CUSTOMER"
          selected={props.rows.filter((r) => selected.has(r.id)).map((r) => ({ id: r.id, no: r.no, name: r.name }))}
          pageIds={props.rows.map((r) => r.id)}
          onSelectAll={(isOn) => setSelected(isOn ? new Set(props.rows.map((r) => r.id)) : new Set())}
          mappingDirection={coupling.mappingDirection}
          permissions={coupling.permissions}
          actions={coupling.actions}
        />
      )}
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
    </>
  );
}
