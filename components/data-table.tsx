"use client";

import {
  flexRender,
  functionalUpdate,
  useTable,
  type Cell,
  type CellContext,
  type ColumnDef,
  type ColumnFiltersState,
  type PaginationState,
  type SortingState,
  type Updater,
} from "@tanstack/react-table";
import { useTranslations } from "next-intl";
import { usePathname, useRouter } from "next/navigation";
import { useId, useMemo, useState, useTransition, type FormEvent } from "react";
import { serverTableFeatures, type ServerTableFeatures } from "./server-table-features.ts";

// A list whose paging, sorting and filtering live in the URL and are executed by the server: the table state is
// derived from the search params, and every change navigates to the new URL (so lists are linkable and the
// browser's back button works).

export type ListState = {
  page: number;
  pageSize: number;
  sort: string;
  dir: "asc" | "desc";
  q?: string;
  filters: Record<string, string>;
};

export type FilterField = { id: string; label: string; options?: { value: string; label: string }[] };

type DataTableProps<TData extends object> = {
  caption: string;
  columns: ColumnDef<ServerTableFeatures, TData, any>[];
  data: TData[];
  total: number;
  state: ListState;
  defaultSort: string;
  filterFields: FilterField[];
  searchLabel: string;
  getRowId: (row: TData) => string;
  pageSizes?: readonly number[];
};

function toSearchParams(state: ListState, defaultSort: string): URLSearchParams {
  const params = new URLSearchParams();
  if (state.q) params.set("q", state.q);
  for (const [key, value] of Object.entries(state.filters)) if (value) params.set(key, value);
  if (state.sort !== defaultSort || state.dir !== "asc") {
    params.set("sort", state.sort);
    params.set("dir", state.dir);
  }
  if (state.page > 1) params.set("page", String(state.page));
  if (state.pageSize !== 50) params.set("pageSize", String(state.pageSize));
  return params;
}

/**
 * A body cell's content: what `<table.FlexRender cell={cell} />` renders, with the context built here instead of by
 * `cell.getContext()`, which creates a memo per cell on first use. A server render draws every cell once, so the memos
 * were never reused, and creating them (with FlexRender's own component per cell) took half of the table's render time
 * or more: 50 rows of 12 columns rendered to a string in 15-21 ms that way, 6.5-9 ms this way (P6 in bench/README.md).
 */
function renderCell<TData extends object>(cell: Cell<ServerTableFeatures, TData, unknown>) {
  const context: CellContext<ServerTableFeatures, TData, unknown> = {
    table: cell.table,
    column: cell.column,
    row: cell.row,
    cell,
    getValue: () => cell.getValue(),
    renderValue: () => cell.renderValue(),
  };
  return flexRender(cell.column.columnDef.cell, context);
}

export function DataTable<TData extends object>(props: DataTableProps<TData>) {
  const { state, defaultSort } = props;
  const t = useTranslations();
  const router = useRouter();
  const pathname = usePathname();
  const [isPending, startTransition] = useTransition();
  const [isFilterPaneOpen, setIsFilterPaneOpen] = useState(Object.keys(state.filters).length > 0);
  const ids = useId();

  const navigate = (next: ListState) => {
    const query = toSearchParams(next, defaultSort).toString();
    startTransition(() => router.push(query ? `${pathname}?${query}` : pathname, { scroll: false }));
  };

  const sorting: SortingState = useMemo(() => [{ id: state.sort, desc: state.dir === "desc" }], [state.sort, state.dir]);
  const pagination: PaginationState = useMemo(
    () => ({ pageIndex: state.page - 1, pageSize: state.pageSize }),
    [state.page, state.pageSize],
  );
  const columnFilters: ColumnFiltersState = useMemo(
    () => Object.entries(state.filters).map(([id, value]) => ({ id, value })),
    [state.filters],
  );

  const table = useTable({
    features: serverTableFeatures,
    columns: props.columns,
    data: props.data,
    getRowId: props.getRowId,
    rowCount: props.total,
    manualSorting: true,
    manualPagination: true,
    manualFiltering: true,
    enableSortingRemoval: false,
    enableMultiSort: false,
    autoResetPageIndex: false,
    state: { sorting, pagination, columnFilters },
    onSortingChange: (updater: Updater<SortingState>) => {
      const [first] = functionalUpdate(updater, sorting);
      navigate({ ...state, sort: first?.id ?? defaultSort, dir: first?.desc ? "desc" : "asc", page: 1 });
    },
    onPaginationChange: (updater: Updater<PaginationState>) => {
      const next = functionalUpdate(updater, pagination);
      const page = next.pageSize === pagination.pageSize ? next.pageIndex + 1 : 1;
      navigate({ ...state, page, pageSize: next.pageSize });
    },
    onColumnFiltersChange: (updater: Updater<ColumnFiltersState>) => {
      const next = functionalUpdate(updater, columnFilters);
      const filters = Object.fromEntries(next.filter((f) => f.value !== "" && f.value != null).map((f) => [f.id, String(f.value)]));
      navigate({ ...state, filters, page: 1 });
    },
  });

  const onSearch = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const q = String(new FormData(event.currentTarget).get("q") ?? "").trim();
    navigate({ ...state, q: q || undefined, page: 1 });
  };

  const onApplyFilters = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    table.setColumnFilters(
      props.filterFields
        .map((f) => ({ id: f.id, value: String(form.get(f.id) ?? "").trim() }))
        .filter((f) => f.value !== ""),
    );
  };

  const activeFilters = props.filterFields.filter((f) => state.filters[f.id]);
  const rowCount = table.getRowCount();
  const pageCount = Math.max(1, table.getPageCount());
  const firstRow = rowCount === 0 ? 0 : (state.page - 1) * state.pageSize + 1;
  const lastRow = Math.min(rowCount, state.page * state.pageSize);
  const pageSizes = props.pageSizes ?? [25, 50, 100, 200];

  return (
    <section className="list" aria-busy={isPending}>
      <div className="list-toolbar">
        <form role="search" className="list-search" onSubmit={onSearch}>
          <label htmlFor={`${ids}-q`} className="visually-hidden">
            {props.searchLabel}
          </label>
          <input
            id={`${ids}-q`}
            name="q"
            type="search"
            defaultValue={state.q ?? ""}
            key={state.q ?? ""}
            placeholder={props.searchLabel}
            maxLength={100}
          />
          <button type="submit" className="button">
            {t("common.search")}
          </button>
        </form>
        <button
          type="button"
          className="button"
          aria-expanded={isFilterPaneOpen}
          aria-controls={`${ids}-filters`}
          onClick={() => setIsFilterPaneOpen((open) => !open)}
        >
          {isFilterPaneOpen ? t("table.hideFilters") : t("table.showFilters")}
          {activeFilters.length > 0 ? t("table.activeFilterCount", { count: activeFilters.length }) : ""}
        </button>
        {(activeFilters.length > 0 || state.q) && (
          <button
            type="button"
            className="button button-link"
            onClick={() => navigate({ ...state, q: undefined, filters: {}, page: 1 })}
          >
            {t("table.clearAllFilters")}
          </button>
        )}
        <span className="list-status" role="status" aria-live="polite">
          {isPending ? t("table.loading") : t("common.recordCount", { count: rowCount })}
        </span>
      </div>

      {isFilterPaneOpen && (
        <form id={`${ids}-filters`} className="filter-pane" onSubmit={onApplyFilters} key={JSON.stringify(state.filters)}>
          <fieldset>
            <legend>{t("table.filterByColumn")}</legend>
            <div className="filter-grid">
              {props.filterFields.map((field) => (
                <div className="form-field" key={field.id}>
                  <label htmlFor={`${ids}-f-${field.id}`}>{field.label}</label>
                  {field.options ? (
                    <select id={`${ids}-f-${field.id}`} name={field.id} defaultValue={state.filters[field.id] ?? ""}>
                      <option value="">{t("common.any")}</option>
                      {field.options.map((o) => (
                        <option key={o.value} value={o.value}>
                          {o.label}
                        </option>
                      ))}
                    </select>
                  ) : (
                    <input
                      id={`${ids}-f-${field.id}`}
                      name={field.id}
                      type="text"
                      maxLength={100}
                      defaultValue={state.filters[field.id] ?? ""}
                    />
                  )}
                </div>
              ))}
            </div>
            <div className="form-actions">
              <button type="submit" className="button button-primary">
                {t("table.applyFilters")}
              </button>
              <button type="button" className="button" onClick={() => table.setColumnFilters([])}>
                {t("table.clearFilters")}
              </button>
            </div>
          </fieldset>
        </form>
      )}

      <div className="table-scroll">
        <table className="data-table">
          <caption className="visually-hidden">{props.caption}</caption>
          <thead>
            {table.getHeaderGroups().map((group) => (
              <tr key={group.id}>
                {group.headers.map((header) => {
                  const sorted = header.column.getIsSorted();
                  const canSort = header.column.getCanSort();
                  return (
                    <th
                      key={header.id}
                      scope="col"
                      aria-sort={sorted === "asc" ? "ascending" : sorted === "desc" ? "descending" : undefined}
                    >
                      {header.isPlaceholder ? null : canSort ? (
                        <button type="button" className="sort-button" onClick={header.column.getToggleSortingHandler()}>
                          <table.FlexRender header={header} />
                          <span className="sort-indicator" aria-hidden="true">
                            {sorted === "asc" ? "▲" : sorted === "desc" ? "▼" : "↕"}
                          </span>
                        </button>
                      ) : (
                        <table.FlexRender header={header} />
                      )}
                    </th>
                  );
                })}
              </tr>
            ))}
          </thead>
          <tbody>
            {table.getRowModel().rows.map((row) => (
              <tr key={row.id}>
                {row.getAllCells().map((cell) => (
                  <td key={cell.id}>{renderCell(cell)}</td>
                ))}
              </tr>
            ))}
            {props.data.length === 0 && (
              <tr>
                <td colSpan={props.columns.length} className="empty-row">
                  {state.q || activeFilters.length ? t("table.noMatch") : t("table.empty")}
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>

      <nav className="pager" aria-label={t("table.pages")}>
        <span>{t("table.range", { first: firstRow, last: lastRow, total: rowCount })}</span>
        <button type="button" className="button" onClick={() => table.firstPage()} disabled={!table.getCanPreviousPage()}>
          {t("table.first")}
        </button>
        <button type="button" className="button" onClick={() => table.previousPage()} disabled={!table.getCanPreviousPage()}>
          {t("table.previous")}
        </button>
        <span>{t("table.pageOf", { page: state.page, pages: pageCount })}</span>
        <button type="button" className="button" onClick={() => table.nextPage()} disabled={!table.getCanNextPage()}>
          {t("table.next")}
        </button>
        <button type="button" className="button" onClick={() => table.lastPage()} disabled={!table.getCanNextPage()}>
          {t("table.last")}
        </button>
        <label htmlFor={`${ids}-size`}>{t("table.rowsPerPage")}</label>
        <select id={`${ids}-size`} value={state.pageSize} onChange={(e) => table.setPageSize(Number(e.target.value))}>
          {[...new Set([...pageSizes, state.pageSize])].sort((a, b) => a - b).map((size) => (
            <option key={size} value={size}>
              {size}
            </option>
          ))}
        </select>
      </nav>
    </section>
  );
}
