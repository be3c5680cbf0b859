// The dispatch board: jobs per technician by hour (a day) or by day (a week), unscheduled jobs beside;
// drag a job onto a technician and a time, or open it to schedule it from a form.
import { DndContext, type DragEndEvent, DragOverlay, MouseSensor, pointerWithin, TouchSensor, useDroppable, useSensor, useSensors } from '@dnd-kit/core';
import { useEffect, useMemo, useRef, useState } from 'react';
import { describeError } from '../api/client.ts';
import { useJobsIn, useScheduleJob, useUnscheduledJobs } from '../dispatch/api.ts';
import { DayGrid, JobCard, type Row, WeekGrid } from '../dispatch/Grid.tsx';
import { addDays, type DropTarget, dropChange, hoursShown, isAway, jobsByTechnician, NOBODY, type ScheduleChange, spanOf, startOfDay, type View, windowOf } from '../dispatch/plan.ts';
import { type ScheduleRequest, ScheduleDialog } from '../dispatch/ScheduleDialog.tsx';
import '../dispatch/dispatch.css';
import type { Job } from '../records/api.ts';
import { PageHeader } from '../shell/PageHeader.tsx';
import { useOrg, useTeams, useUsers } from '../tasks/queries.ts';

const longDay = new Intl.DateTimeFormat(undefined, { weekday: 'long', day: 'numeric', month: 'long' });
const shortDay = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short' });
const slotFormat = new Intl.DateTimeFormat(undefined, { weekday: 'short', hour: 'numeric', minute: '2-digit' });
const TEAM_KEY = 'finishline.dispatch.team';

export function Dispatch() {
  const [view, setView] = useState<View>('day');
  const [anchor, setAnchor] = useState(() => startOfDay(new Date()));
  const [team, setTeamState] = useState(() => localStorage.getItem(TEAM_KEY) ?? '');
  const [person, setPerson] = useState('');
  const [dragging, setDragging] = useState<Job | null>(null);
  const [dialog, setDialog] = useState<ScheduleRequest | null>(null);
  const setTeam = (id: string) => {
    setTeamState(id);
    localStorage.setItem(TEAM_KEY, id);
  };
  const { from, to } = windowOf(view, anchor);
  const inWindow = useJobsIn(from, to);
  const unscheduled = useUnscheduledJobs();
  const users = useUsers();
  const teams = useTeams();
  const org = useOrg();
  const { schedule, moved } = useScheduleJob();
  const sensors = useSensors(useSensor(MouseSensor, { activationConstraint: { distance: 6 } }), useSensor(TouchSensor, { activationConstraint: { delay: 250, tolerance: 8 } }));

  // What the server said, with the moves still on their way laid over it.
  const { placed, loose } = useMemo(() => {
    const all = new Map<string, Job>();
    for (const job of [...(unscheduled.data ?? []), ...(inWindow.data ?? [])]) all.set(job.id, job);
    for (const job of moved.values()) all.set(job.id, job);
    const placed: Job[] = [];
    const loose: Job[] = [];
    for (const job of all.values()) {
      const span = spanOf(job);
      if (!span) loose.push(job);
      else if (span.start < to.getTime() && from.getTime() < span.end) placed.push(job);
    }
    return { placed, loose };
  }, [unscheduled.data, inWindow.data, moved, from.getTime(), to.getTime()]);

  const memberIds = team ? new Set((teams.data ?? []).find((t) => t.id === team)?.memberIds ?? []) : null;
  const jobsOf = useMemo(() => jobsByTechnician(placed), [placed]);
  const people = (users.data ?? []).filter((u) => u.active || jobsOf.has(u.id));
  const rows: Row[] = [
    ...people.filter((u) => (!memberIds || memberIds.has(u.id)) && (!person || u.id === person)).map((u) => ({ id: u.id, name: u.name, timeOff: u.timeOff })),
    ...(jobsOf.has(NOBODY) && !person ? [{ id: NOBODY, name: 'Nobody yet', timeOff: [] }] : []),
  ];
  const allRows: Row[] = people.map((u) => ({ id: u.id, name: u.name, timeOff: u.timeOff }));
  const nameOf = (id: string) => (id === NOBODY ? 'nobody' : (allRows.find((r) => r.id === id)?.name ?? 'someone'));
  const { first, last } = hoursShown(org.data?.businessHours, jobsOf.size ? placed : [], anchor);
  // A day widened to a job at night still opens at the business's first hour; scroll back for the rest.
  const opening = hoursShown(org.data?.businessHours, [], anchor).first;
  const scroller = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const box = scroller.current;
    if (box && view === 'week') box.scrollLeft = 0;
    const hour = box?.querySelectorAll<HTMLElement>('.dispatch-day .dispatch-hour')[Math.max(0, opening - first)];
    const name = box?.querySelector<HTMLElement>('.dispatch-name');
    if (!box || !hour || !name) return;
    box.scrollLeft = hour.getBoundingClientRect().left - box.getBoundingClientRect().left + box.scrollLeft - name.offsetWidth;
  }, [view, anchor.getTime(), first, opening, rows.length > 0]);

  const save = (job: Job, change: ScheduleChange) => {
    const who = change.technicianIds.length ? change.technicianIds.map(nameOf).join(' and ') : 'nobody yet';
    const span = { start: Date.parse(change.scheduledStart), end: Date.parse(change.scheduledEnd) };
    const awayNames = change.technicianIds.filter((id) => isAway(allRows.find((r) => r.id === id)?.timeOff ?? [], span)).map(nameOf);
    const warning = awayNames.length ? ` — ${awayNames.join(' and ')} ${awayNames.length > 1 ? 'are' : 'is'} away then` : '';
    schedule({ job, change, done: `Scheduled “${job.title}” for ${who}, ${slotFormat.format(new Date(change.scheduledStart))}${warning}` });
  };
  const onDragEnd = (event: DragEndEvent) => {
    setDragging(null);
    const job = event.active.data.current?.job as Job | undefined;
    const rowId = (event.active.data.current?.rowId as string | null | undefined) ?? null;
    const target = event.over?.data.current as DropTarget | { unschedule: true } | undefined;
    if (!job || !target) return;
    if ('unschedule' in target) {
      if (job.scheduledStart) schedule({ job, change: { scheduledStart: null, scheduledEnd: null }, done: `“${job.title}” is unscheduled` });
      return;
    }
    const change = dropChange(job, rowId, target);
    if (change) save(job, change);
  };
  const shift = (delta: number) => setAnchor((d) => addDays(d, view === 'day' ? delta : 7 * delta));
  const title = view === 'day' ? longDay.format(anchor) : `Week of ${shortDay.format(from)}`;
  const error = inWindow.error ?? unscheduled.error;

  return (
    <div className="page page-wide dispatch-page">
      <PageHeader title="Dispatch" subtitle={title}>
        <div className="segmented" role="group" aria-label="View">
          <button type="button" className={`button ${view === 'day' ? 'active' : ''}`} aria-pressed={view === 'day'} onClick={() => setView('day')}>Day</button>
          <button type="button" className={`button ${view === 'week' ? 'active' : ''}`} aria-pressed={view === 'week'} onClick={() => setView('week')}>Week</button>
        </div>
        <button type="button" className="button" aria-label={view === 'day' ? 'Previous day' : 'Previous week'} onClick={() => shift(-1)}>‹</button>
        <button type="button" className="button" onClick={() => setAnchor(startOfDay(new Date()))}>Today</button>
        <button type="button" className="button" aria-label={view === 'day' ? 'Next day' : 'Next week'} onClick={() => shift(1)}>›</button>
        <select aria-label="Team" value={team} onChange={(e) => setTeam(e.target.value)}>
          <option value="">Everyone</option>
          {(teams.data ?? []).map((t) => <option key={t.id} value={t.id}>{t.name}</option>)}
        </select>
        <select aria-label="Technician" value={person} onChange={(e) => setPerson(e.target.value)}>
          <option value="">All technicians</option>
          {people.map((u) => <option key={u.id} value={u.id}>{u.name}</option>)}
        </select>
      </PageHeader>
      {error && <p className="error pad">{describeError(error)}</p>}
      <DndContext sensors={sensors} collisionDetection={pointerWithin} onDragStart={(e) => setDragging((e.active.data.current?.job as Job) ?? null)} onDragCancel={() => setDragging(null)} onDragEnd={onDragEnd}>
        <div className="dispatch-layout">
          <Unscheduled jobs={loose} onOpen={(job) => setDialog({ job, rowId: null })} />
          <div className="dispatch-scroll" ref={scroller} aria-busy={inWindow.isFetching}>
            {view === 'day' ? (
              <DayGrid rows={rows} jobsOf={jobsOf} day={anchor} first={first} last={last} onOpen={(job, rowId) => setDialog({ job, rowId })} />
            ) : (
              <WeekGrid rows={rows} jobsOf={jobsOf} from={from} onOpen={(job, rowId) => setDialog({ job, rowId })} />
            )}
            {rows.length === 0 && <p className="muted pad">No one to show: choose another team or technician.</p>}
          </div>
        </div>
        <DragOverlay dropAnimation={null}>{dragging && <div className="dispatch-job dispatch-job-overlay">{dragging.title}</div>}</DragOverlay>
      </DndContext>
      {dialog && (
        <ScheduleDialog
          request={dialog}
          rows={allRows}
          day={anchor}
          onClose={() => setDialog(null)}
          onSave={(change) => {
            save(dialog.job, change);
            setDialog(null);
          }}
          onUnschedule={() => {
            schedule({ job: dialog.job, change: { scheduledStart: null, scheduledEnd: null }, done: `“${dialog.job.title}” is unscheduled` });
            setDialog(null);
          }}
        />
      )}
    </div>
  );
}

function Unscheduled({ jobs, onOpen }: { jobs: Job[]; onOpen: (job: Job) => void }) {
  const { setNodeRef, isOver } = useDroppable({ id: 'unscheduled', data: { unschedule: true } });
  return (
    <section ref={setNodeRef} className={`dispatch-side ${isOver ? 'over' : ''}`} aria-label="Unscheduled jobs">
      <h2>Unscheduled <span className="count">{jobs.length}</span></h2>
      {jobs.length === 0 ? (
        <p className="muted small">Every open job has a time. Drop a job here to take it off the schedule.</p>
      ) : (
        <>
          <p className="muted small">Drag a job onto a technician and a time, or open it to schedule it.</p>
          <div className="dispatch-side-list">
            {jobs.map((job) => <JobCard key={job.id} job={job} rowId={null} conflict={false} away={false} onOpen={onOpen} />)}
          </div>
        </>
      )}
    </section>
  );
}
