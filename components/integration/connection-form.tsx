"use client";

import { useFormatter, useTranslations } from "next-intl";
import { useState, type FormEvent } from "react";
import type { ActionResult } from "../../lib/actions/action-result.ts";
import type { ConnectionView, TestResult } from "../../lib/integration/connection-service.ts";
import { formatDateTime } from "../format.ts";
import { FormMessage, TextField } from "../form-fields.tsx";
import { Badge, useActionRunner } from "./action-feedback.tsx";

// Dataverse Connection: the settings (the client secret is write-only: the page never receives it, a blank field
// keeps the stored one), Test Connection with its result, Enable / Disable and a status badge.

export function ConnectionForm(props: {
  connection: ConnectionView;
  canManage: boolean;
  save: (input: unknown) => Promise<ActionResult<ConnectionView>>;
  test: (input: unknown) => Promise<ActionResult<TestResult>>;
  setEnabled: (input: unknown) => Promise<ActionResult<ConnectionView>>;
}) {
  const t = useTranslations("integrationAdmin.connection");
  const ti = useTranslations("integration");
  const format = useFormatter();
  const c = props.connection;
  const runner = useActionRunner();
  const [formKey, setFormKey] = useState(0);
  const isReadOnly = !props.canManage;

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    runner.runAction(
      () =>
        props.save({
          environmentUrl: String(form.get("environmentUrl") ?? ""),
          tenantId: String(form.get("tenantId") ?? ""),
          clientId: String(form.get("clientId") ?? ""),
          clientSecret: String(form.get("clientSecret") ?? ""),
          rowVersion: c.rowVersion || undefined,
        }),
      () => {
        setFormKey((k) => k + 1);
        return t("saved");
      },
    );
  };

  const badge = !c.id ? (
    <Badge tone="neutral">{t("badge.notSetUp")}</Badge>
  ) : !c.isEnabled ? (
    <Badge tone="warn">{t("badge.disabled")}</Badge>
  ) : c.lastTestOk === false ? (
    <Badge tone="error">{t("badge.failing")}</Badge>
  ) : c.lastTestOk ? (
    <Badge tone="ok">{t("badge.connected")}</Badge>
  ) : (
    <Badge tone="info">{t("badge.enabledUntested")}</Badge>
  );

  return (
    <div className="card-grid">
      <section className="card" aria-labelledby="connection-status">
        <h2 id="connection-status">{t("statusHeading")}</h2>
        <p>
          <span className="visually-hidden">{t("statusLabel")} </span>
          {badge} {c.isEmulator && <Badge tone="neutral">{t("emulator")}</Badge>}
        </p>
        {c.lastTestAt ? (
          <p role="note" className={c.lastTestOk ? "form-success" : "form-error"}>
            {t("lastTest", { when: formatDateTime(format, new Date(c.lastTestAt)) })} {c.lastTestMessage}
          </p>
        ) : c.id ? (
          <p className="ia-muted">{t("neverTested")}</p>
        ) : null}
        {props.canManage && c.id && (
          <div className="ia-toolbar">
            <button type="button" className="button" disabled={runner.isPending} onClick={() => runner.runAction(() => props.test({}), (r) => (r.ok ? r.message : null))}>
              {runner.isPending ? t("working") : ti("testConnection")}
            </button>
            <button type="button" className={c.isEnabled ? "button button-danger" : "button button-primary"} disabled={runner.isPending} onClick={() => runner.runAction(() => props.setEnabled({ isEnabled: !c.isEnabled }), (v) => (v.isEnabled ? t("enabledNow") : t("disabledNow")))}>
              {c.isEnabled ? ti("disable") : ti("enable")}
            </button>
          </div>
        )}
      </section>
      <form className="card card-form" onSubmit={onSubmit} noValidate key={`${c.rowVersion}-${formKey}`} aria-labelledby="connection-settings">
        <h2 id="connection-settings">{t("settingsHeading")}</h2>
        <TextField name="environmentUrl" label={t("environmentUrl")} defaultValue={c.environmentUrl} type="url" isRequired isReadOnly={isReadOnly} errors={runner.fieldErrors} hint={t("environmentUrlHint")} idPrefix="connection" maxLength={250} />
        <TextField name="tenantId" label={t("tenantId")} defaultValue={c.tenantId} isRequired isReadOnly={isReadOnly} errors={runner.fieldErrors} idPrefix="connection" maxLength={100} />
        <TextField name="clientId" label={t("clientId")} defaultValue={c.clientId} isRequired isReadOnly={isReadOnly} errors={runner.fieldErrors} idPrefix="connection" maxLength={100} />
        {!isReadOnly && (
          <div className={runner.fieldErrors.clientSecret ? "form-field has-error" : "form-field"}>
            <label htmlFor="connection-clientSecret">{t("clientSecret")}</label>
            <input id="connection-clientSecret" name="clientSecret" type="password" autoComplete="new-password" maxLength={500} aria-describedby="connection-clientSecret-hint" aria-invalid={runner.fieldErrors.clientSecret ? true : undefined} />
            <p id="connection-clientSecret-hint" className="field-hint">
              {c.hasSecret ? t("secretStored") : t("secretMissing")}
            </p>
            {runner.fieldErrors.clientSecret && <p className="field-error">{runner.fieldErrors.clientSecret.join(" ")}</p>}
          </div>
        )}
        <FormMessage error={runner.outcome?.kind === "error" ? runner.outcome.text : null} success={runner.outcome?.kind === "success" ? runner.outcome.text : null} />
        {props.canManage && (
          <div className="form-actions">
            <button type="submit" className="button button-primary" disabled={runner.isPending}>
              {t("save")}
            </button>
          </div>
        )}
      </form>
    </div>
  );
}
