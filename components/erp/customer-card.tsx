"use client";

import { useTranslations } from "next-intl";
import Link from "next/link";
import type { ActionResult } from "../../lib/actions/action-result.ts";
import type { CustomerDto } from "../../lib/erp/customer-schema.ts";
import { SelectField, TextField } from "../form-fields.tsx";
import { useRecordForm } from "../use-record-form.ts";
import { PartyCardForm } from "./party-card-form.tsx";

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

export function CustomerCard(props: CustomerCardProps) {
  const t = useTranslations("customers");
  const tc = useTranslations("common");
  const tf = useTranslations("fields");
  const tb = useTranslations("blocked");
  // Business Central shows a blank for "not blocked"; the blank option keeps that.
  const blockedOptions: Option[] = [
    { value: "NONE", label: " " },
    { value: "SHIP", label: tb("SHIP") },
    { value: "INVOICE", label: tb("INVOICE") },
    { value: "ALL", label: tb("ALL") },
  ];
  const form = useRecordForm<CustomerDto>({
    initial: props.customer,
    save: (values, current) =>
      current ? props.update({ ...values, id: current.id, rowVersion: current.rowVersion }) : props.create(values),
    remove: (current) => props.remove({ id: current.id, rowVersion: current.rowVersion }),
    hrefOf: (c) => `/customers/${encodeURIComponent(c.no)}`,
    listHref: "/customers",
    savedMessage: props.customer ? t("saved") : t("created"),
  });
  const c = form.record;
  const common = { errors: form.fieldErrors, isReadOnly: !props.canWrite, idPrefix: "customer" };
  const currencyOptions: Option[] = [
    { value: "", label: t("localCurrencyOption") },
    ...props.currencies.map((x) => ({ value: x.code, label: `${x.code} – ${x.description}` })),
  ];
  const salespersonOptions: Option[] = [
    { value: "", label: tc("none") },
    ...props.salespeople.map((x) => ({ value: x.code, label: `${x.code} – ${x.name}` })),
  ];
  const contactOptions: Option[] = [
    { value: "", label: tc("none") },
    ...props.contacts.map((x) => ({ value: x.no, label: `${x.no} – ${x.name}` })),
  ];
  if (c?.primaryContactNo && !props.contacts.some((x) => x.no === c.primaryContactNo)) {
    contactOptions.push({ value: c.primaryContactNo, label: c.primaryContactNo });
  }

  return (
    <PartyCardForm
      namespace="customers"
      form={form}
      fieldProps={common}
      canWrite={props.canWrite}
      listHref="/customers"
      actions={
        c &&
        props.canWrite && (
          <Link className="button" href={`/contacts/new?customerNo=${encodeURIComponent(c.no)}`}>
            {t("newContact")}
          </Link>
        )
      }
      general={
        <>
          <TextField {...common} name="name" label={tf("name")} defaultValue={c?.name} maxLength={100} isRequired />
          <SelectField {...common} name="blocked" label={tf("blocked")} defaultValue={c?.blocked ?? "NONE"} options={blockedOptions} />
          <SelectField
            {...common}
            name="salespersonCode"
            label={tf("salespersonCode")}
            defaultValue={c?.salespersonCode ?? ""}
            options={salespersonOptions}
          />
          <TextField
            {...common}
            name="creditLimit"
            label={tf("creditLimit")}
            defaultValue={c ? c.creditLimit.toFixed(2) : "0.00"}
            inputMode="decimal"
            maxLength={20}
          />
          {c && (
            <SelectField
              {...common}
              name="primaryContactNo"
              label={tf("primaryContactNo")}
              defaultValue={c.primaryContactNo}
              options={contactOptions}
            />
          )}
        </>
      }
      addressExtra={
        <>
          <TextField {...common} name="faxNo" label={tf("faxNo")} type="tel" defaultValue={c?.faxNo} maxLength={30} />
          <TextField {...common} name="homePage" label={tf("homePage")} defaultValue={c?.homePage} maxLength={80} />
        </>
      }
    >
      <fieldset className="fasttab">
        <legend>{tc("invoicing")}</legend>
        <div className="form-grid">
          <SelectField
            {...common}
            name="currencyCode"
            label={tf("currencyCode")}
            defaultValue={c?.currencyCode ?? ""}
            options={currencyOptions}
          />
        </div>
      </fieldset>
    </PartyCardForm>
  );
}
