// Display formatting shared by lists and cards (English for now; per-user locales come with the UI issue).
const amountFormat = new Intl.NumberFormat("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });

export function formatAmount(value: number): string {
  return amountFormat.format(value);
}
