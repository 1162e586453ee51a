import { NextIntlClientProvider } from "next-intl";
import { getMessages } from "next-intl/server";
import type { ReactNode } from "react";
import { clientMessages } from "../../../i18n/client-messages.ts";

// The integration admin pages' client components read the integrationAdmin messages, which the root layout leaves
// out of every other page's payload.
export default async function IntegrationLayout({ children }: { children: ReactNode }) {
  return <NextIntlClientProvider messages={clientMessages(await getMessages(), { integrationAdmin: true })}>{children}</NextIntlClientProvider>;
}
