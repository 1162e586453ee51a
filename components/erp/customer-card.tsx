"use client";

import { useTranslations } from "next-intl";
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
  const isReadOnly = !props.canWrite;
  const common = { errors: form.fieldErrors, isReadOnly, idPrefix: "customer" };
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
    <form className="card-form" onSubmit={form.onSubmit} noValidate key={c ? `${c.id}-${c.rowVersion}` : "new"}>
      <div className="card-actions">
        {props.canWrite && (
          <button type="submit" className="button button-primary" disabled={form.isPending}>
            {form.isPending ? tc("saving") : c ? tc("save") : tc("create")}
          </button>
        )}
        {props.canWrite && c && (
          <ConfirmButton
            label={tc("delete")}
            title={t("deleteTitle", { no: c.no })}
            message={t("deleteMessage", { no: c.no, name: c.name })}
            confirmLabel={t("deleteConfirm")}
            isDisabled={form.isPending}
            onConfirm={form.onDelete}
          />
        )}
        {c && props.canWrite && (
          <Link className="button" href={`/contacts/new?customerNo=${encodeURIComponent(c.no)}`}>
            {t("newContact")}
          </Link>
        )}
        <Link className="button button-link" href="/customers">
          {t("backToList")}
        </Link>
      </div>
      <FormMessage error={form.error} success={form.success} />
      {isReadOnly && <p className="read-only-note">{t("readOnly")}</p>}

      <fieldset className="fasttab">
        <legend>{tc("general")}</legend>
        <div className="form-grid">
          <TextField
            {...common}
            name="no"
            label={tf("no")}
            defaultValue={c?.no}
            maxLength={20}
            hint={c ? undefined : t("noHint")}
          />
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
        </div>
      </fieldset>

      <fieldset className="fasttab">
        <legend>{tc("addressAndContact")}</legend>
        <div className="form-grid">
          <TextField {...common} name="address" label={tf("address")} defaultValue={c?.address} maxLength={100} autoComplete="address-line1" />
          <TextField {...common} name="address2" label={tf("address2")} defaultValue={c?.address2} maxLength={50} autoComplete="address-line2" />
          <TextField {...common} name="postCode" label={tf("postCode")} defaultValue={c?.postCode} maxLength={20} autoComplete="postal-code" />
          <TextField {...common} name="city" label={tf("city")} defaultValue={c?.city} maxLength={30} autoComplete="address-level2" />
          <TextField {...common} name="county" label={tf("county")} defaultValue={c?.county} maxLength={30} />
          <TextField
            {...common}
            name="countryRegionCode"
            label={tf("countryRegionCode")}
            defaultValue={c?.countryRegionCode}
            maxLength={10}
            list="country-codes"
          />
          <TextField {...common} name="phoneNo" label={tf("phoneNo")} type="tel" defaultValue={c?.phoneNo} maxLength={30} />
          <TextField
            {...common}
            name="mobilePhoneNo"
            label={tf("mobilePhoneNo")}
            type="tel"
            defaultValue={c?.mobilePhoneNo}
            maxLength={30}
          />
          <TextField {...common} name="email" label={tf("email")} type="email" defaultValue={c?.email} maxLength={80} />
          <TextField {...common} name="faxNo" label={tf("faxNo")} type="tel" defaultValue={c?.faxNo} maxLength={30} />
          <TextField {...common} name="homePage" label={tf("homePage")} defaultValue={c?.homePage} maxLength={80} />
        </div>
      </fieldset>

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
      <datalist id="country-codes">
        {COUNTRY_CODES.map((code) => (
          <option key={code} value={code} />
        ))}
      </datalist>
    </form>
  );
}
