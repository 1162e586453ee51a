import type { CodeCardField } from "../../../components/erp/code-card.tsx";

export const SALESPERSON_FIELDS: CodeCardField[] = [
  { name: "name", label: "name", maxLength: 50, isRequired: true },
  { name: "email", label: "email", maxLength: 80, type: "email" },
  { name: "phoneNo", label: "phoneNo", maxLength: 30, type: "tel" },
];
