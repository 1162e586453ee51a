import type { CodeCardField } from "../../../components/erp/code-card.tsx";

export const CURRENCY_FIELDS: CodeCardField[] = [
  { name: "description", label: "description", maxLength: 30 },
  { name: "symbol", label: "symbol", maxLength: 10 },
];
