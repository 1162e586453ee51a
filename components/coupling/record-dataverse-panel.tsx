"use client";

import { useFormatter, useTranslations } from "next-intl";
import { useMemo, useState } from "react";
import { ConfirmButton } from "../confirm-button.tsx";
import { bindCouplingTable, type CouplingActionSet, type CouplingTableName } from "./coupling-action-props.ts";
import type { CardCoupling, CouplingPermissions, RecordLogEntry } from "./coupling-types.ts";
import { Modal } from "./modal.tsx";
import { OperationNotice } from "./operation-notice.tsx";
import { SetUpCouplingDialog } from "./set-up-coupling-dialog.tsx";
import { SyncStatusBadge } from "./sync-status-badge.tsx";
import { SynchronizationLogTable } from "./synchronization-log.tsx";
import { SynchronizeNowDialog } from "./synchronize-now-dialog.tsx";
import { hasFailed, useOperation, type JobView } from "./use-operation.ts";
import "./coupling.css";

// The card's Dataverse action group and panel: Set Up Coupling, Synchronize Now, Delete Coupling, Synchronization
// Log, Open in Dataverse, and the coupled record's name and last synchronization per direction. Actions a role may
// not take are not shown (the server refuses them too).

type Dialog = "none" | "setUp" | "sync" | "log";

export function RecordDataversePanel(props: {
  table: CouplingTableName;
  record: { id: string; no: string; name: string };
  coupling: CardCoupling;
  log: RecordLogEntry[];
  permissions: CouplingPermissions;
  actions: CouplingActionSet;
}) {
  const t = useTranslations("records");
  const ti = useTranslations("integration");
  const format = useFormatter();
  const [dialog, setDialog] = useState<Dialog>("none");
  const operation = useOperation();
  const { coupling, permissions, record } = props;
  const actions = useMemo(() => bindCouplingTable(props.actions, props.table), [props.actions, props.table]);
  const recordLabel = t("recordLabel", { noun: t(`noun.${props.table}`), no: record.no });
  const isCoupled = coupling.status !== "notCoupled";
  const isBusy = operation.phase.kind === "working" || operation.phase.kind === "scheduled";
  const headingId = `dataverse-${record.id}`;

  const syncedWords = (jobs: JobView[]) =>
    hasFailed(jobs) ? { message: t("syncFailed") } : { message: t("syncFinished") };

  const when = (result: string, at: string | null) => {
    if (!at || result === "NONE") return t("never");
    return t("resultAt", { result: t(`result.${result as "SUCCESS"}`), at: format.dateTime(new Date(at), { dateStyle: "medium", timeStyle: "short" }) });
  };

  return (
    <section className="card cpl-panel" aria-labelledby={headingId}>
      <h2 id={headingId}>{ti("dataverse")}</h2>
      <div role="group" aria-label={t("dataverseGroup")} className="cpl-actions">
        {permissions.canCouple && (
          <button type="button" className="button" disabled={isBusy} onClick={() => setDialog("setUp")}>
            {ti("setUpCoupling")}
          </button>
        )}
        {permissions.canSync && (
          <button type="button" className="button" disabled={isBusy} onClick={() => setDialog("sync")}>
            {ti("synchronizeNow")}
          </button>
        )}
        {permissions.canCouple && isCoupled && (
          <ConfirmButton
            label={ti("deleteCoupling")}
            title={t("deleteCouplingTitle", { record: recordLabel })}
            message={t("deleteCouplingMessage")}
            confirmLabel={ti("deleteCoupling")}
            isDisabled={isBusy}
            onConfirm={() =>
              operation.run(
                () => actions.deleteCouplings({ erpIds: [record.id] }),
                ti("uncouplingScheduled"),
                () => ({ message: t("couplingDeleted", { record: recordLabel }) }),
              )
            }
          />
        )}
        {permissions.canRead && (
          <button type="button" className="button" onClick={() => setDialog("log")}>
            {ti("synchronizationLog")}
          </button>
        )}
        {isCoupled && coupling.openUrl && (
          <a className="button" href={coupling.openUrl} target="_blank" rel="noopener noreferrer">
            {ti("openInDataverse")}
          </a>
        )}
      </div>

      <OperationNotice phase={operation.phase} onDismiss={operation.reset} onShowLog={permissions.canRead ? () => setDialog("log") : undefined} />

      <dl className="cpl-facts">
        <div>
          <dt>{ti("coupledToDataverse")}</dt>
          <dd>
            <SyncStatusBadge status={coupling.status} />
          </dd>
        </div>
        <div>
          <dt>{t("coupledRecord")}</dt>
          <dd>
            {!isCoupled
              ? t("notCoupledText")
              : coupling.dataverseExists === false
                ? t("dataverseMissing")
                : (coupling.dataverseName ?? coupling.dataverseId)}
          </dd>
        </div>
        <div>
          <dt>{t("lastSent")}</dt>
          <dd>{when(coupling.lastToResult, coupling.lastToAt)}</dd>
        </div>
        <div>
          <dt>{t("lastReceived")}</dt>
          <dd>{when(coupling.lastFromResult, coupling.lastFromAt)}</dd>
        </div>
        {isCoupled && coupling.errorMessage && (
          <div>
            <dt>{t("lastError")}</dt>
            <dd>{coupling.errorMessage}</dd>
          </div>
        )}
      </dl>

      <Modal isOpen={dialog === "setUp"} onClose={() => setDialog("none")} title={`${ti("setUpCoupling")}: ${recordLabel}`}>
        <SetUpCouplingDialog
          erpId={record.id}
          recordLabel={`${recordLabel} · ${record.name}`}
          actions={actions}
          onCancel={() => setDialog("none")}
          onSubmit={(choice) => {
            setDialog("none");
            operation.run(
              () => actions.setUp({ erpId: record.id, ...choice }),
              ti("synchronizationScheduled"),
              (jobs) => {
                if (choice.createNew) return { message: hasFailed(jobs) ? t("createNewFailed", { record: recordLabel }) : t("createdAndCoupled", { record: recordLabel }) };
                if (choice.syncAfterCoupling === "none") return { message: t("coupled", { record: recordLabel }) };
                return { message: t("coupled", { record: recordLabel }), detail: hasFailed(jobs) ? t("syncFailed") : t("syncFinished") };
              },
            );
          }}
        />
      </Modal>

      <Modal isOpen={dialog === "sync"} onClose={() => setDialog("none")} title={ti("synchronizeNow")} isNarrow>
        <SynchronizeNowDialog
          erpId={record.id}
          recordLabel={recordLabel}
          actions={actions}
          canCouple={permissions.canCouple}
          onCancel={() => setDialog("none")}
          onSetUpCoupling={() => setDialog("setUp")}
          onSubmit={(direction) => {
            setDialog("none");
            operation.run(() => actions.synchronize({ erpIds: [record.id], direction }), ti("synchronizationScheduled"), syncedWords);
          }}
        />
      </Modal>

      <Modal isOpen={dialog === "log"} onClose={() => setDialog("none")} title={`${ti("synchronizationLog")}: ${recordLabel}`}>
        <SynchronizationLogTable entries={props.log} recordLabel={recordLabel} />
        <div className="form-actions">
          <button type="button" className="button" onClick={() => setDialog("none")} autoFocus>
            {t("close")}
          </button>
        </div>
      </Modal>
    </section>
  );
}
