// What every report card is made of: a heading with a CSV link, a chart or table once the data is in, and small shared pieces.
import type { ReactNode } from 'react';
import { Link } from 'wouter';
import { describeError } from '../api/client.ts';
import { listHref, type ListParams } from './links.ts';
import { reportUrl, type ReportName } from './api.ts';
import { formatRate, type ReportFilter } from './format.ts';

export function CsvLink({ name, filter }: { name: ReportName; filter: ReportFilter }) {
  return (
    <a className="csv-link" href={reportUrl(name, filter, 'csv')} download={`${name}.csv`} aria-label={`Download ${name} as CSV`}>
      ↓ CSV
    </a>
  );
}

export function ReportCard<T>({ name, title, subtitle, definition, filter, report, wide, children }: {
  name: ReportName;
  title: string;
  subtitle?: string;
  /** One line of plain words saying exactly what the report counts. */
  definition: string;
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
          <p className="report-definition">{definition}</p>
        </div>
        <CsvLink name={name} filter={filter} />
      </div>
      {report.error ? <p className="error">{describeError(report.error)}</p> : report.data ? children(report.data) : <div className="chart-skeleton" />}
    </section>
  );
}

export const personName = (row: { assigneeId: string | null; name: string | null }) => (row.assigneeId === null ? 'Unassigned' : (row.name ?? 'Former member'));
export const teamName = (row: { teamId: string | null; name: string | null }) => (row.teamId === null ? 'No team' : (row.name ?? 'Former team'));
export const hours = (ms: number | null) => (ms === null ? null : Math.round((ms / 3_600_000) * 10) / 10);
export const percent = (rate: number | null) => (rate === null ? null : Math.round(rate * 100));

export function Empty({ children }: { children: ReactNode }) {
  return <p className="report-empty muted">{children}</p>;
}

export function RateBadge({ rate }: { rate: number | null }) {
  if (rate === null) return <span className="muted">—</span>;
  return <span className={`rate rate-${rate >= 0.8 ? 'good' : rate < 0.6 ? 'bad' : 'warn'}`}>{formatRate(rate)}</span>;
}

/** An on-time rate, and a link to the tasks done late that it counts against. */
export function RateWithLate({ rate, late, params, label }: { rate: number | null; late: number; params: ListParams; label: string }) {
  return (
    <>
      <RateBadge rate={rate} />
      {rate !== null && (
        <span className="rate-late">
          {' · '}
          <FigureLink params={params} label={label}>{`${late} late`}</FigureLink>
        </span>
      )}
    </>
  );
}

/** A figure that opens the task list on exactly the tasks it counts. */
export function FigureLink({ params, label, children }: { params: ListParams; label?: string; children: ReactNode }) {
  return (
    <Link className="figure-link" href={listHref(params)} aria-label={label}>
      {children}
    </Link>
  );
}

export function MiniTable({ title, note, rows }: { title: string; note?: string; rows: [string, ReactNode][] }) {
  return (
    <div className="mini-table">
      <h3 className="report-sub">{title}</h3>
      {note && <p className="muted small">{note}</p>}
      {rows.length === 0 ? (
        <p className="muted small">None</p>
      ) : (
        <dl>
          {rows.map(([label, value], i) => (
            <div key={`${i}-${label}`}><dt>{label}</dt><dd>{value}</dd></div>
          ))}
        </dl>
      )}
    </div>
  );
}

const shortDateFormat = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' });
/** "2026-03-09" (a local date) → "9 Mar". */
export function shortDate(localDate: string): string {
  const [y, m, d] = localDate.split('-').map(Number);
  return shortDateFormat.format(new Date(y!, (m ?? 1) - 1, d ?? 1));
}
