"use client";

import { useTranslations } from "next-intl";
import Link from "next/link";
import type { ReactNode } from "react";
import type { FieldErrors } from "../../lib/actions/action-result.ts";
import { ConfirmButton } from "../confirm-button.tsx";
import { COUNTRY_CODES } from "../country-codes.ts";
import { FormMessage, TextField } from "../form-fields.tsx";
import type { useRecordForm } from "../use-record-form.ts";

// The shell the customer and contact cards share: Save / Delete / back to the list, the form's message, the
// read-only note, the General FastTab's No., the Address & Contact FastTab and the country suggestions. Each card
// fills in its own fields and actions; captions come from the card's own message namespace.

type PartyRecord = { id: string; no: string; name: string; rowVersion: number };
type PartyFields = {
  address: string;
  address2: string;
  postCode: string;
  city: string;
  county: string;
  countryRegionCode: string;
  phoneNo: string;
  mobilePhoneNo: string;
  email: string;
};

export type PartyFieldProps = { errors: FieldErrors; isReadOnly: boolean; idPrefix: string };

export function PartyCardForm<T extends PartyRecord & PartyFields>(props: {
  namespace: "customers" | "contacts";
  form: ReturnType<typeof useRecordForm<T>>;
  fieldProps: PartyFieldProps;
  canWrite: boolean;
  listHref: string;
  /** Card actions after Delete (a link to a related record). */
  actions?: ReactNode;
  /** The General FastTab's fields after No. */
  general: ReactNode;
  /** The Address & Contact FastTab's fields after E-mail. */
  addressExtra?: ReactNode;
  /** FastTabs and datalists after Address & Contact. */
  children?: ReactNode;
}) {
  const t = useTranslations(props.namespace);
  const tc = useTranslations("common");
  const tf = useTranslations("fields");
  const { form, fieldProps: common } = props;
  const c = form.record;
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
        {props.actions}
        <Link className="button button-link" href={props.listHref}>
          {t("backToList")}
        </Link>
      </div>
      <FormMessage error={form.error} success={form.success} />
      {!props.canWrite && <p className="read-only-note">{t("readOnly")}</p>}

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
          {props.general}
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
          {props.addressExtra}
        </div>
      </fieldset>
      {props.children}
      <datalist id="country-codes">
        {COUNTRY_CODES.map((code) => (
          <option key={code} value={code} />
        ))}
      </datalist>
    </form>
  );
}
