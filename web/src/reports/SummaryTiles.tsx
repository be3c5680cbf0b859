// The summary across the top: open, overdue, due today, completed, on time, and how long work takes.
import { Link } from 'wouter';
import { describeError } from '../api/client.ts';
import type { Summary, useReport } from './api.ts';
import { formatDuration, formatRate, type ReportFilter } from './format.ts';
import { CsvLink } from './ReportCard.tsx';

export function SummaryTiles({ filter, summary }: { filter: ReportFilter; summary: ReturnType<typeof useReport<Summary>> }) {
  const s = summary.data;
  /** Each figure says what it counts; where the task list can show the same tasks, it links there with the same filters. */
  type Tile = { id: string; label: string; value: string; tone?: string; hint?: string; definition?: string; list?: string };
  const scope = new URLSearchParams({ ...(filter.team && { team: filter.team }), ...(filter.assignee && { assignee: filter.assignee }) });
  const listOf = (extra: Record<string, string> = {}) => `/tasks?${new URLSearchParams({ ...Object.fromEntries(scope), ...extra }).toString()}`;
  const toneOf = (rate: number | null) => (rate === null ? undefined : rate >= 0.8 ? 'good' : rate < 0.6 ? 'bad' : 'warn');
  const tiles: Tile[] = s
    ? [
        { id: 'open', label: 'Open', value: String(s.open), definition: 'Tasks not done or cancelled, right now', list: listOf() },
        { id: 'overdue', label: 'Overdue', value: String(s.overdue), tone: s.overdue > 0 ? 'bad' : 'good', definition: 'Open tasks whose due date has passed, right now', list: listOf({ overdue: 'true' }) },
        { id: 'due-today', label: 'Due today', value: String(s.dueToday), definition: 'Open tasks due later today, not yet overdue' },
        { id: 'completed', label: 'Completed', value: String(s.completed), hint: 'in the period', definition: 'Tasks marked done during the period' },
        {
          id: 'on-time',
          label: 'On time, overdue counted late',
          value: formatRate(s.onTimeRateWithOverdue),
          tone: toneOf(s.onTimeRateWithOverdue),
          hint: `${s.onTime} of ${s.withDueDate + s.overdueDueInWindow} due in the period`,
          definition: 'Completed by their due date, out of those completed with a due date plus those due in the period and still open past it',
        },
        { id: 'on-time-completed', label: 'On time, completed only', value: formatRate(s.onTimeRate), tone: toneOf(s.onTimeRate), hint: `${s.onTime} of ${s.withDueDate} completed with a due date`, definition: 'Completed by their due date, out of the completed tasks that had one; open late work is left out' },
        { id: 'median-time', label: 'Median time', value: formatDuration(s.medianMs), hint: 'to complete', definition: 'Half the tasks completed in the period took less than this from creation to done' },
        { id: 'p90-time', label: 'p90 time', value: formatDuration(s.p90Ms), hint: '9 in 10 done within', definition: 'Nine in ten tasks completed in the period took less than this' },
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
          {(s ? tiles : Array.from({ length: 8 }, (_, i): Tile => ({ id: String(i), label: String(i), value: '', tone: 'loading' }))).map((t) => (
            <div key={t.id} className={`tile tile-${t.tone ?? 'plain'}`} data-testid={s ? `tile-${t.id}` : undefined}>
              <span className="tile-label" title={t.definition}>{s ? t.label : '\u00a0'}</span>
              <span className="tile-value">{t.value || '\u00a0'}</span>
              <span className="tile-hint">{t.hint ?? '\u00a0'}</span>
              {t.definition && <span className="tile-definition">{t.definition}</span>}
              {t.list && <Link className="tile-link" href={t.list}>See these tasks</Link>}
            </div>
          ))}
        </div>
      )}
    </section>
  );
}
