"use client";

import Link from "next/link";
import type { ActionResult } from "../../lib/actions/action-result.ts";
import type { CustomerDto } from "../../lib/erp/customer-schema.ts";
import { ConfirmButton } from "../confirm-button.tsx";
import { FormMessage, SelectField, TextField } from "../form-fields.tsx";
import { COUNTRY_CODES } from "../country-codes.ts";
import { useRecordForm } from "../use-record-form.ts";

type Option = { value: string; label: string };

export type CustomerCardProps = {
  customer: CustomerDto | null;
  currencies: { code: string; description: string }[];
  salespeople: { code: string; name: string }[];
  contacts: { no: string; name: string }[];
  canWrite: boolean;
  create: (input: unknown) => Promise<ActionResult<CustomerDto>>;
  update: (input: unknown) => Promise<ActionResult<CustomerDto>>;
  remove: (input: unknown) => Promise<ActionResult<{ id: string; no: string }>>;
};

const BLOCKED_OPTIONS: Option[] = [
  { value: "NONE", label: " " },
  { value: "SHIP", label: "Ship" },
  { value: "INVOICE", label: "Invoice" },
  { value: "ALL", label: "All" },
];

export function CustomerCard(props: CustomerCardProps) {
  const form = useRecordForm<CustomerDto>({
    initial: props.customer,
    save: (values, current) =>
      current ? props.update({ ...values, id: current.id, rowVersion: current.rowVersion }) : props.create(values),
    remove: (current) => props.remove({ id: current.id, rowVersion: current.rowVersion }),
    hrefOf: (c) => `/customers/${encodeURIComponent(c.no)}`,
    listHref: "/customers",
    savedMessage: props.customer ? "The customer was saved." : "The customer was created.",
  });
  const c = form.record;
  const isReadOnly = !props.canWrite;
  const common = { errors: form.fieldErrors, isReadOnly, idPrefix: "customer" };
  const currencyOptions: Option[] = [
    { value: "", label: "(LCY) local currency" },
    ...props.currencies.map((x) => ({ value: x.code, label: `${x.code} – ${x.description}` })),
  ];
  const salespersonOptions: Option[] = [
    { value: "", label: "(none)" },
    ...props.salespeople.map((x) => ({ value: x.code, label: `${x.code} – ${x.name}` })),
  ];
  const contactOptions: Option[] = [
    { value: "", label: "(none)" },
    ...props.contacts.map((x) => ({ value: x.no, label: `${x.no} – ${x.name}` })),
  ];
  if (c?.primaryContactNo && !props.contacts.some((x) => x.no === c.primaryContactNo)) {
    contactOptions.push({ value: c.primaryContactNo, label: c.primaryContactNo });
  }

  return (
    <form className="card-form" onSubmit={form.onSubmit} noValidate key={c ? `${c.id}-${c.rowVersion}` : "new"}>
      <div className="card-actions">
        {props.canWrite && (
          <button type="submit" className="button button-primary" disabled={form.isPending}>
            {form.isPending ? "Saving…" : c ? "Save" : "Create"}
          </button>
        )}
        {props.canWrite && c && (
          <ConfirmButton
            label="Delete"
            title={`Delete customer ${c.no}?`}
            message={`Customer ${c.no} ${c.name} will be deleted. This cannot be undone.`}
            confirmLabel="Delete customer"
            isDisabled={form.isPending}
            onConfirm={form.onDelete}
          />
        )}
        {c && props.canWrite && (
          <Link className="button" href={`/contacts/new?customerNo=${encodeURIComponent(c.no)}`}>
            New contact
          </Link>
        )}
        <Link className="button button-link" href="/customers">
          Back to customers
        </Link>
      </div>
      <FormMessage error={form.error} success={form.success} />
      {isReadOnly && <p className="read-only-note">You can view this customer. Your role does not allow changes.</p>}

      <fieldset className="fasttab">
        <legend>General</legend>
        <div className="form-grid">
          <TextField
            {...common}
            name="no"
            label="No."
            defaultValue={c?.no}
            maxLength={20}
            hint={c ? undefined : "Leave blank to use the next number (C00010, C00020, …)."}
          />
          <TextField {...common} name="name" label="Name" defaultValue={c?.name} maxLength={100} isRequired />
          <SelectField {...common} name="blocked" label="Blocked" defaultValue={c?.blocked ?? "NONE"} options={BLOCKED_OPTIONS} />
          <SelectField
            {...common}
            name="salespersonCode"
            label="Salesperson Code"
            defaultValue={c?.salespersonCode ?? ""}
            options={salespersonOptions}
          />
          <TextField
            {...common}
            name="creditLimit"
            label="Credit Limit (LCY)"
            defaultValue={c ? c.creditLimit.toFixed(2) : "0.00"}
            inputMode="decimal"
            maxLength={20}
          />
          {c && (
            <SelectField
              {...common}
              name="primaryContactNo"
              label="Primary Contact No."
              defaultValue={c.primaryContactNo}
              options={contactOptions}
            />
          )}
        </div>
      </fieldset>

      <fieldset className="fasttab">
        <legend>Address &amp; Contact</legend>
        <div className="form-grid">
          <TextField {...common} name="address" label="Address" defaultValue={c?.address} maxLength={100} autoComplete="address-line1" />
          <TextField {...common} name="address2" label="Address 2" defaultValue={c?.address2} maxLength={50} autoComplete="address-line2" />
          <TextField {...common} name="postCode" label="Post Code" defaultValue={c?.postCode} maxLength={20} autoComplete="postal-code" />
          <TextField {...common} name="city" label="City" defaultValue={c?.city} maxLength={30} autoComplete="address-level2" />
          <TextField {...common} name="county" label="County" defaultValue={c?.county} maxLength={30} />
          <TextField
            {...common}
            name="countryRegionCode"
            label="Country/Region Code"
            defaultValue={c?.countryRegionCode}
            maxLength={10}
            list="country-codes"
          />
          <TextField {...common} name="phoneNo" label="Phone No." type="tel" defaultValue={c?.phoneNo} maxLength={30} />
          <TextField
            {...common}
            name="mobilePhoneNo"
            label="Mobile Phone No."
            type="tel"
            defaultValue={c?.mobilePhoneNo}
            maxLength={30}
          />
          <TextField {...common} name="email" label="E-Mail" type="email" defaultValue={c?.email} maxLength={80} />
          <TextField {...common} name="faxNo" label="Fax No." type="tel" defaultValue={c?.faxNo} maxLength={30} />
          <TextField {...common} name="homePage" label="Home Page" defaultValue={c?.homePage} maxLength={80} />
        </div>
      </fieldset>

      <fieldset className="fasttab">
        <legend>Invoicing</legend>
        <div className="form-grid">
          <SelectField
            {...common}
            name="currencyCode"
            label="Currency Code"
            defaultValue={c?.currencyCode ?? ""}
            options={currencyOptions}
          />
        </div>
      </fieldset>
      <datalist id="country-codes">
        {COUNTRY_CODES.map((code) => (
          <option key={code} value={code} />
        ))}
      </datalist>
    </form>
  );
}
