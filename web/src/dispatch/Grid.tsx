// The board's grid: a row per technician, hours (a day) or days (a week) across; jobs as cards
// that can be dragged, time off greyed out, overlapping jobs marked.
import { useDraggable, useDroppable } from '@dnd-kit/core';
import type { Job } from '../records/api.ts';
import { addDays, awayIn, conflictsIn, daysOf, HOUR, isAway, lanesOf, NOBODY, spanOf, startOfDay } from './plan.ts';

export interface Row {
  id: string;
  name: string;
  timeOff: { from: string; to: string; note?: string }[];
}

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });
const hourFormat = new Intl.DateTimeFormat(undefined, { hour: 'numeric' });
const dayFormat = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric' });
const SLOT = HOUR / 2;

export const timeOf = (iso: string) => timeFormat.format(new Date(iso));

interface GridProps {
  rows: Row[];
  jobsOf: Map<string, Job[]>;
  onOpen: (job: Job, rowId: string | null) => void;
}

export function DayGrid({ rows, jobsOf, onOpen, day, first, last }: GridProps & { day: Date; first: number; last: number }) {
  const start = startOfDay(day).getTime() + first * HOUR;
  const end = startOfDay(day).getTime() + last * HOUR;
  const hours = Array.from({ length: last - first }, (_, i) => first + i);
  const slots = Array.from({ length: (end - start) / SLOT }, (_, i) => start + i * SLOT);
  const at = (t: number) => `${((t - start) / (end - start)) * 100}%`;
  return (
    <div className="dispatch-grid dispatch-day" role="grid" aria-label="Jobs per technician by hour" style={{ ['--columns' as string]: hours.length }}>
      <div className="dispatch-head" role="row">
        <div className="dispatch-name" role="columnheader">Technician</div>
        <div className="dispatch-hours">
          {hours.map((h) => <div key={h} role="columnheader" className="dispatch-hour">{hourFormat.format(new Date(startOfDay(day).getTime() + h * HOUR))}</div>)}
        </div>
      </div>
      {rows.map((row) => {
        const jobs = jobsOf.get(row.id) ?? [];
        const clashing = row.id === NOBODY ? new Set<string>() : conflictsIn(jobs);
        const { lane, count } = lanesOf(jobs);
        const away = awayIn(row.timeOff, { start, end });
        return (
          <div key={row.id} role="row" className={`dispatch-row ${away.length ? 'has-away' : ''}`} data-technician={row.name} style={{ ['--lanes' as string]: count }}>
            <div className="dispatch-name" role="rowheader">
              <span>{row.name}</span>
              {away.length > 0 && <span className="dispatch-away-label">Away</span>}
              {clashing.size > 0 && <span className="dispatch-conflict-label">{clashing.size} overlapping</span>}
            </div>
            <div className="dispatch-track">
              {slots.map((slot) => <Slot key={slot} id={`${row.id}@${slot}`} data={{ technicianId: row.id, at: slot }} label={`${row.name} at ${timeFormat.format(new Date(slot))}`} />)}
              {away.map((a) => (
                <div key={a.start} className="dispatch-away" style={{ left: at(a.start), width: `calc(${at(a.end)} - ${at(a.start)})` }} title={a.note ? `Away: ${a.note}` : 'Away'} aria-hidden="true" />
              ))}
              {jobs.map((job) => {
                const span = spanOf(job)!;
                const from = Math.max(span.start, start);
                const to = Math.min(span.end, end);
                return (
                  <JobCard
                    key={job.id}
                    job={job}
                    rowId={row.id}
                    conflict={clashing.has(job.id)}
                    away={row.id !== NOBODY && isAway(row.timeOff, span)}
                    onOpen={onOpen}
                    style={{ left: at(from), width: `calc(${at(to)} - ${at(from)})`, top: `calc(${lane.get(job.id) ?? 0} * var(--lane))` }}
                  />
                );
              })}
            </div>
          </div>
        );
      })}
    </div>
  );
}

export function WeekGrid({ rows, jobsOf, onOpen, from }: GridProps & { from: Date }) {
  const days = daysOf(from);
  return (
    <div className="dispatch-grid dispatch-week" role="grid" aria-label="Jobs per technician by day">
      <div className="dispatch-head" role="row">
        <div className="dispatch-name" role="columnheader">Technician</div>
        {days.map((d) => <div key={d.getTime()} role="columnheader" className="dispatch-hour">{dayFormat.format(d)}</div>)}
      </div>
      {rows.map((row) => {
        const jobs = jobsOf.get(row.id) ?? [];
        const clashing = row.id === NOBODY ? new Set<string>() : conflictsIn(jobs);
        return (
          <div key={row.id} role="row" className="dispatch-row" data-technician={row.name}>
            <div className="dispatch-name" role="rowheader">
              <span>{row.name}</span>
              {clashing.size > 0 && <span className="dispatch-conflict-label">{clashing.size} overlapping</span>}
            </div>
            {days.map((day) => {
              const span = { start: day.getTime(), end: addDays(day, 1).getTime() };
              const away = awayIn(row.timeOff, span);
              const those = jobs.filter((job) => {
                const s = spanOf(job)!;
                return s.start < span.end && span.start < s.end;
              });
              return (
                <DayCell key={day.getTime()} id={`${row.id}#${day.getTime()}`} data={{ technicianId: row.id, day }} away={away.length > 0} label={`${row.name} on ${dayFormat.format(day)}`}>
                  {away.length > 0 && <span className="dispatch-away-label">Away{away[0]!.note ? `: ${away[0]!.note}` : ''}</span>}
                  {those.map((job) => <JobCard key={job.id} job={job} rowId={row.id} conflict={clashing.has(job.id)} away={row.id !== NOBODY && isAway(row.timeOff, spanOf(job)!)} onOpen={onOpen} />)}
                </DayCell>
              );
            })}
          </div>
        );
      })}
    </div>
  );
}

function Slot({ id, data, label }: { id: string; data: { technicianId: string; at: number }; label: string }) {
  const { setNodeRef, isOver } = useDroppable({ id, data });
  return <div ref={setNodeRef} className={`dispatch-slot ${isOver ? 'over' : ''}`} data-slot={label} />;
}

function DayCell({ id, data, away, label, children }: { id: string; data: { technicianId: string; day: Date }; away: boolean; label: string; children: React.ReactNode }) {
  const { setNodeRef, isOver } = useDroppable({ id, data });
  return (
    <div ref={setNodeRef} role="gridcell" aria-label={label} data-slot={label} className={`dispatch-cell ${away ? 'away' : ''} ${isOver ? 'over' : ''}`}>
      {children}
    </div>
  );
}

export function JobCard({ job, rowId, conflict, away, onOpen, style }: { job: Job; rowId: string | null; conflict: boolean; away: boolean; onOpen: (job: Job, rowId: string | null) => void; style?: React.CSSProperties }) {
  const { attributes, listeners, setNodeRef, isDragging } = useDraggable({ id: `${rowId ?? 'loose'}:${job.id}`, data: { job, rowId } });
  const when = job.scheduledStart ? `${timeOf(job.scheduledStart)}${job.scheduledEnd ? `–${timeOf(job.scheduledEnd)}` : ''}` : null;
  const notes = [conflict && 'overlaps another job', away && 'technician away'].filter(Boolean).join(', ');
  return (
    <button
      ref={setNodeRef}
      type="button"
      {...attributes}
      {...listeners}
      style={style}
      data-job={job.title}
      className={`dispatch-job job-${job.status} ${conflict ? 'conflict' : ''} ${away ? 'on-away' : ''} ${isDragging ? 'dragging' : ''}`}
      aria-label={`${job.title}${when ? `, ${when}` : ''}${notes ? ` (${notes})` : ''}. Schedule…`}
      title={`${job.title}${job.address ? ` · ${job.address}` : ''}${notes ? ` — ${notes}` : ''}`}
      onClick={() => onOpen(job, rowId)}
    >
      {conflict && <span className="dispatch-job-flag" aria-hidden="true">⚠</span>}
      {when && <span className="dispatch-job-time">{when}</span>}
      <span className="dispatch-job-title">{job.title}</span>
      {!when && job.address && <span className="dispatch-job-detail">{job.address}</span>}
    </button>
  );
}
