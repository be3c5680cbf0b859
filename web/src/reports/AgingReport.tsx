// Open work by how long it has waited since it was created.
import { type Aging, useReport } from './api.ts';
import { BarChart, COLORS } from './charts.tsx';
import type { ReportFilter } from './format.ts';
import { ReportCard } from './ReportCard.tsx';

export function AgingReport({ filter }: { filter: ReportFilter }) {
  const report = useReport<Aging>('aging', filter);
  return (
    <ReportCard name="aging" title="Unresolved by age" subtitle="How long open work has been waiting since it was created" filter={filter} report={report}>
      {(a) => (
        <>
          <BarChart
            label="Unresolved tasks by age"
            labels={a.buckets.map((b) => b.label)}
            series={[{ label: 'Tasks', values: a.buckets.map((b) => b.count), color: a.buckets.map((_, i) => [COLORS.ok, COLORS.accent, COLORS.violet, COLORS.warn, COLORS.danger][i] ?? COLORS.grey) }]}
          />
          <p className="report-foot"><strong>{a.total}</strong> unresolved tasks</p>
        </>
      )}
    </ReportCard>
  );
}
