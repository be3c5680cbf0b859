// Created against completed per day, week or month (the server picks from the period): is the backlog growing?
import { useLocation } from 'wouter';
import { COLORS, LineChart } from './charts.tsx';
import { type Throughput, useReport } from './api.ts';
import type { ReportFilter } from './format.ts';
import { links, linkScope, listHref } from './links.ts';
import { FigureLink, ReportCard, shortDate } from './ReportCard.tsx';

const monthFormat = new Intl.DateTimeFormat(undefined, { month: 'short', year: 'numeric' });
/** "2026-03-01" → "Mar 2026". */
const monthOf = (localDate: string) => monthFormat.format(new Date(Number(localDate.slice(0, 4)), Number(localDate.slice(5, 7)) - 1, 1));

const PER = { day: 'Per day', week: 'Per week', month: 'Per month' } as const;

export function ThroughputReport({ filter }: { filter: ReportFilter }) {
  const report = useReport<Throughput>('throughput', filter);
  const [, navigate] = useLocation();
  return (
    <ReportCard
      name="throughput"
      title="Created vs completed"
      subtitle={`${PER[report.data?.interval ?? 'day']} — is the backlog growing?`}
      definition="Tasks created in each day, week or month of the period, against tasks marked done in it (and done still)"
      filter={filter}
      report={report}
      wide
    >
      {(t) => (
        <>
          <LineChart
            label={`Tasks created and completed ${PER[t.interval].toLowerCase()}`}
            labels={t.buckets.map((b) => (t.interval === 'month' ? monthOf(b.label) : shortDate(b.label)))}
            series={[
              { label: 'Created', values: t.buckets.map((b) => b.created), color: COLORS.accent },
              { label: 'Completed', values: t.buckets.map((b) => b.completed), color: COLORS.ok },
            ]}
            onSelect={(i, series) => {
              const bucket = { from: t.buckets[i]!.start, to: t.buckets[i]!.end };
              const scope = linkScope(filter, t.window);
              navigate(listHref(series === 0 ? links.created(scope, bucket) : links.completed(scope, {}, bucket)));
            }}
          />
          <p className="report-foot">
            <FigureLink params={links.created(linkScope(filter, t.window))}><strong>{t.totals.created}</strong> created</FigureLink>,{' '}
            <FigureLink params={links.completed(linkScope(filter, t.window))}><strong>{t.totals.completed}</strong> completed</FigureLink> —{' '}
            <span className={t.totals.net > 0 ? 'trend-bad' : 'trend-good'}>
              backlog {t.totals.net > 0 ? `grew by ${t.totals.net}` : t.totals.net < 0 ? `shrank by ${-t.totals.net}` : 'held steady'}
            </span>
          </p>
        </>
      )}
    </ReportCard>
  );
}
