// The summary across the top: open, overdue, due today, completed, on time, and how long work takes.
import { Link } from 'wouter';
import { describeError } from '../api/client.ts';
import type { Summary, useReport } from './api.ts';
import { formatDuration, formatRate, type ReportFilter } from './format.ts';
import { links, linkScope, listHref, type ListParams } from './links.ts';
import { CsvLink } from './ReportCard.tsx';
import { plural } from '../shell/plural.ts';

export function SummaryTiles({ filter, summary }: { filter: ReportFilter; summary: ReturnType<typeof useReport<Summary>> }) {
  const s = summary.data;
  /** Each figure says what it counts, and links to the task list showing exactly those tasks, with the report's team, person and period. */
  type Tile = { id: string; label: string; value: string; tone?: string; hint?: string; definition?: string; links?: { label: string; params: ListParams }[] };
  const toneOf = (rate: number | null) => (rate === null ? undefined : rate >= 0.8 ? 'good' : rate < 0.6 ? 'bad' : 'warn');
  const see = (params: ListParams) => [{ label: 'See these tasks', params }];
  const tiles: Tile[] = [];
  if (s) {
    const scope = linkScope(filter, s.window);
    const late = s.withDueDate - s.onTime;
    const onTimeLinks = [
      { label: `${s.onTime} on time`, params: links.onTime(scope) },
      { label: `${late} done late`, params: links.late(scope) },
    ];
    const completedLinks = [{ label: `See the ${plural(s.completed, 'task', 'tasks')}`, params: links.completed(scope) }];
    tiles.push(
      { id: 'open', label: 'Open', value: String(s.open), definition: 'Tasks not done or cancelled, right now', links: see(links.open(scope)) },
      { id: 'overdue', label: 'Overdue', value: String(s.overdue), tone: s.overdue > 0 ? 'bad' : 'good', definition: 'Open tasks past their due date now, each task once', links: see(links.overdue(scope)) },
      { id: 'due-today', label: 'Due today', value: String(s.dueToday), definition: 'Open tasks due between now and midnight, not yet overdue', links: see(links.dueToday(scope)) },
      { id: 'completed', label: 'Completed', value: String(s.completed), hint: 'in the period', definition: 'Tasks marked done during the period (and done still)', links: see(links.completed(scope)) },
      {
        id: 'on-time',
        label: 'On time, overdue counted late',
        value: formatRate(s.onTimeRateWithOverdue),
        tone: toneOf(s.onTimeRateWithOverdue),
        hint: `${s.onTime} of ${s.withDueDate + s.overdueDueInWindow} due in the period`,
        definition: 'Of the tasks done in the period that had a due date, plus open tasks due in the period and now past it, the share done by their due date',
        links: [...onTimeLinks, { label: `${s.overdueDueInWindow} still open past due`, params: links.overdueDueIn(scope) }],
      },
      {
        id: 'on-time-completed',
        label: 'On time, completed only',
        value: formatRate(s.onTimeRate),
        tone: toneOf(s.onTimeRate),
        hint: `${s.onTime} of ${s.withDueDate} completed with a due date`,
        definition: 'Of the tasks done in the period that had a due date, the share done by it; open late work is left out',
        links: onTimeLinks,
      },
      { id: 'median-time', label: 'Median time', value: formatDuration(s.medianMs), hint: 'to complete', definition: 'Half the tasks done in the period took less than this from creation to done', links: completedLinks },
      { id: 'p90-time', label: 'p90 time', value: formatDuration(s.p90Ms), hint: '9 in 10 done within', definition: 'Nine in ten tasks done in the period took less than this from creation to done', links: completedLinks },
    );
  }
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
              {t.links && (
                <span className="tile-links">
                  {t.links.map((l) => <Link key={l.label} className="tile-link" href={listHref(l.params)}>{l.label}</Link>)}
                </span>
              )}
            </div>
          ))}
        </div>
      )}
    </section>
  );
}
