import type { Metadata } from "next";
import { NotAvailable } from "../../../../components/not-available.tsx";

export const metadata: Metadata = { title: "Integration Table Mappings" };

export default function Page() {
  return <NotAvailable title="Integration Table Mappings" description="Which ERP tables are coupled with which Dataverse tables, in which direction, with which filters and field mappings, and when they run." />;
}
