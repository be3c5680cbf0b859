// What each automation rule created in the period, and what became of those tasks.
import { type Automation, useReport } from './api.ts';
import { BarChart, COLORS } from './charts.tsx';
import type { ReportFilter } from './format.ts';
import { useLocation } from 'wouter';
import { links, linkScope, listHref } from './links.ts';
import { Empty, FigureLink, RateWithLate, ReportCard } from './ReportCard.tsx';

/** The chart's series, in order, as the state of a rule's tasks each counts. */
const STATES = ['done', 'cancelled', 'open'] as const;

export function AutomationReport({ filter }: { filter: ReportFilter }) {
  const report = useReport<Automation>('automation', filter);
  const [, navigate] = useLocation();
  return (
    <ReportCard
      name="automation"
      title="Automation output"
      subtitle="Tasks each rule created in the period, and what became of them"
      definition="Per rule, every task it created in the period counted once, as it is now: done, cancelled or still open; closed by automation: done or cancelled by the system rather than a person; on time is the share of the done ones with a due date done by it"
      filter={filter}
      report={report}
      wide
    >
      {(a) => {
        const scope = linkScope(filter, a.window);
        return a.rules.length === 0 ? (
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
                onSelect={(i, series) => navigate(listHref(links.byRule(scope, a.rules[i]!.ruleId, STATES[series] ?? 'all')))}
              />
            )}
            <table className="table report-table stacks-on-phone">
              <thead><tr><th>Rule</th><th className="num">Created</th><th className="num">Completed</th><th className="num">Closed by automation</th><th className="num">On time</th><th /></tr></thead>
              <tbody>
                {a.rules.map((r) => (
                  <tr key={r.ruleId}>
                    <td>{r.name ?? <span className="muted">Deleted rule</span>}</td>
                    <td className="num" data-label="Created"><FigureLink params={links.byRule(scope, r.ruleId)} label={`${r.created} created by ${r.name ?? 'a deleted rule'}`}>{r.created}</FigureLink></td>
                    <td className="num" data-label="Completed"><FigureLink params={links.byRule(scope, r.ruleId, 'done')} label={`${r.completed} done of those created by ${r.name ?? 'a deleted rule'}`}>{r.completed}</FigureLink></td>
                    <td className="num" data-label="Closed by automation"><FigureLink params={links.ruleAutoClosed(scope, r.ruleId)} label={`${r.autoClosed} closed by automation of those created by ${r.name ?? 'a deleted rule'}`}>{r.autoClosed}</FigureLink></td>
                    <td className="num" data-label="On time"><RateWithLate rate={r.onTimeRate} late={r.withDueDate - r.onTime} params={links.ruleLate(scope, r.ruleId)} label={`${r.withDueDate - r.onTime} done late of those created by ${r.name ?? 'a deleted rule'}`} /></td>
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
        );
      }}
    </ReportCard>
  );
}
