import type { CodeCardField } from "../../../components/erp/code-card.tsx";

export const CURRENCY_FIELDS: CodeCardField[] = [
  { name: "description", label: "Description", maxLength: 30 },
  { name: "symbol", label: "Symbol", maxLength: 10 },
];
