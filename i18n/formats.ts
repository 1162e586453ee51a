import type { Formats } from "next-intl";

// Named formats shared by server and client rendering. Times are shown in UTC (and say so) because the server
// and every browser must render the same text, and the console's users span several time zones.
export const INTL_TIME_ZONE = "UTC";

export const INTL_FORMATS = {
  number: {
    amount: { minimumFractionDigits: 2, maximumFractionDigits: 2 },
  },
  dateTime: {
    // Spelled out rather than dateStyle/timeStyle, which Intl refuses to combine with timeZoneName.
    dateTime: { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", timeZoneName: "short" },
    date: { year: "numeric", month: "short", day: "numeric" },
  },
} satisfies Formats;
