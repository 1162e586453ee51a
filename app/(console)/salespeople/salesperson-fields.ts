import type { CodeCardField } from "../../../components/erp/code-card.tsx";

export const SALESPERSON_FIELDS: CodeCardField[] = [
  { name: "name", label: "Name", maxLength: 50, isRequired: true },
  { name: "email", label: "E-Mail", maxLength: 80, type: "email" },
  { name: "phoneNo", label: "Phone No.", maxLength: 30, type: "tel" },
];
