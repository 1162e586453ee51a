import { useTranslations } from "next-intl";

// Records synchronized and errors per hour as plain SVG bars, with a title and a description for screen readers
// (the numbers are also in the job list below).

export type HourBucket = { hour: string; label: string; synced: number; errors: number };

export function JobsChart(props: { buckets: HourBucket[] }) {
  const t = useTranslations("integrationAdmin.jobs");
  const width = 720;
  const height = 180;
  const pad = { left: 36, right: 8, top: 8, bottom: 24 };
  const max = Math.max(1, ...props.buckets.map((b) => Math.max(b.synced, b.errors)));
  const slot = (width - pad.left - pad.right) / Math.max(1, props.buckets.length);
  const bar = Math.max(2, slot / 2 - 2);
  const y = (v: number) => pad.top + (height - pad.top - pad.bottom) * (1 - v / max);
  const totalSynced = props.buckets.reduce((n, b) => n + b.synced, 0);
  const totalErrors = props.buckets.reduce((n, b) => n + b.errors, 0);
  return (
    <figure className="card ia-section">
      <svg className="ia-chart" viewBox={`0 0 ${width} ${height}`} role="img" aria-labelledby="jobs-chart-title jobs-chart-desc">
        <title id="jobs-chart-title">{t("chartTitle")}</title>
        <desc id="jobs-chart-desc">{t("chartDescription", { synced: totalSynced, errors: totalErrors, hours: props.buckets.length })}</desc>
        <line x1={pad.left} x2={width - pad.right} y1={y(0)} y2={y(0)} stroke="currentColor" strokeOpacity={0.3} />
        <text x={pad.left - 4} y={y(max) + 8} textAnchor="end">{max}</text>
        <text x={pad.left - 4} y={y(0)} textAnchor="end">0</text>
        {props.buckets.map((b, i) => {
          const x = pad.left + i * slot + 1;
          return (
            <g key={b.hour}>
              <rect className="bar-synced" x={x} y={y(b.synced)} width={bar} height={y(0) - y(b.synced)}>
                <title>{t("barSynced", { hour: b.label, count: b.synced })}</title>
              </rect>
              <rect className="bar-errors" x={x + bar + 1} y={y(b.errors)} width={bar} height={y(0) - y(b.errors)}>
                <title>{t("barErrors", { hour: b.label, count: b.errors })}</title>
              </rect>
              {i % 3 === 0 && <text x={x} y={height - 8}>{b.label}</text>}
            </g>
          );
        })}
      </svg>
      <figcaption className="ia-legend">
        <span className="synced">{t("legendSynced")}</span>
        <span className="errors">{t("legendErrors")}</span>
      </figcaption>
    </figure>
  );
}
