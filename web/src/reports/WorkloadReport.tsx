// Each person's open work, weighted by priority, against what they usually carry: their own median over the last eight weeks.
import { useReport, type Workload } from './api.ts';
import { BarChart, COLORS } from './charts.tsx';
import type { ReportFilter } from './format.ts';
import { useLocation } from 'wouter';
import { links, linkScope, listHref } from './links.ts';
import { Empty, FigureLink, ReportCard } from './ReportCard.tsx';
import { plural } from '../shell/plural.ts';

function usualHint(usual: number | null, days: number): string {
  if (usual === null) return `Not enough history yet: ${plural(days, 'working day', 'working days')} of the 20 needed`;
  return `Typical over ${plural(days, 'working day', 'working days')}`;
}

export function WorkloadReport({ filter }: { filter: ReportFilter }) {
  const report = useReport<Workload>('workload', filter);
  const [, navigate] = useLocation();
  return (
    <ReportCard
      name="workload"
      title="Workload"
      subtitle="Open work now (weighted by priority) against what each person usually carries at the end of a working day"
      definition="Each person's open tasks now, weighted urgent 3, high 2, normal 1, low ½; overdue and due this week (until Monday) counted once each"
      filter={filter}
      report={report}
    >
      {(w) =>
        w.people.length === 0 ? (
          <Empty>No one to show.</Empty>
        ) : (
          <>
            <BarChart
              horizontal
              label="Weighted open work per person, against their usual load"
              height={Math.max(120, w.people.length * 40 + 40)}
              labels={w.people.map((p) => (p.overloaded ? `⚠ ${p.name ?? 'Former member'}` : (p.name ?? 'Former member')))}
              format={(v) => String(Number(v.toFixed(1)))}
              series={[
                { label: 'Open (weighted)', values: w.people.map((p) => p.weightedLoad), color: w.people.map((p) => (p.overloaded ? COLORS.danger : COLORS.accent)) },
                { label: 'Usual', values: w.people.map((p) => (p.usualLoad === null ? null : Number(p.usualLoad.toFixed(1)))), color: COLORS.grey },
              ]}
              onSelect={(i) => navigate(listHref(links.open(linkScope(filter), { assignee: w.people[i]!.assigneeId })))}
            />
            <table className="table report-table">
              <thead><tr><th>Person</th><th className="num">Open</th><th className="num">Overdue</th><th className="num">This week</th><th className="num">Usual</th><th /></tr></thead>
              <tbody>
                {w.people.map((p) => (
                  <tr key={p.assigneeId} className={p.overloaded ? 'row-flag' : undefined}>
                    <td>{p.name ?? 'Former member'}</td>
                    <td className="num"><FigureLink params={links.open(linkScope(filter), { assignee: p.assigneeId })}>{p.open}</FigureLink></td>
                    <td className={`num ${p.overdue ? 'error' : ''}`}><FigureLink params={links.overdue(linkScope(filter), { assignee: p.assigneeId })}>{p.overdue}</FigureLink></td>
                    <td className="num"><FigureLink params={links.dueThisWeek(linkScope(filter), { assignee: p.assigneeId })}>{p.dueThisWeek}</FigureLink></td>
                    <td className="num" title={usualHint(p.usualLoad, p.usualDays)}>{p.usualLoad === null ? <span className="muted">too new</span> : Number(p.usualLoad.toFixed(1))}</td>
                    <td>{p.overloaded && <span className="chip chip-blocked" title="More than half again their usual open work">Over usual</span>}</td>
                  </tr>
                ))}
                {w.unassigned.open > 0 && (
                  <tr>
                    <td className="muted">Unassigned</td>
                    <td className="num"><FigureLink params={links.open(linkScope(filter), { assignee: null })}>{w.unassigned.open}</FigureLink></td>
                    <td className={`num ${w.unassigned.overdue ? 'error' : ''}`}><FigureLink params={links.overdue(linkScope(filter), { assignee: null })}>{w.unassigned.overdue}</FigureLink></td>
                    <td className="num"><FigureLink params={links.dueThisWeek(linkScope(filter), { assignee: null })}>{w.unassigned.dueThisWeek}</FigureLink></td>
                    <td />
                    <td />
                  </tr>
                )}
              </tbody>
            </table>
            <p className="report-foot">
              Usual is each person's own typical open work (the middle value) at the end of their working days over the last eight weeks, from their first task on.
              Over usual means more than half again as much, and at least 2 more. Weights: urgent 3, high 2, normal 1, low ½.
            </p>
          </>
        )
      }
    </ReportCard>
  );
}
