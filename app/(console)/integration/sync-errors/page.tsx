import type { Metadata } from "next";
import { NotAvailable } from "../../../../components/not-available.tsx";

export const metadata: Metadata = { title: "Coupled Data Synchronization Errors" };

export default function Page() {
  return <NotAvailable title="Coupled Data Synchronization Errors" description="The coupled records whose last synchronization failed, with the error and the actions to resolve it." />;
}
