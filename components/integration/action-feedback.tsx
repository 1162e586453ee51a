"use client";

import { useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { useEffect, useState, useTransition } from "react";
import type { ActionResult, FieldErrors } from "../../lib/actions/action-result.ts";

// How the integration pages run a server action: pending state, the outcome announced (role=status / alert), field
// errors for forms, and a refresh of the server-rendered page afterwards.

export type Outcome = { kind: "success" | "error"; text: string } | null;

export function useActionRunner() {
  const router = useRouter();
  const [isPending, startTransition] = useTransition();
  const [outcome, setOutcome] = useState<Outcome>(null);
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const runAction = <T,>(call: () => Promise<ActionResult<T>>, onOk?: (data: T) => string | null | void) => {
    startTransition(async () => {
      const result = await call();
      if (!result.ok) {
        setFieldErrors(result.fieldErrors ?? {});
        setOutcome({ kind: "error", text: result.message });
        return;
      }
      setFieldErrors({});
      const text = onOk?.(result.data);
      setOutcome(text ? { kind: "success", text } : null);
      router.refresh();
    });
  };
  return { isPending, outcome, setOutcome, fieldErrors, setFieldErrors, runAction };
}

export function OutcomeMessage(props: { outcome: Outcome }) {
  if (props.outcome?.kind === "error") {
    return (
      <div role="alert" className="form-error">
        {props.outcome.text}
      </div>
    );
  }
  return (
    <div role="status" aria-live="polite" className={props.outcome ? "form-success" : undefined}>
      {props.outcome?.text}
    </div>
  );
}

/** Re-renders the server page every few seconds while something is running, so progress moves without a reload. */
export function useAutoRefresh(isActive: boolean, everyMs = 2000) {
  const router = useRouter();
  useEffect(() => {
    if (!isActive) return;
    const timer = setInterval(() => router.refresh(), everyMs);
    return () => clearInterval(timer);
  }, [isActive, everyMs, router]);
}

export function ProgressBar(props: { done: number; total: number | null; label: string; etaSeconds?: number | null }) {
  const t = useTranslations("integrationAdmin.progress");
  const total = props.total ?? 0;
  const percent = total > 0 ? Math.min(100, Math.round((props.done / total) * 100)) : null;
  return (
    <div className="ia-progress">
      <div
        className="ia-progress-track"
        role="progressbar"
        aria-label={props.label}
        aria-valuemin={0}
        aria-valuemax={total > 0 ? total : undefined}
        aria-valuenow={total > 0 ? Math.min(props.done, total) : undefined}
        aria-valuetext={total > 0 ? t("of", { done: props.done, total }) : t("working", { done: props.done })}
      >
        <div className={percent === null ? "ia-progress-fill is-indeterminate" : "ia-progress-fill"} style={percent === null ? undefined : { width: `${percent}%` }} />
      </div>
      <span className="ia-progress-text">
        {total > 0 ? t("of", { done: props.done, total }) : t("working", { done: props.done })}
        {props.etaSeconds != null ? ` · ${t("eta", { seconds: props.etaSeconds })}` : ""}
      </span>
    </div>
  );
}

export function Badge(props: { tone: "ok" | "warn" | "error" | "neutral" | "info"; children: React.ReactNode }) {
  return <span className={`ia-badge ia-badge-${props.tone}`}>{props.children}</span>;
}
