"use client";

import { useTranslations } from "next-intl";
import { useMemo, useState } from "react";
import { ConfirmButton } from "../confirm-button.tsx";
import { bindCouplingTable, type CouplingActionSet, type CouplingTableName } from "./coupling-action-props.ts";
import type { CouplingPermissions } from "./coupling-types.ts";
import { MatchBasedCouplingDialog } from "./match-based-coupling-dialog.tsx";
import { Modal } from "./modal.tsx";
import { OperationNotice } from "./operation-notice.tsx";
import { SetUpCouplingDialog } from "./set-up-coupling-dialog.tsx";
import { SynchronizeNowDialog, SynchronizeSelectedDialog, type SyncDirection } from "./synchronize-now-dialog.tsx";
import { hasFailed, totalCounters, useOperation } from "./use-operation.ts";
import "./coupling.css";

// The list actions on the selected rows: Synchronize Now (the one-record prompts for one row, Send/Get for several),
// Delete Coupling, Match-Based Coupling; then progress and the outcome with counts and a link to the jobs.

type Dialog = "none" | "sync" | "setUp" | "match";

export function ListCouplingActions(props: {
  table: CouplingTableName;
  selected: { id: string; no: string; name: string }[];
  pageIds: string[];
  onSelectAll: (isSelected: boolean) => void;
  mappingDirection: string | null;
  permissions: CouplingPermissions;
  actions: CouplingActionSet;
}) {
  const t = useTranslations("records");
  const ti = useTranslations("integration");
  const [dialog, setDialog] = useState<Dialog>("none");
  const operation = useOperation();
  const { selected, permissions } = props;
  const actions = useMemo(() => bindCouplingTable(props.actions, props.table), [props.actions, props.table]);
  const count = selected.length;
  const isBusy = operation.phase.kind === "working" || operation.phase.kind === "scheduled";
  const single = count === 1 ? selected[0] : null;
  const singleLabel = single ? t("recordLabel", { noun: t(`noun.${props.table}`), no: single.no }) : "";
  const allSelected = props.pageIds.length > 0 && count === props.pageIds.length;

  const synchronize = (direction: SyncDirection) => {
    setDialog("none");
    operation.run(
      () => actions.synchronize({ erpIds: selected.map((s) => s.id), direction }),
      ti("synchronizationScheduled"),
      (jobs) => ({ message: hasFailed(jobs) ? t("syncFailed") : t("syncFinished"), detail: count > 1 ? t("selectionCounts", { count, skipped: totalCounters(jobs).skipped ?? 0 }) : null }),
    );
  };

  return (
    <>
      <div className="cpl-selection" role="group" aria-label={t("selectionActions")}>
        <label>
          <input type="checkbox" checked={allSelected} onChange={(e) => props.onSelectAll(e.target.checked)} />
          {t("selectAll")}
        </label>
        <span className="cpl-count">{t("selectedCount", { count })}</span>
        {permissions.canSync && (
          <button type="button" className="button" disabled={count === 0 || isBusy} onClick={() => setDialog("sync")}>
            {ti("synchronizeNow")}
          </button>
        )}
        {permissions.canCouple && (
          <ConfirmButton
            label={ti("deleteCoupling")}
            title={t("deleteSelectedTitle", { count })}
            message={t("deleteCouplingMessage")}
            confirmLabel={ti("deleteCoupling")}
            isDisabled={count === 0 || isBusy}
            onConfirm={() =>
              operation.run(
                () => actions.deleteCouplings({ erpIds: selected.map((s) => s.id) }),
                ti("uncouplingScheduled"),
                (jobs, serverMessage) => {
                  if (jobs.length === 0) return { message: single ? t("couplingDeleted", { record: singleLabel }) : serverMessage };
                  const c = totalCounters(jobs);
                  return { message: t("uncouplingFinished", { uncoupled: c.uncoupled ?? 0 }) };
                },
              )
            }
          />
        )}
        {permissions.canCouple && (
          <button type="button" className="button" disabled={count === 0 || isBusy} onClick={() => setDialog("match")}>
            {ti("matchBasedCoupling")}
          </button>
        )}
      </div>
      <OperationNotice phase={operation.phase} onDismiss={operation.reset} logHref={permissions.canRead ? "/integration/sync-jobs" : undefined} />

      <Modal isOpen={dialog === "sync"} onClose={() => setDialog("none")} title={ti("synchronizeNow")} isNarrow>
        {single ? (
          <SynchronizeNowDialog
            erpId={single.id}
            recordLabel={singleLabel}
            actions={actions}
            canCouple={permissions.canCouple}
            onCancel={() => setDialog("none")}
            onSetUpCoupling={() => setDialog("setUp")}
            onSubmit={synchronize}
          />
        ) : (
          <SynchronizeSelectedDialog count={count} mappingDirection={props.mappingDirection} onCancel={() => setDialog("none")} onSubmit={synchronize} />
        )}
      </Modal>

      <Modal isOpen={dialog === "setUp" && single !== null} onClose={() => setDialog("none")} title={`${ti("setUpCoupling")}: ${singleLabel}`}>
        {single && (
          <SetUpCouplingDialog
            erpId={single.id}
            recordLabel={`${singleLabel} · ${single.name}`}
            actions={actions}
            onCancel={() => setDialog("none")}
            onSubmit={(choice) => {
              setDialog("none");
              operation.run(
                () => actions.setUp({ erpId: single.id, ...choice }),
                ti("synchronizationScheduled"),
                (jobs) => ({ message: choice.createNew ? t("createdAndCoupled", { record: singleLabel }) : t("coupled", { record: singleLabel }), detail: hasFailed(jobs) ? t("syncFailed") : null }),
              );
            }}
          />
        )}
      </Modal>

      <Modal isOpen={dialog === "match"} onClose={() => setDialog("none")} title={ti("matchBasedCoupling")}>
        <MatchBasedCouplingDialog
          erpIds={selected.map((s) => s.id)}
          actions={actions}
          onCancel={() => setDialog("none")}
          onRun={(input) => {
            setDialog("none");
            operation.run(
              () => actions.startMatch(input),
              t("matchScheduled"),
              (jobs) => {
                const c = totalCounters(jobs);
                return { message: t("matchFinished", { coupled: c.coupled ?? 0, inserted: c.inserted ?? 0, failed: c.failed ?? 0 }) };
              },
            );
          }}
        />
      </Modal>
    </>
  );
}
