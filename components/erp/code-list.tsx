import Link from "next/link";
import type { ReactNode } from "react";
import { PageHeader } from "../page-header.tsx";
import { SimpleSearch } from "../simple-search.tsx";

// The list page of a small code table (salespeople, currencies): header with New, search, and a table whose first
// column links each code to its card.
type Column<Row> = { header: string; cell: (row: Row) => ReactNode };

export function CodeList<Row extends { id: string; code: string }>(props: {
  basePath: string;
  title: string;
  subtitle?: string;
  newLabel: string | null;
  searchLabel: string;
  query: string;
  codeHeader: string;
  columns: Column<Row>[];
  rows: Row[];
  emptyText: string;
  noMatchText: string;
}) {
  return (
    <main className="page">
      <PageHeader
        title={props.title}
        subtitle={props.subtitle}
        actions={
          props.newLabel ? (
            <Link href={`${props.basePath}/new`} className="button button-primary">
              {props.newLabel}
            </Link>
          ) : null
        }
      />
      <section className="list">
        <SimpleSearch label={props.searchLabel} defaultValue={props.query} count={props.rows.length} />
        <div className="table-scroll">
          <table className="data-table">
            <caption className="visually-hidden">{props.title}</caption>
            <thead>
              <tr>
                <th scope="col">{props.codeHeader}</th>
                {props.columns.map((column) => (
                  <th scope="col" key={column.header}>
                    {column.header}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {props.rows.map((row) => (
                <tr key={row.id}>
                  <td>
                    <Link href={`${props.basePath}/${encodeURIComponent(row.code)}`}>{row.code}</Link>
                  </td>
                  {props.columns.map((column) => (
                    <td key={column.header}>{column.cell(row)}</td>
                  ))}
                </tr>
              ))}
              {props.rows.length === 0 && (
                <tr>
                  <td colSpan={props.columns.length + 1} className="empty-row">
                    {props.query ? props.noMatchText : props.emptyText}
                  </td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
      </section>
    </main>
  );
}
