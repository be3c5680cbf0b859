// What each automation rule created in the period, and what became of those tasks.
import { type Automation, useReport } from './api.ts';
import { BarChart, COLORS } from './charts.tsx';
import type { ReportFilter } from './format.ts';
import { Empty, RateBadge, ReportCard } from './ReportCard.tsx';

export function AutomationReport({ filter }: { filter: ReportFilter }) {
  const report = useReport<Automation>('automation', filter);
  return (
    <ReportCard name="automation" title="Automation output" subtitle="Tasks each rule created in the period, and what became of them" filter={filter} report={report} wide>
      {(a) =>
        a.rules.length === 0 ? (
          <Empty>No rules yet. Install a playbook on the Automation page.</Empty>
        ) : (
          <>
            {a.rules.every((r) => r.created === 0) ? (
              <Empty>No rule created a task in this period.</Empty>
            ) : (
              <BarChart
                horizontal
                stacked
                label="Tasks created by each rule: completed, cancelled, still open"
                height={Math.max(140, a.rules.length * 30 + 50)}
                labels={a.rules.map((r) => (r.silent ? `${r.name ?? 'Deleted rule'} (silent)` : (r.name ?? 'Deleted rule')))}
                series={[
                  { label: 'Completed', values: a.rules.map((r) => r.completed), color: COLORS.ok },
                  { label: 'Cancelled', values: a.rules.map((r) => r.cancelled), color: COLORS.grey },
                  { label: 'Still open', values: a.rules.map((r) => r.open), color: COLORS.accent },
                ]}
              />
            )}
            <table className="table report-table">
              <thead><tr><th>Rule</th><th className="num">Created</th><th className="num">Completed</th><th className="num">Closed by automation</th><th className="num">On time</th><th /></tr></thead>
              <tbody>
                {a.rules.map((r) => (
                  <tr key={r.ruleId}>
                    <td>{r.name ?? <span className="muted">Deleted rule</span>}</td>
                    <td className="num">{r.created}</td>
                    <td className="num">{r.completed}</td>
                    <td className="num">{r.autoClosed}</td>
                    <td className="num"><RateBadge rate={r.onTimeRate} /></td>
                    <td>
                      {r.silent && <span className="chip" title="Enabled, but created nothing in this period">Silent</span>}
                      {r.alwaysLate && <span className="chip chip-blocked">Always late</span>}
                      {r.enabled === false && <span className="chip">Off</span>}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            {a.notes.length > 0 && <ul className="report-notes muted">{a.notes.map((n) => <li key={n}>{n}</li>)}</ul>}
          </>
        )
      }
    </ReportCard>
  );
}
