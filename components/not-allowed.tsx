import type { Role } from "../lib/db/generated/browser.ts";

/** Shown instead of a form the signed-in role may not use; the server refuses the action anyway. */
export function NotAllowed(props: { role: Role; what: string }) {
  return (
    <p className="form-error" role="alert">
      Your role ({props.role.toLowerCase()}) does not allow {props.what}. Ask an administrator for access.
    </p>
  );
}
