"use client";

import { createColumnHelper } from "@tanstack/react-table";
import { useTranslations } from "next-intl";
import Link from "next/link";
import { useEffect, useMemo, useState } from "react";
import type { ContactListRow } from "../../lib/erp/contact-schema.ts";
import type { ListCoupling } from "../coupling/coupling-action-props.ts";
import { ListCouplingActions } from "../coupling/list-coupling-actions.tsx";
import { SyncStatusBadge } from "../coupling/sync-status-badge.tsx";
import { DataTable, type FilterField, type ListState } from "../data-table.tsx";
import { serverTableFeatures } from "../server-table-features.ts";

const column = createColumnHelper<typeof serverTableFeatures, ContactListRow>();

export function ContactList(props: { rows: ContactListRow[]; total: number; state: ListState; coupling?: ListCoupling }) {
  const t = useTranslations();
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
    const columns = column.columns([
      column.accessor("no", {
        header: t("fields.no"),
        cell: (info) => {
          const link = <Link href={`/contacts/${encodeURIComponent(info.getValue())}`}>{info.getValue()}</Link>;
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
      { id: "no", label: t("fields.no") },
      { id: "name", label: t("fields.name") },
      { id: "jobTitle", label: t("fields.jobTitle") },
      { id: "customerNo", label: t("fields.customerNo") },
      { id: "city", label: t("fields.city") },
      { id: "countryRegionCode", label: t("fields.countryRegion") },
      { id: "email", label: t("fields.email") },
      { id: "phoneNo", label: t("fields.phoneNo") },
    ];
    return { columns, filterFields };
  }, [t, coupling, canSelect, selected]);

  return (
    <>
      {coupling && canSelect && (
        <ListCouplingActions
          table="CONTACT"
          selected={props.rows.filter((r) => selected.has(r.id)).map((r) => ({ id: r.id, no: r.no, name: r.name }))}
          pageIds={props.rows.map((r) => r.id)}
          onSelectAll={(isOn) => setSelected(isOn ? new Set(props.rows.map((r) => r.id)) : new Set())}
          mappingDirection={coupling.mappingDirection}
          permissions={coupling.permissions}
          actions={coupling.actions}
        />
      )}
      <DataTable
      caption={t("contacts.title")}
      columns={columns}
      data={props.rows}
      total={props.total}
      state={props.state}
      defaultSort="no"
      filterFields={filterFields}
      searchLabel={t("contacts.searchLabel")}
      getRowId={(row) => row.id}
      />
    </>
  );
}
