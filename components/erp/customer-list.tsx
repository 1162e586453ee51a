"use client";

import { createColumnHelper } from "@tanstack/react-table";
import Link from "next/link";
import type { CustomerListRow } from "../../lib/erp/customer-schema.ts";
import { DataTable, type FilterField, type ListState } from "../data-table.tsx";
import { serverTableFeatures } from "../server-table-features.ts";
import { formatAmount } from "../format.ts";

const BLOCKED_TEXT = { NONE: "", SHIP: "Ship", INVOICE: "Invoice", ALL: "All" } as const;

const column = createColumnHelper<typeof serverTableFeatures, CustomerListRow>();

const columns = column.columns([
  column.accessor("no", {
    header: "No.",
    cell: (info) => <Link href={`/customers/${encodeURIComponent(info.getValue())}`}>{info.getValue()}</Link>,
  }),
  column.accessor("name", { header: "Name" }),
  column.accessor("city", { header: "City" }),
  column.accessor("postCode", { header: "Post Code" }),
  column.accessor("countryRegionCode", { header: "Country/Region" }),
  column.accessor("phoneNo", { header: "Phone No." }),
  column.accessor("email", { header: "E-Mail" }),
  column.accessor("salespersonCode", { header: "Salesperson" }),
  column.accessor("currencyCode", { header: "Currency", cell: (info) => info.getValue() || "LCY" }),
  column.accessor("creditLimit", {
    header: "Credit Limit (LCY)",
    cell: (info) => <span className="num">{formatAmount(info.getValue())}</span>,
  }),
  column.accessor("blocked", { header: "Blocked", cell: (info) => BLOCKED_TEXT[info.getValue()] }),
]);

const filterFields: FilterField[] = [
  { id: "no", label: "No." },
  { id: "name", label: "Name" },
  { id: "city", label: "City" },
  { id: "postCode", label: "Post Code" },
  { id: "countryRegionCode", label: "Country/Region" },
  { id: "phoneNo", label: "Phone No." },
  { id: "email", label: "E-Mail" },
  { id: "salespersonCode", label: "Salesperson" },
  { id: "currencyCode", label: "Currency" },
  {
    id: "blocked",
    label: "Blocked",
    options: [
      { value: "NONE", label: "Not blocked" },
      { value: "SHIP", label: "Ship" },
      { value: "INVOICE", label: "Invoice" },
      { value: "ALL", label: "All" },
    ],
  },
];

export function CustomerList(props: { rows: CustomerListRow[]; total: number; state: ListState }) {
  return (
    <DataTable
      caption="Customers"
      columns={columns}
      data={props.rows}
      total={props.total}
      state={props.state}
      defaultSort="no"
      filterFields={filterFields}
      searchLabel="Search no., name, city or e-mail"
      getRowId={(row) => row.id}
    />
  );
}
