// How long work takes to complete, week by week and per person, and how much of it is on time.
import { type Completion, useReport } from './api.ts';
import { BarChart, COLORS } from './charts.tsx';
import { formatDuration, type ReportFilter } from './format.ts';
import { useLocation } from 'wouter';
import { links, linkScope, listHref, weekWindow } from './links.ts';
import { Empty, FigureLink, hours, percent, personName, RateWithLate, ReportCard, shortDate } from './ReportCard.tsx';

export function CompletionReport({ filter }: { filter: ReportFilter }) {
  const report = useReport<Completion>('completion', filter);
  const [, navigate] = useLocation();
  return (
    <ReportCard
      name="completion"
      title="Completion time"
      subtitle="Median and p90 hours to complete, on-time rate"
      definition="Tasks marked done in the period, by the week they were done: hours from creation to done, and of those with a due date, the share done by it"
      filter={filter}
      report={report}
    >
      {(c) =>
        c.overall.completed === 0 ? (
          <Empty>No task was completed in this period.</Empty>
        ) : (
          <>
            <BarChart
              label="Median and p90 hours to complete per week, with the on-time rate"
              labels={c.byWeek.map((w) => shortDate(w.week))}
              format={(v) => `${Math.round(v)} h`}
              lineFormat={(v) => `${Math.round(v)}%`}
              series={[
                { label: 'Median', values: c.byWeek.map((w) => hours(w.medianMs)), color: COLORS.accent },
                { label: 'p90', values: c.byWeek.map((w) => hours(w.p90Ms)), color: COLORS.accentSoft },
                { label: 'On time %', values: c.byWeek.map((w) => percent(w.onTimeRate)), color: COLORS.ok, line: true },
              ]}
              onSelect={(i) => navigate(listHref(links.completed(linkScope(filter, c.window), {}, weekWindow(c.byWeek, i, c.window))))}
            />
            <table className="table report-table">
              <thead><tr><th>Person</th><th className="num">Done</th><th className="num">Median</th><th className="num">p90</th><th className="num">On time</th></tr></thead>
              <tbody>
                {c.byPerson.map((p) => (
                  <tr key={p.assigneeId ?? 'none'}>
                    <td>{personName(p)}</td>
                    <td className="num"><FigureLink params={links.completed(linkScope(filter, c.window), { assignee: p.assigneeId })}>{p.completed}</FigureLink></td>
                    <td className="num">{formatDuration(p.medianMs)}</td>
                    <td className="num">{formatDuration(p.p90Ms)}</td>
                    <td className="num"><RateWithLate rate={p.onTimeRate} late={p.withDueDate - p.onTime} params={links.late(linkScope(filter, c.window), { assignee: p.assigneeId })} label={`${p.withDueDate - p.onTime} done late by ${personName(p)}`} /></td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )
      }
    </ReportCard>
  );
}
