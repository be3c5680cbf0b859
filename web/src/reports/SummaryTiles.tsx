// The summary across the top: open, overdue, due today, completed, on time, and how long work takes.
import { describeError } from '../api/client.ts';
import type { Summary, useReport } from './api.ts';
import { formatDuration, formatRate, type ReportFilter } from './format.ts';
import { CsvLink } from './ReportCard.tsx';

export function SummaryTiles({ filter, summary }: { filter: ReportFilter; summary: ReturnType<typeof useReport<Summary>> }) {
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
