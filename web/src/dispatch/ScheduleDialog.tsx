// Scheduling a job without dragging: technician, day, start and length in a form (keyboard and phone friendly).
import { type FormEvent, useState } from 'react';
import { Link } from 'wouter';
import type { Job } from '../records/api.ts';
import { Modal } from '../shell/Modal.tsx';
import { DEFAULT_LENGTH, DEFAULT_START_HOUR, NOBODY, type ScheduleChange, spanOf } from './plan.ts';
import type { Row } from './Grid.tsx';

const LENGTHS = [30, 60, 90, 120, 180, 240, 360, 480];
const pad = (n: number) => String(n).padStart(2, '0');
const dateInput = (d: Date) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
const timeInput = (d: Date) => `${pad(d.getHours())}:${pad(d.getMinutes())}`;
const lengthLabel = (minutes: number) => (minutes < 60 ? `${minutes} min` : `${minutes / 60} h`.replace('.5 h', '½ h'));

export interface ScheduleRequest {
  job: Job;
  rowId: string | null;
}

export function ScheduleDialog({ request, rows, day, onSave, onUnschedule, onClose }: {
  request: ScheduleRequest;
  rows: Row[];
  /** The day shown on the board: an unscheduled job starts there. */
  day: Date;
  onSave: (change: ScheduleChange) => void;
  onUnschedule: () => void;
  onClose: () => void;
}) {
  const { job, rowId } = request;
  const span = spanOf(job);
  const start = span ? new Date(span.start) : new Date(day.getFullYear(), day.getMonth(), day.getDate(), DEFAULT_START_HOUR);
  const minutes = Math.round((span ? span.end - span.start : DEFAULT_LENGTH) / 60_000);
  const [technician, setTechnician] = useState(rowId && rowId !== NOBODY ? rowId : (job.technicianIds[0] ?? NOBODY));
  const [date, setDate] = useState(dateInput(start));
  const [time, setTime] = useState(timeInput(start));
  const [length, setLength] = useState(minutes);
  const [error, setError] = useState<string | null>(null);
  const lengths = LENGTHS.includes(minutes) ? LENGTHS : [...LENGTHS, minutes].sort((a, b) => a - b);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const at = new Date(`${date}T${time}`);
    if (!date || !time || Number.isNaN(at.getTime())) return setError('Choose a day and a start time');
    const others = job.technicianIds.filter((id) => id !== rowId && id !== technician);
    onSave({
      scheduledStart: at.toISOString(),
      scheduledEnd: new Date(at.getTime() + length * 60_000).toISOString(),
      technicianIds: technician === NOBODY ? others : [...(rowId === null ? [] : others), technician],
    });
  };
  return (
    <Modal title={`Schedule “${job.title}”`} onClose={onClose}>
      <form className="dispatch-form" onSubmit={submit} noValidate>
        <label>Technician
          <select value={technician} onChange={(e) => setTechnician(e.target.value)} autoFocus>
            <option value={NOBODY}>Nobody yet</option>
            {rows.filter((r) => r.id !== NOBODY).map((r) => <option key={r.id} value={r.id}>{r.name}</option>)}
          </select>
        </label>
        <label>Day <input type="date" value={date} onChange={(e) => setDate(e.target.value)} /></label>
        <label>Start <input type="time" step={900} value={time} onChange={(e) => setTime(e.target.value)} /></label>
        <label>Length
          <select value={length} onChange={(e) => setLength(Number(e.target.value))}>
            {lengths.map((m) => <option key={m} value={m}>{lengthLabel(m)}</option>)}
          </select>
        </label>
        {error && <p className="field-error" role="alert">{error}</p>}
        <div className="dispatch-form-actions">
          <button type="submit" className="button button-primary">Schedule</button>
          {span && <button type="button" className="button" onClick={onUnschedule}>Unschedule</button>}
          <Link href={`/jobs/${job.id}`} className="button">Open job</Link>
          <button type="button" className="link-button" onClick={onClose}>Cancel</button>
        </div>
        <p className="muted small">{job.address ?? 'No address yet'}{span ? '' : ` · starts ${DEFAULT_START_HOUR}:00 unless you choose`}</p>
      </form>
    </Modal>
  );
}

