"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition, type FormEvent } from "react";
import type { ActionResult, FieldErrors } from "../lib/actions/action-result.ts";

// The behaviour every ERP card shares: submit the form's fields as a plain object to a server action, show the
// field-level messages it returns, and keep what the user typed when the save is refused.

type Saved = { rowVersion: number };

export function useRecordForm<T extends Saved>(options: {
  initial: T | null;
  save: (values: Record<string, string>, current: T | null) => Promise<ActionResult<T>>;
  remove?: (current: T) => Promise<ActionResult<unknown>>;
  hrefOf: (record: T) => string;
  listHref: string;
  savedMessage: string;
}) {
  const router = useRouter();
  const [record, setRecord] = useState<T | null>(options.initial);
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [error, setError] = useState<string | null>(null);
  const [success, setSuccess] = useState<string | null>(null);
  const [isPending, startTransition] = useTransition();

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const values: Record<string, string> = {};
    for (const [key, value] of new FormData(event.currentTarget)) if (typeof value === "string") values[key] = value;
    setSuccess(null);
    startTransition(async () => {
      const result = await options.save(values, record);
      if (!result.ok) {
        setFieldErrors(result.fieldErrors ?? {});
        setError(result.message);
        return;
      }
      setFieldErrors({});
      setError(null);
      setSuccess(options.savedMessage);
      const wasNew = record === null;
      const previousHref = record ? options.hrefOf(record) : null;
      setRecord(result.data);
      const href = options.hrefOf(result.data);
      if (wasNew || href !== previousHref) router.replace(href);
      router.refresh();
    });
  };

  const onDelete = () => {
    if (!record || !options.remove) return;
    const remove = options.remove;
    setSuccess(null);
    startTransition(async () => {
      const result = await remove(record);
      if (!result.ok) {
        setError(result.message);
        return;
      }
      router.push(options.listHref);
      router.refresh();
    });
  };

  return { record, fieldErrors, error, success, isPending, onSubmit, onDelete };
}
