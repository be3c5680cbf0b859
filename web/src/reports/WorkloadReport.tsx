// Each person's open work, weighted by priority, against what they usually get through in a week.
import { useReport, type Workload } from './api.ts';
import { BarChart, COLORS } from './charts.tsx';
import type { ReportFilter } from './format.ts';
import { Empty, ReportCard } from './ReportCard.tsx';

export function WorkloadReport({ filter }: { filter: ReportFilter }) {
  const report = useReport<Workload>('workload', filter);
  return (
    <ReportCard name="workload" title="Workload" subtitle="Open work (weighted by priority) against what each person usually gets through in a week" filter={filter} report={report}>
      {(w) =>
        w.people.length === 0 ? (
          <Empty>No one to show.</Empty>
        ) : (
          <>
            <BarChart
              horizontal
              label="Weighted open work per person, against their usual weekly load"
              height={Math.max(120, w.people.length * 40 + 40)}
              labels={w.people.map((p) => (p.overloaded ? `⚠ ${p.name ?? 'Former member'}` : (p.name ?? 'Former member')))}
              format={(v) => String(Number(v.toFixed(1)))}
              series={[
                { label: 'Open (weighted)', values: w.people.map((p) => p.weightedLoad), color: w.people.map((p) => (p.overloaded ? COLORS.danger : COLORS.accent)) },
                { label: 'Usual per week', values: w.people.map((p) => Number(p.usualLoad.toFixed(1))), color: COLORS.grey },
              ]}
            />
            <table className="table report-table">
              <thead><tr><th>Person</th><th className="num">Open</th><th className="num">Overdue</th><th className="num">This week</th><th /></tr></thead>
              <tbody>
                {w.people.map((p) => (
                  <tr key={p.assigneeId} className={p.overloaded ? 'row-flag' : undefined}>
                    <td>{p.name ?? 'Former member'}</td>
                    <td className="num">{p.open}</td>
                    <td className={`num ${p.overdue ? 'error' : ''}`}>{p.overdue}</td>
                    <td className="num">{p.dueThisWeek}</td>
                    <td>{p.overloaded && <span className="chip chip-blocked" title="More open work than they usually complete in a week">Over usual</span>}</td>
                  </tr>
                ))}
                {w.unassigned.open > 0 && (
                  <tr>
                    <td className="muted">Unassigned</td>
                    <td className="num">{w.unassigned.open}</td>
                    <td className={`num ${w.unassigned.overdue ? 'error' : ''}`}>{w.unassigned.overdue}</td>
                    <td className="num">{w.unassigned.dueThisWeek}</td>
                    <td />
                  </tr>
                )}
              </tbody>
            </table>
          </>
        )
      }
    </ReportCard>
  );
}
