// Open work by how long it has waited since it was created.
import { type Aging, useReport } from './api.ts';
import { BarChart, COLORS } from './charts.tsx';
import type { ReportFilter } from './format.ts';
import { useLocation } from 'wouter';
import { links, linkScope, listHref } from './links.ts';
import { FigureLink, MiniTable, personName, ReportCard } from './ReportCard.tsx';

export function AgingReport({ filter }: { filter: ReportFilter }) {
  const report = useReport<Aging>('aging', filter);
  const [, navigate] = useLocation();
  const scope = linkScope(filter);
  return (
    <ReportCard
      name="aging"
      title="Unresolved by age"
      subtitle="How long open work has been waiting since it was created"
      definition="Open tasks now, by the time since each was created; a task exactly 1 day old counts in 1–3 days"
      filter={filter}
      report={report}
    >
      {(a) => (
        <>
          <BarChart
            horizontal
            height={a.buckets.length * 30 + 30}
            label="Unresolved tasks by age"
            labels={a.buckets.map((b) => b.label)}
            series={[{ label: 'Tasks', values: a.buckets.map((b) => b.count), color: a.buckets.map((_, i) => [COLORS.ok, COLORS.accent, COLORS.violet, COLORS.warn, COLORS.danger][i] ?? COLORS.grey) }]}
            onSelect={(i) => navigate(listHref(links.aged(scope, [a.buckets[i]!.bucket])))}
          />
          <p className="report-foot">
            <FigureLink params={links.open(scope)}><strong>{a.total}</strong> unresolved</FigureLink>:{' '}
            {a.buckets.map((b, i) => (
              <span key={b.bucket}>
                {i > 0 && ', '}
                <FigureLink params={links.aged(scope, [b.bucket])}>{b.count} at {b.label}</FigureLink>
              </span>
            ))}
          </p>
          <MiniTable
            title="Waiting longest, by person"
            note="Open tasks older than a week, of each person's open tasks"
            rows={a.byPerson
              .map((p) => ({ p, old: p.buckets.d7to30 + p.buckets.over30d }))
              .filter(({ old }) => old > 0)
              .sort((x, y) => y.old - x.old)
              .slice(0, 6)
              .map(({ p, old }) => [personName(p), <FigureLink key="n" params={links.aged(scope, ['d7to30', 'over30d'], { assignee: p.assigneeId })}>{`${old} of ${p.total}`}</FigureLink>])}
          />
        </>
      )}
    </ReportCard>
  );
}
