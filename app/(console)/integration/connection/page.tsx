import type { Metadata } from "next";
import { NotAvailable } from "../../../../components/not-available.tsx";

export const metadata: Metadata = { title: "Dataverse Connection" };

export default function Page() {
  return <NotAvailable title="Dataverse Connection" description="The Dataverse environment the console synchronizes with, its credentials and the connection test." />;
}
