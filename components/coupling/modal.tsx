"use client";

import { useEffect, useId, useRef, type ReactNode } from "react";

// A native modal dialog (focus kept inside, Esc closes) opened and closed by state. Its content is mounted only while
// open, so every opening starts fresh.
export function Modal(props: { isOpen: boolean; onClose: () => void; title: string; children: ReactNode; isNarrow?: boolean }) {
  const ref = useRef<HTMLDialogElement>(null);
  const id = useId();
  // Only a close the user made (Esc) reports back; a close caused by isOpen turning false must not, or switching from
  // one dialog straight to another would close the new one too.
  const isOpenRef = useRef(props.isOpen);
  isOpenRef.current = props.isOpen;
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (props.isOpen && !dialog.open) dialog.showModal();
    if (!props.isOpen && dialog.open) dialog.close();
  }, [props.isOpen]);
  return (
    <dialog ref={ref} className={props.isNarrow ? "cpl-dialog cpl-dialog-narrow" : "cpl-dialog"} aria-labelledby={`${id}-title`} onClose={() => isOpenRef.current && props.onClose()}>
      <h2 id={`${id}-title`}>{props.title}</h2>
      {props.isOpen && props.children}
    </dialog>
  );
}
