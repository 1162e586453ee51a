import { useTranslations } from "next-intl";
import { useId } from "react";

// A plain GET search form for short lists: works without JavaScript and keeps the search in the URL.
export function SimpleSearch(props: { label: string; defaultValue?: string; count: number }) {
  const t = useTranslations("common");
  const id = useId();
  return (
    <div className="list-toolbar">
      <form role="search" className="list-search" method="get">
        <label htmlFor={id} className="visually-hidden">
          {props.label}
        </label>
        <input id={id} name="q" type="search" defaultValue={props.defaultValue ?? ""} placeholder={props.label} maxLength={100} />
        <button type="submit" className="button">
          {t("search")}
        </button>
      </form>
      <span className="list-status">
        {t("recordCount", { count: props.count })}
      </span>
    </div>
  );
}
