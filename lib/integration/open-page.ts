import type { Locale } from "../../i18n/locales.ts";
import { renderText, serverMessage } from "../actions/server-message.ts";

// The small page /dataverse/open shows when it cannot open a record: plain HTML (the link is opened from Dataverse,
// outside the console's layout), with every text escaped.

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

export function renderExplanation(title: string, message: string, locale: Locale = "en"): string {
  const back = renderText(locale, serverMessage("openFromDataverse.goToConsole"));
  return `<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#1f2937}h1{font-size:1.4rem}a{color:#2563eb}</style></head>
<body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p><p><a href="/customers">${escapeHtml(back)}</a></p></body></html>`;
}
