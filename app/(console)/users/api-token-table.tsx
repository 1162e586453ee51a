import { useFormatter, useTranslations } from "next-intl";
import { formatDateTime } from "../../../components/format.ts";
import type { ApiTokenSummary } from "../../../lib/auth/users.ts";
import { RevokeApiTokenButton } from "./api-token-forms.tsx";

export function ApiTokenTable(props: { caption: string; tokens: ApiTokenSummary[]; showOwner: boolean; canRevoke: boolean }) {
  const t = useTranslations("apiTokens");
  const format = useFormatter();
  if (props.tokens.length === 0) return <p>{t("noneActive", { caption: props.caption })}</p>;
  return (
    <table className="data-table">
      <caption>{props.caption}</caption>
      <thead>
        <tr>
          <th scope="col">{t("name")}</th>
          {props.showOwner && <th scope="col">{t("owner")}</th>}
          <th scope="col">{t("startsWith")}</th>
          <th scope="col">{t("created")}</th>
          <th scope="col">{t("lastUsed")}</th>
          <th scope="col">{t("expires")}</th>
          {props.canRevoke && (
            <th scope="col">
              <span className="visually-hidden">{t("actions")}</span>
            </th>
          )}
        </tr>
      </thead>
      <tbody>
        {props.tokens.map((token) => (
          <tr key={token.id}>
            <td>{token.name}</td>
            {props.showOwner && <td>{token.userEmail}</td>}
            <td>
              <code>{token.prefix}…</code>
            </td>
            <td>{formatDateTime(format, token.createdAt)}</td>
            <td>{formatDateTime(format, token.lastUsedAt)}</td>
            <td>{formatDateTime(format, token.expiresAt)}</td>
            {props.canRevoke && (
              <td>
                <RevokeApiTokenButton tokenId={token.id} tokenName={token.name} />
              </td>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
