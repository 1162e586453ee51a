"use client";

import { useTranslations } from "next-intl";
import Link from "next/link";
import { useEffect, useRef, useState } from "react";
import type { ActionResult } from "../../lib/actions/action-result.ts";
import type { ContactDto } from "../../lib/erp/contact-schema.ts";
import { TextField } from "../form-fields.tsx";
import { useRecordForm } from "../use-record-form.ts";
import { PartyCardForm } from "./party-card-form.tsx";

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
  const common = { errors: form.fieldErrors, isReadOnly: !props.canWrite, idPrefix: "contact" };

  return (
    <PartyCardForm
      namespace="contacts"
      form={form}
      fieldProps={common}
      canWrite={props.canWrite}
      listHref="/contacts"
      actions={
        c?.customerNo && (
          <Link className="button" href={`/customers/${encodeURIComponent(c.customerNo)}`}>
            {t("openCustomer")}
          </Link>
        )
      }
      general={
        <>
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
        </>
      }
    >
      <datalist id="contact-customer-options">
        {suggestions.options.map((o) => (
          <option key={o.no} value={o.no}>
            {o.name}
          </option>
        ))}
      </datalist>
    </PartyCardForm>
  );
}
