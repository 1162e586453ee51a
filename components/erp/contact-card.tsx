"use client";

import { useTranslations } from "next-intl";
import Link from "next/link";
import { useEffect, useRef, useState } from "react";
import type { ActionResult } from "../../lib/actions/action-result.ts";
import type { ContactDto } from "../../lib/erp/contact-schema.ts";
import { ConfirmButton } from "../confirm-button.tsx";
import { COUNTRY_CODES } from "../country-codes.ts";
import { FormMessage, TextField } from "../form-fields.tsx";
import { useRecordForm } from "../use-record-form.ts";

export type ContactCardProps = {
  contact: ContactDto | null;
  /** Prefills the customer of a new contact (from "New contact" on a customer card). */
  initialCustomerNo?: string;
  canWrite: boolean;
  create: (input: unknown) => Promise<ActionResult<ContactDto>>;
  update: (input: unknown) => Promise<ActionResult<ContactDto>>;
  remove: (input: unknown) => Promise<ActionResult<{ id: string; no: string }>>;
  findCustomers: (search: unknown) => Promise<ActionResult<{ no: string; name: string }[]>>;
};

/** Suggestions for the Customer No. field while typing (a datalist, so the field stays a plain text input). */
function useCustomerSuggestions(findCustomers: ContactCardProps["findCustomers"]) {
  const [options, setOptions] = useState<{ no: string; name: string }[]>([]);
  const [search, setSearch] = useState<string | null>(null);
  const latest = useRef(0);
  useEffect(() => {
    if (search === null) return;
    const ticket = ++latest.current;
    const timer = setTimeout(async () => {
      const result = await findCustomers(search);
      if (ticket === latest.current && result.ok) setOptions(result.data);
    }, 200);
    return () => clearTimeout(timer);
  }, [search, findCustomers]);
  return { options, setSearch };
}

export function ContactCard(props: ContactCardProps) {
  const t = useTranslations("contacts");
  const tc = useTranslations("common");
  const tf = useTranslations("fields");
  const form = useRecordForm<ContactDto>({
    initial: props.contact,
    save: (values, current) =>
      current ? props.update({ ...values, id: current.id, rowVersion: current.rowVersion }) : props.create(values),
    remove: (current) => props.remove({ id: current.id, rowVersion: current.rowVersion }),
    hrefOf: (c) => `/contacts/${encodeURIComponent(c.no)}`,
    listHref: "/contacts",
    savedMessage: props.contact ? t("saved") : t("created"),
  });
  const suggestions = useCustomerSuggestions(props.findCustomers);
  const c = form.record;
  const isReadOnly = !props.canWrite;
  const common = { errors: form.fieldErrors, isReadOnly, idPrefix: "contact" };

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
        {c?.customerNo && (
          <Link className="button" href={`/customers/${encodeURIComponent(c.customerNo)}`}>
            {t("openCustomer")}
          </Link>
        )}
        <Link className="button button-link" href="/contacts">
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
          {c && (
            <div className="form-field">
              <span className="field-label" id="contact-name-label">
                {tf("name")}
              </span>
              <output aria-labelledby="contact-name-label" className="field-output">
                {c.name}
              </output>
            </div>
          )}
          <TextField {...common} name="salutationCode" label={tf("salutationCode")} defaultValue={c?.salutationCode} maxLength={10} />
          <TextField {...common} name="firstName" label={tf("firstName")} defaultValue={c?.firstName} maxLength={30} autoComplete="given-name" />
          <TextField {...common} name="middleName" label={tf("middleName")} defaultValue={c?.middleName} maxLength={30} autoComplete="additional-name" />
          <TextField {...common} name="surname" label={tf("surname")} defaultValue={c?.surname} maxLength={30} autoComplete="family-name" />
          <TextField {...common} name="jobTitle" label={tf("jobTitle")} defaultValue={c?.jobTitle} maxLength={100} />
          <div onInput={(e) => suggestions.setSearch((e.target as HTMLInputElement).value)}>
            <TextField
              {...common}
              name="customerNo"
              label={tf("customerNo")}
              defaultValue={c ? c.customerNo : props.initialCustomerNo}
              maxLength={20}
              list="contact-customer-options"
              hint={t("customerNoHint")}
            />
          </div>
          {c?.customerName && (
            <div className="form-field">
              <span className="field-label" id="contact-customer-name-label">
                {tf("customerName")}
              </span>
              <output aria-labelledby="contact-customer-name-label" className="field-output">
                {c.customerName}
              </output>
            </div>
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
        </div>
      </fieldset>
      <datalist id="contact-customer-options">
        {suggestions.options.map((o) => (
          <option key={o.no} value={o.no}>
            {o.name}
          </option>
        ))}
      </datalist>
      <datalist id="country-codes">
        {COUNTRY_CODES.map((code) => (
          <option key={code} value={code} />
        ))}
      </datalist>
    </form>
  );
}
