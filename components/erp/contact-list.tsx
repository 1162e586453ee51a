"use client";

import { createColumnHelper } from "@tanstack/react-table";
import Link from "next/link";
import type { ContactListRow } from "../../lib/erp/contact-schema.ts";
import { DataTable, type FilterField, type ListState } from "../data-table.tsx";
import { serverTableFeatures } from "../server-table-features.ts";

const column = createColumnHelper<typeof serverTableFeatures, ContactListRow>();

const columns = column.columns([
  column.accessor("no", {
    header: "No.",
    cell: (info) => <Link href={`/contacts/${encodeURIComponent(info.getValue())}`}>{info.getValue()}</Link>,
  }),
  column.accessor("name", { header: "Name" }),
  column.accessor("jobTitle", { header: "Job Title" }),
  column.accessor("customerNo", {
    header: "Customer",
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
  column.accessor("city", { header: "City" }),
  column.accessor("countryRegionCode", { header: "Country/Region" }),
  column.accessor("email", { header: "E-Mail" }),
  column.accessor("phoneNo", { header: "Phone No." }),
]);

const filterFields: FilterField[] = [
  { id: "no", label: "No." },
  { id: "name", label: "Name" },
  { id: "jobTitle", label: "Job Title" },
  { id: "customerNo", label: "Customer No." },
  { id: "city", label: "City" },
  { id: "countryRegionCode", label: "Country/Region" },
  { id: "email", label: "E-Mail" },
  { id: "phoneNo", label: "Phone No." },
];

export function ContactList(props: { rows: ContactListRow[]; total: number; state: ListState }) {
  return (
    <DataTable
      caption="Contacts"
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
