"use client";

import { useTranslations } from "next-intl";
import { useEffect, useId, useState } from "react";
import type { RecordRecommendation } from "../../lib/integration/synchronize-now.ts";
import type { CouplingActions } from "./coupling-action-props.ts";

// The Synchronize Now prompts of Business Central (§2i). One record: three choices for a Bidirectional mapping with
// the recommended one marked, two on a conflict, a confirmation for a one-way mapping (default No when the target
// holds newer data), and the offer to set up a coupling when there is none. Several records: Send or Get.

export type SyncDirection = "toDataverse" | "fromDataverse" | "bidirectional";

const CHOICE_DIRECTION = { send: "toDataverse", get: "fromDataverse", merge: "bidirectional" } as const;
const CHOICE_LABEL = { send: "sendDataUpdate", get: "getDataUpdate", merge: "mergeData" } as const;

type Choice = keyof typeof CHOICE_DIRECTION;

function ChoiceList(props: { name: string; options: Choice[]; recommended?: Choice; value: Choice; onChange: (c: Choice) => void }) {
  const ti = useTranslations("integration");
  return (
    <div className="cpl-options" role="radiogroup" aria-label={ti("synchronizeNow")}>
      {props.options.map((option) => (
        <label key={option}>
          <input type="radio" name={props.name} value={option} checked={props.value === option} onChange={() => props.onChange(option)} />
          <span>
            {ti(CHOICE_LABEL[option])}
            {props.recommended === option && <span className="cpl-recommended"> {ti("recommended")}</span>}
          </span>
        </label>
      ))}
    </div>
  );
}

export function SynchronizeNowDialog(props: {
  erpId: string;
  recordLabel: string;
  actions: Pick<CouplingActions, "recommend">;
  canCouple: boolean;
  onSubmit: (direction: SyncDirection) => void;
  onSetUpCoupling: () => void;
  onCancel: () => void;
}) {
  const t = useTranslations("records");
  const ti = useTranslations("integration");
  const tc = useTranslations("common");
  const name = useId();
  const [answer, setAnswer] = useState<(RecordRecommendation & { direction: string }) | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [choice, setChoice] = useState<Choice>("send");
  const { actions, erpId } = props;

  useEffect(() => {
    let cancelled = false;
    actions.recommend({ erpId }).then((result) => {
      if (cancelled) return;
      if (!result.ok) return setError(result.message);
      setAnswer(result.data);
      if (result.data.isCoupled) setChoice(result.data.recommendation.conflicts.length > 0 ? "send" : result.data.recommendation.recommended);
    });
    return () => {
      cancelled = true;
    };
  }, [actions, erpId]);

  const close = (
    <button type="button" className="button" onClick={props.onCancel}>
      {t("close")}
    </button>
  );
  if (error) {
    return (
      <>
        <p role="alert" className="form-error">
          {error}
        </p>
        <div className="form-actions">{close}</div>
      </>
    );
  }
  if (!answer) return <p role="status">{t("loading")}</p>;

  if (!answer.isCoupled) {
    return (
      <>
        <p>{t("notCoupledPrompt", { record: props.recordLabel })}</p>
        <div className="form-actions">
          {props.canCouple && (
            <button type="button" className="button button-primary" onClick={props.onSetUpCoupling} autoFocus>
              {t("yes")}
            </button>
          )}
          <button type="button" className="button" onClick={props.onCancel}>
            {t("no")}
          </button>
        </div>
      </>
    );
  }
  if (!answer.dataverseExists) {
    return (
      <>
        <p>{t("dataverseMissingPrompt", { record: props.recordLabel })}</p>
        <div className="form-actions">{close}</div>
      </>
    );
  }
  if (answer.isSkipped) {
    return (
      <>
        <p>{t("skippedPrompt", { record: props.recordLabel })}</p>
        <div className="form-actions">{close}</div>
      </>
    );
  }

  const r = answer.recommendation;
  if (r.options.length === 1) {
    const only = r.options[0];
    const message = r.targetIsNewer
      ? only === "send"
        ? t("overwriteDataversePrompt", { record: props.recordLabel })
        : t("overwriteErpPrompt", { record: props.recordLabel })
      : only === "send"
        ? t("sendPrompt", { record: props.recordLabel })
        : t("getPrompt", { record: props.recordLabel });
    return (
      <>
        <p>{message}</p>
        <div className="form-actions">
          <button type="button" className="button button-primary" onClick={() => props.onSubmit(CHOICE_DIRECTION[only])} autoFocus={!r.targetIsNewer}>
            {t("yes")}
          </button>
          <button type="button" className="button" onClick={props.onCancel} autoFocus={r.targetIsNewer}>
            {t("no")}
          </button>
        </div>
      </>
    );
  }

  const isConflict = r.conflicts.length > 0;
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        props.onSubmit(CHOICE_DIRECTION[choice]);
      }}
    >
      {isConflict ? (
        <>
          <p>{t("conflictPrompt", { record: props.recordLabel, fields: r.conflicts.map((c) => c.label).join(", ") })}</p>
          <div className="table-scroll">
            <table className="data-table">
              <caption className="visually-hidden">{t("conflictCaption")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("field")}</th>
                  <th scope="col">{t("baseValue")}</th>
                  <th scope="col">{t("erpValue")}</th>
                  <th scope="col">{t("dataverseValue")}</th>
                </tr>
              </thead>
              <tbody>
                {r.conflicts.map((c) => (
                  <tr key={c.key}>
                    <th scope="row">{c.label}</th>
                    <td>{c.base ? String(c.base.e ?? "") : ""}</td>
                    <td>{String(c.erp ?? "")}</td>
                    <td>{String(c.dataverse ?? "")}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <ChoiceList name={name} options={["send", "get"]} value={choice} onChange={setChoice} />
        </>
      ) : (
        <>
          <p>{ti("synchronizeDataFor", { record: props.recordLabel })}</p>
          <ChoiceList name={name} options={["send", "get", "merge"]} recommended={r.recommended} value={choice} onChange={setChoice} />
        </>
      )}
      <div className="form-actions">
        <button type="submit" className="button button-primary">
          {t("ok")}
        </button>
        <button type="button" className="button" onClick={props.onCancel}>
          {tc("cancel")}
        </button>
      </div>
    </form>
  );
}

/** Several records: Send or Get for a Bidirectional mapping, one confirmation for a one-way mapping. */
export function SynchronizeSelectedDialog(props: { count: number; mappingDirection: string | null; onSubmit: (direction: SyncDirection) => void; onCancel: () => void }) {
  const t = useTranslations("records");
  const ti = useTranslations("integration");
  const tc = useTranslations("common");
  const name = useId();
  const [choice, setChoice] = useState<Choice>("send");
  if (props.mappingDirection !== "BIDIRECTIONAL") {
    const only: Choice = props.mappingDirection === "FROM_INTEGRATION_TABLE" ? "get" : "send";
    return (
      <>
        <p>{only === "send" ? t("sendSelectedPrompt", { count: props.count }) : t("getSelectedPrompt", { count: props.count })}</p>
        <div className="form-actions">
          <button type="button" className="button button-primary" autoFocus onClick={() => props.onSubmit(CHOICE_DIRECTION[only])}>
            {t("yes")}
          </button>
          <button type="button" className="button" onClick={props.onCancel}>
            {t("no")}
          </button>
        </div>
      </>
    );
  }
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        props.onSubmit(CHOICE_DIRECTION[choice]);
      }}
    >
      <p>{ti("synchronizeSelected")}</p>
      <p className="field-hint">{t("selectedSkipNote", { count: props.count })}</p>
      <ChoiceList name={name} options={["send", "get"]} value={choice} onChange={setChoice} />
      <div className="form-actions">
        <button type="submit" className="button button-primary">
          {t("ok")}
        </button>
        <button type="button" className="button" onClick={props.onCancel}>
          {tc("cancel")}
        </button>
      </div>
    </form>
  );
}
