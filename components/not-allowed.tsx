import { useTranslations } from "next-intl";
import type { Role } from "../lib/db/generated/browser.ts";

export type NotAllowedAction = "createCustomers" | "createContacts" | "createSalespeople" | "createCurrencies";

/** Shown instead of a form the signed-in role may not use; the server refuses the action anyway. */
export function NotAllowed(props: { role: Role; action: NotAllowedAction }) {
  const t = useTranslations();
  return (
    <p className="form-error" role="alert">
      {t(`notAllowed.${props.action}`, { role: t(`rolesInText.${props.role}`) })}
    </p>
  );
}
