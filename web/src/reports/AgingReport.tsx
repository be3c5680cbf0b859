// Open work by how long it has waited since it was created.
import { type Aging, useReport } from './api.ts';
import { BarChart, COLORS } from './charts.tsx';
import type { ReportFilter } from './format.ts';
import { MiniTable, personName, ReportCard } from './ReportCard.tsx';

export function AgingReport({ filter }: { filter: ReportFilter }) {
  const report = useReport<Aging>('aging', filter);
  return (
    <ReportCard name="aging" title="Unresolved by age" subtitle="How long open work has been waiting since it was created" filter={filter} report={report}>
      {(a) => (
        <>
          <BarChart
            horizontal
            height={a.buckets.length * 30 + 30}
            label="Unresolved tasks by age"
            labels={a.buckets.map((b) => b.label)}
            series={[{ label: 'Tasks', values: a.buckets.map((b) => b.count), color: a.buckets.map((_, i) => [COLORS.ok, COLORS.accent, COLORS.violet, COLORS.warn, COLORS.danger][i] ?? COLORS.grey) }]}
          />
          <p className="report-foot"><strong>{a.total}</strong> unresolved, counted by time since each was created</p>
          <MiniTable
            title="Waiting longest, by person"
            note="Open tasks older than a week, of each person's open tasks"
            rows={a.byPerson
              .map((p) => ({ p, old: p.buckets.d7to30 + p.buckets.over30d }))
              .filter(({ old }) => old > 0)
              .sort((x, y) => y.old - x.old)
              .slice(0, 6)
              .map(({ p, old }) => [personName(p), `${old} of ${p.total}`])}
          />
        </>
      )}
    </ReportCard>
  );
}
