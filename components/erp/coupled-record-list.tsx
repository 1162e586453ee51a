"use client";

import { createColumnHelper, type ColumnDef } from "@tanstack/react-table";
import { useTranslations } from "next-intl";
import Link from "next/link";
import { useEffect, useMemo, useState } from "react";
import type { CouplingTableName, ListCoupling } from "../coupling/coupling-action-props.ts";
import { ListCouplingActions } from "../coupling/list-coupling-actions.tsx";
import { SyncStatusBadge } from "../coupling/sync-status-badge.tsx";
import { DataTable, type FilterField, type ListState } from "../data-table.tsx";
import type { ServerTableFeatures } from "../server-table-features.ts";

// The list shell the customer and contact lists share: No. (with the row's selection box when the role may couple or
// synchronize) and Name first, the Coupled to Dataverse column, the selection's coupling actions above the table.
// Each list adds its own columns and filter fields after those.

type RecordRow = { id: string; no: string; name: string };

const NO_PLACEHOLDER = "\u0000";

export function CoupledRecordList<Row extends RecordRow>(props: {
  table: CouplingTableName;
  /** The cards' path: a row's No. links to `${basePath}/${no}`. */
  basePath: string;
  rows: Row[];
  total: number;
  state: ListState;
  coupling?: ListCoupling;
  caption: string;
  searchLabel: string;
  /** The columns after No., Name and Coupled to Dataverse. */
  columns: ColumnDef<ServerTableFeatures, Row, any>[];
  /** The filter fields after No. and Name. */
  filterFields: FilterField[];
}) {
  const t = useTranslations();
  const { coupling, basePath } = props;
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

  // The row boxes' labels come from one formatted message with a placeholder for the No.: use-intl merges its formats
  // and serializes a cache key on every call with values, which for a page of rows cost more than rendering them.
  const selectLabel = useMemo(() => {
    const template = t("records.selectRecord", { no: NO_PLACEHOLDER });
    return (no: string) => template.replace(NO_PLACEHOLDER, () => no);
  }, [t]);

  const columns = useMemo(() => {
    const column = createColumnHelper<ServerTableFeatures, Row>();
    return [
      column.accessor((row) => row.no, {
        id: "no",
        header: t("fields.no"),
        cell: (info) => {
          const link = <Link href={`${basePath}/${encodeURIComponent(info.getValue())}`}>{info.getValue()}</Link>;
          if (!canSelect) return link;
          const id = info.row.original.id;
          return (
            <span className="cpl-select-cell">
              <input
                type="checkbox"
                checked={selected.has(id)}
                onChange={(e) => toggle(id, e.target.checked)}
                aria-label={selectLabel(info.getValue())}
              />
              {link}
            </span>
          );
        },
      }),
      column.accessor((row) => row.name, { id: "name", header: t("fields.name") }),
      ...(coupling
        ? [
            column.display({
              id: "coupledToDataverse",
              header: t("integration.coupledToDataverse"),
              cell: (info) => <SyncStatusBadge status={coupling.statuses[info.row.original.id] ?? "notCoupled"} />,
            }),
          ]
        : []),
      ...props.columns,
    ];
  }, [t, basePath, coupling, canSelect, selected, selectLabel, props.columns]);

  const filterFields: FilterField[] = useMemo(
    () => [{ id: "no", label: t("fields.no") }, { id: "name", label: t("fields.name") }, ...props.filterFields],
    [t, props.filterFields],
  );

  return (
    <>
      {coupling && canSelect && (
        <ListCouplingActions
          table={props.table}
          selected={props.rows.filter((r) => selected.has(r.id)).map((r) => ({ id: r.id, no: r.no, name: r.name }))}
          pageIds={props.rows.map((r) => r.id)}
          onSelectAll={(isOn) => setSelected(isOn ? new Set(props.rows.map((r) => r.id)) : new Set())}
          mappingDirection={coupling.mappingDirection}
          permissions={coupling.permissions}
          actions={coupling.actions}
        />
      )}
      <DataTable
        caption={props.caption}
        columns={columns}
        data={props.rows}
        total={props.total}
        state={props.state}
        defaultSort="no"
        filterFields={filterFields}
        searchLabel={props.searchLabel}
        getRowId={(row) => row.id}
      />
    </>
  );
}
