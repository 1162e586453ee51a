import type { ApiTokenSummary } from "../../../lib/auth/users.ts";
import { RevokeApiTokenButton } from "./api-token-forms.tsx";

function formatDate(value: Date | null): string {
  return value ? value.toISOString().replace("T", " ").slice(0, 16) + " UTC" : "—";
}

export function ApiTokenTable(props: { caption: string; tokens: ApiTokenSummary[]; showOwner: boolean; canRevoke: boolean }) {
  if (props.tokens.length === 0) return <p>{props.caption}: none active.</p>;
  return (
    <table className="data-table">
      <caption>{props.caption}</caption>
      <thead>
        <tr>
          <th scope="col">Name</th>
          {props.showOwner && <th scope="col">Owner</th>}
          <th scope="col">Starts with</th>
          <th scope="col">Created</th>
          <th scope="col">Last used</th>
          <th scope="col">Expires</th>
          {props.canRevoke && (
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          )}
        </tr>
      </thead>
      <tbody>
        {props.tokens.map((t) => (
          <tr key={t.id}>
            <td>{t.name}</td>
            {props.showOwner && <td>{t.userEmail}</td>}
            <td>
              <code>{t.prefix}…</code>
            </td>
            <td>{formatDate(t.createdAt)}</td>
            <td>{formatDate(t.lastUsedAt)}</td>
            <td>{formatDate(t.expiresAt)}</td>
            {props.canRevoke && (
              <td>
                <RevokeApiTokenButton tokenId={t.id} tokenName={t.name} />
              </td>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
