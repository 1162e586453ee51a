"use client";

import { useTranslations } from "next-intl";
import { useId, useRef } from "react";

// A button that asks before doing something destructive, in a native modal dialog (focus trapped, Esc cancels).
export function ConfirmButton(props: {
  label: string;
  title: string;
  message: string;
  confirmLabel: string;
  isDisabled?: boolean;
  onConfirm: () => void;
}) {
  const t = useTranslations("common");
  const dialogRef = useRef<HTMLDialogElement>(null);
  const id = useId();
  return (
    <>
      <button
        type="button"
        className="button button-danger"
        disabled={props.isDisabled}
        onClick={() => dialogRef.current?.showModal()}
      >
        {props.label}
      </button>
      <dialog ref={dialogRef} className="dialog" aria-labelledby={`${id}-title`} aria-describedby={`${id}-message`}>
        <h2 id={`${id}-title`}>{props.title}</h2>
        <p id={`${id}-message`}>{props.message}</p>
        <div className="form-actions">
          <button
            type="button"
            className="button button-danger"
            onClick={() => {
              dialogRef.current?.close();
              props.onConfirm();
            }}
          >
            {props.confirmLabel}
          </button>
          <button type="button" className="button" autoFocus onClick={() => dialogRef.current?.close()}>
            {t("cancel")}
          </button>
        </div>
      </dialog>
    </>
  );
}
