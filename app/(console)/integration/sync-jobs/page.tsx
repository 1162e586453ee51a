import type { Metadata } from "next";
import { NotAvailable } from "../../../../components/not-available.tsx";

export const metadata: Metadata = { title: "Synchronization Jobs" };

export default function Page() {
  return <NotAvailable title="Synchronization Jobs" description="The log of synchronization, coupling and uncoupling jobs with their counters and errors." />;
}
