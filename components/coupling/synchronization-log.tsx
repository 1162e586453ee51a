"use client";

import { useFormatter, useTranslations } from "next-intl";
import type { RecordLogEntry } from "./coupling-types.ts";

// A record's Synchronization Log: each job that touched it, newest first, with direction, time, outcome and message.
export function SynchronizationLogTable(props: { entries: RecordLogEntry[]; recordLabel: string }) {
  const t = useTranslations("records");
  const format = useFormatter();
  if (props.entries.length === 0) return <p>{t("logEmpty")}</p>;
  return (
    <div className="table-scroll">
      <table className="data-table">
        <caption className="visually-hidden">{t("logCaption", { record: props.recordLabel })}</caption>
        <thead>
          <tr>
            <th scope="col">{t("logTime")}</th>
            <th scope="col">{t("logJob")}</th>
            <th scope="col">{t("logDirection")}</th>
            <th scope="col">{t("logOutcome")}</th>
            <th scope="col">{t("logMessage")}</th>
          </tr>
        </thead>
        <tbody>
          {props.entries.map((e, index) => (
            <tr key={`${e.jobId}-${index}`}>
              <td>{format.dateTime(new Date(e.at), { dateStyle: "short", timeStyle: "medium" })}</td>
              <td>{e.jobType ? t(`jobType.${e.jobType as "SYNCHRONIZATION"}`) : ""}</td>
              <td>{e.direction ? t(`direction.${e.direction as "TO_INTEGRATION_TABLE"}`) : t("direction.none")}</td>
              <td>{t(`outcome.${e.outcome as "INSERTED"}`)}</td>
              <td>{e.message ?? e.jobMessage ?? ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
