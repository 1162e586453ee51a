import type { Row } from "./entity-store.ts";
import type { WebApi } from "./web-api.ts";

// The small HTML view at "/": lists and searches accounts and contacts, links each to the ERP console and edits a few
// fields through the same write path as the Web API, so a person can act as the Dataverse user in a demo.

export type HtmlViewOptions = { consoleUrl: string | null; base: string; userId: string };

const editable: Record<string, string[]> = {
  account: ["name", "accountnumber", "telephone1", "emailaddress1", "websiteurl", "address1_line1", "address1_city", "address1_postalcode", "address1_country"],
  contact: ["firstname", "lastname", "jobtitle", "telephone1", "emailaddress1", "address1_city"],
};

function escape(value: unknown): string {
  const entities: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
  return String(value ?? "").replace(/[&<>"']/g, (char) => entities[char]);
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title>
<style>body{font-family:system-ui,sans-serif;margin:1.5rem;color:#222}table{border-collapse:collapse;width:100%;margin-bottom:2rem}
th,td{border-bottom:1px solid #ddd;padding:.3rem .5rem;text-align:left;font-size:.9rem}th{background:#f3f2f1}
nav a{margin-right:1rem}input[type=text]{padding:.3rem;width:18rem}label{display:block;margin:.4rem 0}
.error{color:#a4262c;white-space:pre-wrap}.muted{color:#777;font-size:.8rem}</style></head><body>
<nav><a href="/">Dataverse emulator</a><a href="/?entity=account">Accounts</a><a href="/?entity=contact">Contacts</a></nav>${body}</body></html>`;
}

function openLink(options: HtmlViewOptions, entity: string, id: string): string {
  if (!options.consoleUrl) return `<span class="muted">set EMULATOR_CONSOLE_URL</span>`;
  const url = `${options.consoleUrl.replace(/\/$/, "")}/dataverse/open?entity=${entity}&id=${id}`;
  return `<a href="${escape(url)}" target="_blank" rel="noopener">Open in ERP</a>`;
}

function matches(row: Row, fields: string[], term: string): boolean {
  if (!term) return true;
  const lowered = term.toLowerCase();
  return fields.some((field) => typeof row[field] === "string" && (row[field] as string).toLowerCase().includes(lowered));
}

export function renderList(api: WebApi, options: HtmlViewOptions, search: URLSearchParams): string {
  const term = search.get("q") ?? "";
  const only = search.get("entity");
  const sections: string[] = [];
  const limit = 200;
  if (only !== "contact") {
    const accounts = [...api.store.table("account").rows.values()]
      .filter((row) => matches(row, ["name", "accountnumber", "address1_city", "emailaddress1"], term))
      .sort((a, b) => String(a.name ?? "").localeCompare(String(b.name ?? "")));
    const rows = accounts
      .slice(0, limit)
      .map(
        (row) =>
          `<tr><td>${escape(row.name)}</td><td>${escape(row.accountnumber)}</td><td>${escape(row.address1_city)}</td><td>${escape(row.address1_country)}</td><td>${escape(row.telephone1)}</td>` +
          `<td><a href="/ui/edit?entity=account&id=${row.accountid as string}">Edit</a></td><td>${openLink(options, "account", row.accountid as string)}</td></tr>`,
      )
      .join("");
    sections.push(`<h2>Accounts (${accounts.length})</h2><table><thead><tr><th>Name</th><th>Account number</th><th>City</th><th>Country</th><th>Phone</th><th></th><th></th></tr></thead><tbody>${rows}</tbody></table>`);
  }
  if (only !== "account") {
    const accounts = api.store.table("account").rows;
    const contacts = [...api.store.table("contact").rows.values()]
      .filter((row) => matches(row, ["fullname", "emailaddress1", "jobtitle", "address1_city"], term))
      .sort((a, b) => String(a.fullname ?? "").localeCompare(String(b.fullname ?? "")));
    const rows = contacts
      .slice(0, limit)
      .map((row) => {
        const parent = row._parentcustomerid_value ? accounts.get(row._parentcustomerid_value as string) : undefined;
        return (
          `<tr><td>${escape(row.fullname)}</td><td>${escape(parent?.name)}</td><td>${escape(row.jobtitle)}</td><td>${escape(row.emailaddress1)}</td>` +
          `<td><a href="/ui/edit?entity=contact&id=${row.contactid as string}">Edit</a></td><td>${openLink(options, "contact", row.contactid as string)}</td></tr>`
        );
      })
      .join("");
    sections.push(`<h2>Contacts (${contacts.length})</h2><table><thead><tr><th>Full name</th><th>Company</th><th>Job title</th><th>Email</th><th></th><th></th></tr></thead><tbody>${rows}</tbody></table>`);
  }
  const form = `<form method="get" action="/"><input type="text" name="q" value="${escape(term)}" placeholder="Search name, number, city, email">${only ? `<input type="hidden" name="entity" value="${escape(only)}">` : ""} <button>Search</button></form>`;
  return page("Dataverse emulator", `<h1>Dataverse emulator</h1>${form}${sections.join("")}<p class="muted">Web API: ${escape(options.base)}</p>`);
}

export function renderEdit(api: WebApi, options: HtmlViewOptions, entity: string, id: string, error?: string): string | null {
  const fields = editable[entity];
  if (!fields) return null;
  const row = api.store.table(entity).rows.get(id.toLowerCase());
  if (!row) return null;
  const title = entity === "account" ? row.name : row.fullname;
  const inputs = fields.map((field) => `<label>${escape(field)}<br><input type="text" name="${field}" value="${escape(row[field])}"></label>`).join("");
  return page(
    `Edit ${String(title ?? "")}`,
    `<h1>Edit ${escape(entity)}: ${escape(title)}</h1>${error ? `<p class="error">${escape(error)}</p>` : ""}
<form method="post" action="/ui/edit?entity=${entity}&id=${id}">${inputs}<input type="hidden" name="etag" value="${escape(`W/"${row.versionnumber as number}"`)}"><button>Save</button> <a href="/?entity=${entity}">Cancel</a></form>
<p>${openLink(options, entity, id)}</p><p class="muted">Version ${escape(row.versionnumber)} · modified ${escape(new Date(row.modifiedon as number).toISOString())}</p>`,
  );
}

// Returns an error message, or null when the update was stored.
export function applyEdit(api: WebApi, options: HtmlViewOptions, entity: string, id: string, form: URLSearchParams): string | null {
  const fields = editable[entity];
  if (!fields) return "Unknown table.";
  const set = entity === "account" ? "accounts" : "contacts";
  const row = api.store.table(entity).rows.get(id.toLowerCase());
  if (!row) return "The record no longer exists.";
  const body: Record<string, unknown> = {};
  for (const field of fields) {
    const value = form.get(field);
    if (value === null) continue;
    const next = value.trim() === "" ? null : value;
    if (next !== (row[field] ?? null)) body[field] = next;
  }
  if (Object.keys(body).length === 0) return null;
  const response = api.handle({
    method: "PATCH",
    path: `${set}(${id})`,
    query: "",
    headers: { "if-match": form.get("etag") ?? "*" },
    body: JSON.stringify(body),
    userId: options.userId,
    base: options.base,
  });
  if (response.status < 300) return null;
  try {
    return (JSON.parse(response.body) as { error: { message: string } }).error.message;
  } catch {
    return `The update failed with status ${response.status}.`;
  }
}
