"use client";

import { signOut } from "next-auth/react";
import { useTranslations } from "next-intl";
import { useState } from "react";

/** Ends the session and returns to the login page. For the console header. */
export function SignOutButton({ className }: { className?: string }) {
  const t = useTranslations("header");
  const [isPending, setIsPending] = useState(false);
  return (
    <button
      type="button"
      className={className ?? "button button-link"}
      disabled={isPending}
      onClick={() => {
        setIsPending(true);
        void signOut({ callbackUrl: "/login" });
      }}
    >
      {isPending ? t("signingOut") : t("signOut")}
    </button>
  );
}
