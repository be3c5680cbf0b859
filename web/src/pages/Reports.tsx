// Reports for managers: what is slipping, who is loaded, where work waits — each as a chart, a table and a CSV download.
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { type ReactNode, useMemo } from 'react';
import { useLocation, useSearch } from 'wouter';
import type { z } from 'zod';
import type {
  agingView,
  automationView,
  bottlenecksView,
  completionView,
  overdueView,
  summaryView,
  throughputView,
  workloadView,
} from '../../../src/reports/views.ts';
import { api, describeError, query } from '../api/client.ts';
import { STATUS_LABEL, type Status } from '../api/types.ts';
import { BarChart, COLORS, LineChart } from '../reports/charts.tsx';
import { filterFromSearch, formatDuration, formatHours, formatRate, type RangeKey, type ReportFilter, searchWithFilter, windowOf } from '../reports/format.ts';
import { PageHeader } from '../shell/PageHeader.tsx';
import { useTaskDrawer } from '../shell/drawerRoute.ts';
import { formatDue } from '../shell/format.ts';
import { useTeams, useUsers } from '../tasks/queries.ts';

type Summary = z.infer<typeof summaryView>;
type Overdue = z.infer<typeof overdueView>;
type Completion = z.infer<typeof completionView>;
type Workload = z.infer<typeof workloadView>;
type Aging = z.infer<typeof agingView>;
type Bottlenecks = z.infer<typeof bottlenecksView>;
type Automation = z.infer<typeof automationView>;
type Throughput = z.infer<typeof throughputView>;

// Written out one by one so each path the page calls can be checked against the API's document.
const PATHS = {
  summary: '/api/v1/reports/summary',
  overdue: '/api/v1/reports/overdue',
  completion: '/api/v1/reports/completion',
  workload: '/api/v1/reports/workload',
  aging: '/api/v1/reports/aging',
  bottlenecks: '/api/v1/reports/bottlenecks',
  automation: '/api/v1/reports/automation',
  throughput: '/api/v1/reports/throughput',
} as const;
type ReportName = keyof typeof PATHS;

/** Reports that look at a window of time; the others are a snapshot of now. */
const WINDOWED: Record<ReportName, boolean> = { summary: true, overdue: false, completion: true, workload: false, aging: false, bottlenecks: true, automation: true, throughput: true };
const EXTRA: Partial<Record<ReportName, Record<string, string>>> = { throughput: { interval: 'week' }, overdue: { limit: '8' } };

function reportParams(name: ReportName, filter: ReportFilter): Record<string, string | undefined> {
  const window = WINDOWED[name] ? windowOf(filter) : {};
  return { ...window, team: filter.team || undefined, assignee: filter.assignee || undefined, ...EXTRA[name] };
}

function reportUrl(name: ReportName, filter: ReportFilter, format?: 'csv'): string {
  return `${PATHS[name]}${query({ ...reportParams(name, filter), format })}`;
}

function useReport<T>(name: ReportName, filter: ReportFilter) {
  const params = reportParams(name, filter);
  return useQuery({
    queryKey: ['report', name, params],
    queryFn: () => api.get<T>(reportUrl(name, filter)),
    placeholderData: keepPreviousData,
    staleTime: 30_000,
  });
}

export function Reports() {
  // The filters live in the address: a report can be shared as a link, and Back undoes a change of filter.
  const search = useSearch();
  const [location, navigate] = useLocation();
  const filter = useMemo(() => filterFromSearch(search), [search]);
  const users = useUsers();
  const teams = useTeams();
  const set = (changes: Partial<ReportFilter>) => {
    const next = searchWithFilter(search, { ...filter, ...changes });
    navigate(next ? `${location}?${next}` : location);
  };
  const summary = useReport<Summary>('summary', filter);

  return (
    <div className="page page-wide reports">
      <PageHeader title="Reports" subtitle={summary.data ? `Times in ${summary.data.timezone}` : 'What is slipping, who is loaded, where work waits'}>
        <div className="report-filters" role="group" aria-label="Report filters">
          <select aria-label="Period" value={filter.range} onChange={(e) => set({ range: e.target.value as RangeKey })}>
            <option value="7">Last 7 days</option>
            <option value="30">Last 30 days</option>
            <option value="90">Last 90 days</option>
            <option value="365">Last 12 months</option>
            <option value="custom">Custom dates…</option>
          </select>
          {filter.range === 'custom' && (
            <>
              <input type="date" aria-label="From" value={filter.fromDate} max={filter.toDate} onChange={(e) => set({ fromDate: e.target.value })} />
              <input type="date" aria-label="To" value={filter.toDate} min={filter.fromDate} onChange={(e) => set({ toDate: e.target.value })} />
            </>
          )}
          <select aria-label="Team" value={filter.team} onChange={(e) => set({ team: e.target.value })}>
            <option value="">All teams</option>
            {(teams.data ?? []).map((t) => <option key={t.id} value={t.id}>{t.name}</option>)}
          </select>
          <select aria-label="Person" value={filter.assignee} onChange={(e) => set({ assignee: e.target.value })}>
            <option value="">Everyone</option>
            <option value="none">Unassigned</option>
            {(users.data ?? []).map((u) => <option key={u.id} value={u.id}>{u.name}</option>)}
          </select>
        </div>
      </PageHeader>
      <SummaryTiles filter={filter} summary={summary} />
      <div className="report-grid">
        <ThroughputReport filter={filter} />
        <OverdueReport filter={filter} />
        <CompletionReport filter={filter} />
        <WorkloadReport filter={filter} />
        <AgingReport filter={filter} />
        <BottlenecksReport filter={filter} />
        <AutomationReport filter={filter} />
      </div>
    </div>
  );
}

function SummaryTiles({ filter, summary }: { filter: ReportFilter; summary: ReturnType<typeof useReport<Summary>> }) {
  const s = summary.data;
  type Tile = { label: string; value: string; tone?: string; hint?: string };
  const tiles: Tile[] = s
    ? [
        { label: 'Open', value: String(s.open) },
        { label: 'Overdue', value: String(s.overdue), tone: s.overdue > 0 ? 'bad' : 'good' },
        { label: 'Due today', value: String(s.dueToday) },
        { label: 'Completed', value: String(s.completed), hint: 'in the period' },
        { label: 'On time', value: formatRate(s.onTimeRate), tone: s.onTimeRate === null ? undefined : s.onTimeRate >= 0.8 ? 'good' : s.onTimeRate < 0.6 ? 'bad' : 'warn', hint: `${s.onTime} of ${s.withDueDate} with a due date` },
        { label: 'Median time', value: formatDuration(s.medianMs), hint: 'to complete' },
        { label: 'p90 time', value: formatDuration(s.p90Ms), hint: '9 in 10 done within' },
      ]
    : [];
  return (
    <section className="report-tiles-wrap" aria-label="Summary">
      <div className="report-card-head tiles-head">
        <h2>Summary</h2>
        <CsvLink name="summary" filter={filter} />
      </div>
      {summary.error ? (
        <p className="error pad">{describeError(summary.error)}</p>
      ) : (
        <div className="report-tiles" aria-busy={!s}>
          {(s ? tiles : Array.from({ length: 7 }, (_, i): Tile => ({ label: String(i), value: '', tone: 'loading' }))).map((t) => (
            <div key={t.label} className={`tile tile-${t.tone ?? 'plain'}`} data-testid={s ? `tile-${t.label.toLowerCase().replace(/\s+/g, '-')}` : undefined}>
              <span className="tile-label">{s ? t.label : '\u00a0'}</span>
              <span className="tile-value">{t.value || '\u00a0'}</span>
              <span className="tile-hint">{t.hint ?? '\u00a0'}</span>
            </div>
          ))}
        </div>
      )}
    </section>
  );
}

function CsvLink({ name, filter }: { name: ReportName; filter: ReportFilter }) {
  return (
    <a className="csv-link" href={reportUrl(name, filter, 'csv')} download={`${name}.csv`} aria-label={`Download ${name} as CSV`}>
      ↓ CSV
    </a>
  );
}

function ReportCard<T>({ name, title, subtitle, filter, report, wide, children }: {
  name: ReportName;
  title: string;
  subtitle?: string;
  filter: ReportFilter;
  report: { data?: T; error: unknown; isFetching: boolean };
  wide?: boolean;
  children: (data: T) => ReactNode;
}) {
  return (
    <section className={`report-card ${wide ? 'report-wide' : ''}`} aria-label={title} data-report={name} aria-busy={report.isFetching}>
      <div className="report-card-head">
        <div>
          <h2>{title}</h2>
          {subtitle && <p className="muted">{subtitle}</p>}
        </div>
        <CsvLink name={name} filter={filter} />
      </div>
      {report.error ? <p className="error">{describeError(report.error)}</p> : report.data ? children(report.data) : <div className="chart-skeleton" />}
    </section>
  );
}

const personName = (row: { assigneeId: string | null; name: string | null }) => (row.assigneeId === null ? 'Unassigned' : (row.name ?? 'Former member'));
const teamName = (row: { teamId: string | null; name: string | null }) => (row.teamId === null ? 'No team' : (row.name ?? 'Former team'));
const LINK_LABEL: Record<string, string> = { contact: 'Contacts', client: 'Clients', lead: 'Leads', job: 'Jobs', service: 'Services', none: 'No record' };
const hours = (ms: number | null) => (ms === null ? null : Math.round((ms / 3_600_000) * 10) / 10);
const percent = (rate: number | null) => (rate === null ? null : Math.round(rate * 100));

function Empty({ children }: { children: ReactNode }) {
  return <p className="report-empty muted">{children}</p>;
}

function ThroughputReport({ filter }: { filter: ReportFilter }) {
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

function OverdueReport({ filter }: { filter: ReportFilter }) {
  const report = useReport<Overdue>('overdue', filter);
  const drawer = useTaskDrawer();
  return (
    <ReportCard name="overdue" title="Overdue" subtitle="Right now, by person, team and record type" filter={filter} report={report}>
      {(o) =>
        o.total === 0 ? (
          <Empty>Nothing is overdue. 🎉</Empty>
        ) : (
          <>
            <BarChart
              horizontal
              label="Overdue tasks by person"
              height={Math.max(120, o.byPerson.length * 30 + 30)}
              labels={o.byPerson.map(personName)}
              series={[{ label: 'Overdue', values: o.byPerson.map((p) => p.count), color: COLORS.danger }]}
            />
            <div className="report-split">
              <MiniTable title="By team" rows={o.byTeam.map((t) => [teamName(t), t.count])} />
              <MiniTable title="By type" rows={o.byLinkType.map((l) => [LINK_LABEL[l.linkType] ?? l.linkType, l.count])} />
            </div>
            <h3 className="report-sub">Overdue the longest</h3>
            <ul className="report-list">
              {o.oldest.map((task) => (
                <li key={task.id}>
                  <button type="button" className="link-button" onClick={() => drawer.open(task.key)}>{task.key}</button>
                  <span className="report-list-title">{task.title}</span>
                  <span className="due due-overdue">{formatDue(task.dueAt)}</span>
                </li>
              ))}
            </ul>
          </>
        )
      }
    </ReportCard>
  );
}

function CompletionReport({ filter }: { filter: ReportFilter }) {
  const report = useReport<Completion>('completion', filter);
  return (
    <ReportCard name="completion" title="Completion time" subtitle="Median and p90 hours to complete, on-time rate" filter={filter} report={report}>
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
            />
            <table className="table report-table">
              <thead><tr><th>Person</th><th className="num">Done</th><th className="num">Median</th><th className="num">p90</th><th className="num">On time</th></tr></thead>
              <tbody>
                {c.byPerson.map((p) => (
                  <tr key={p.assigneeId ?? 'none'}>
                    <td>{personName(p)}</td>
                    <td className="num">{p.completed}</td>
                    <td className="num">{formatDuration(p.medianMs)}</td>
                    <td className="num">{formatDuration(p.p90Ms)}</td>
                    <td className="num"><RateBadge rate={p.onTimeRate} /></td>
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

function RateBadge({ rate }: { rate: number | null }) {
  if (rate === null) return <span className="muted">—</span>;
  return <span className={`rate rate-${rate >= 0.8 ? 'good' : rate < 0.6 ? 'bad' : 'warn'}`}>{formatRate(rate)}</span>;
}

function WorkloadReport({ filter }: { filter: ReportFilter }) {
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

function AgingReport({ filter }: { filter: ReportFilter }) {
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

function BottlenecksReport({ filter }: { filter: ReportFilter }) {
  const report = useReport<Bottlenecks>('bottlenecks', filter);
  return (
    <ReportCard name="bottlenecks" title="Bottlenecks" subtitle="Average stay in each status, and where unresolved work piles up" filter={filter} report={report}>
      {(b) => (
        <>
          <BarChart
            label="Average hours a task stays in each status"
            labels={b.statuses.map((s) => STATUS_LABEL[s.status as Status] ?? s.status)}
            format={formatHours}
            series={[{ label: 'Average stay', values: b.statuses.map((s) => hours(s.averageStayMs)), color: b.statuses.map((s) => (s.status === 'blocked' ? COLORS.danger : s.status === 'waiting' ? COLORS.violet : COLORS.accent)) }]}
          />
          {b.pileUps.length > 0 && (
            <table className="table report-table">
              <thead><tr><th>Team</th><th>Status</th><th className="num">Tasks</th><th className="num">Overdue</th></tr></thead>
              <tbody>
                {b.pileUps.slice(0, 6).map((p) => (
                  <tr key={`${p.teamId}-${p.status}`}>
                    <td>{teamName(p)}</td>
                    <td>{STATUS_LABEL[p.status]}</td>
                    <td className="num">{p.count}</td>
                    <td className={`num ${p.overdue ? 'error' : ''}`}>{p.overdue}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {b.leadStages.length > 0 && (
            <MiniTable title="Leads with open follow-ups, by stage" rows={b.leadStages.slice(0, 5).map((l) => [l.stage, `${l.overdueTasks} overdue of ${l.openTasks}`])} />
          )}
        </>
      )}
    </ReportCard>
  );
}

function AutomationReport({ filter }: { filter: ReportFilter }) {
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

function MiniTable({ title, rows }: { title: string; rows: [string, ReactNode][] }) {
  return (
    <div className="mini-table">
      <h3 className="report-sub">{title}</h3>
      {rows.length === 0 ? (
        <p className="muted small">None</p>
      ) : (
        <dl>
          {rows.map(([label, value]) => (
            <div key={label}><dt>{label}</dt><dd>{value}</dd></div>
          ))}
        </dl>
      )}
    </div>
  );
}

const shortDateFormat = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' });
/** "2026-03-09" (a local date) → "9 Mar". */
function shortDate(localDate: string): string {
  const [y, m, d] = localDate.split('-').map(Number);
  return shortDateFormat.format(new Date(y!, (m ?? 1) - 1, d ?? 1));
}
