import { redirect } from "next/navigation";

export default function IntegrationIndex() {
  redirect("/integration/table-mappings");
}
