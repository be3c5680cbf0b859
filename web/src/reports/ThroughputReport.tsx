// Created against completed per week: is the backlog growing?
import { COLORS, LineChart } from './charts.tsx';
import { type Throughput, useReport } from './api.ts';
import type { ReportFilter } from './format.ts';
import { ReportCard, shortDate } from './ReportCard.tsx';

export function ThroughputReport({ filter }: { filter: ReportFilter }) {
  const report = useReport<Throughput>('throughput', filter);
  return (
    <ReportCard name="throughput" title="Created vs completed" subtitle="Per week — is the backlog growing?" filter={filter} report={report} wide>
      {(t) => (
        <>
          <LineChart
            label="Tasks created and completed per week"
            labels={t.buckets.map((b) => shortDate(b.label))}
            series={[
              { label: 'Created', values: t.buckets.map((b) => b.created), color: COLORS.accent },
              { label: 'Completed', values: t.buckets.map((b) => b.completed), color: COLORS.ok },
            ]}
          />
          <p className="report-foot">
            <strong>{t.totals.created}</strong> created, <strong>{t.totals.completed}</strong> completed —{' '}
            <span className={t.totals.net > 0 ? 'trend-bad' : 'trend-good'}>
              backlog {t.totals.net > 0 ? `grew by ${t.totals.net}` : t.totals.net < 0 ? `shrank by ${-t.totals.net}` : 'held steady'}
            </span>
          </p>
        </>
      )}
    </ReportCard>
  );
}
