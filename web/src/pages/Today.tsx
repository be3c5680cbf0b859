// Today: a technician's day on one screen — today's jobs in time order, each with
// its time, client, a tap to call and a tap for maps, and its open tasks; then the
// person's other tasks due today or overdue. Works without signal (fieldDay.ts).
import { useMemo } from 'react';
import { Link } from 'wouter';
import type { Task } from '../api/types.ts';
import { JOB_STATUS_LABEL, mapsUrl, telUrl } from '../records/api.ts';
import { useTaskDrawer } from '../shell/drawerRoute.ts';
import { daysBetween } from '../shell/format.ts';
import { EmptyState, PageHeader } from '../shell/PageHeader.tsx';
import { type DayJob, jobTasksFilter, MY_TASKS, useTodayJobs } from '../today/fieldDay.ts';
import { useToggleDone } from '../tasks/mutations.ts';
import { useTaskList } from '../tasks/queries.ts';
import { TaskRow } from '../tasks/TaskRow.tsx';
import { useUserMap } from '../tasks/useUserMap.ts';

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });
const dateFormat = new Intl.DateTimeFormat(undefined, { weekday: 'long', day: 'numeric', month: 'long' });

/** "09:00–11:00"; a job that began before today says so. */
function jobTime(job: DayJob['job'], dayStart: Date): string {
  if (!job.scheduledStart) return 'Any time';
  const start = new Date(job.scheduledStart);
  const from = start < dayStart ? 'Until' : timeFormat.format(start);
  if (!job.scheduledEnd) return from === 'Until' ? 'Started earlier' : from;
  const end = timeFormat.format(new Date(job.scheduledEnd));
  return from === 'Until' ? `Until ${end}` : `${from}–${end}`;
}

export function Today() {
  const day = useTodayJobs();
  const mine = useTaskList(MY_TASKS);
  const now = new Date();
  const dayStart = new Date(now.getFullYear(), now.getMonth(), now.getDate());
  const jobIds = useMemo(() => new Set((day.data ?? []).map((d) => d.job.id)), [day.data]);
  // Mine due today or late, other than those already under one of today's jobs.
  const others = useMemo(
    () =>
      (mine.data?.items ?? []).filter((t) => {
        const due = t.overdue || (t.dueAt !== null && daysBetween(new Date(), new Date(t.dueAt)) <= 0);
        return due && !t.links.some((l) => l.type === 'job' && jobIds.has(l.id));
      }),
    [mine.data, jobIds],
  );
  const jobs = day.data ?? [];
  return (
    <div className="page today">
      <PageHeader title="Today" subtitle={`${dateFormat.format(now)}${day.data ? ` · ${jobs.length} job${jobs.length === 1 ? '' : 's'}` : ''}`} />
      <section className="today-jobs" aria-label="Jobs today">
        {day.isPending ? (
          <p className="muted pad">Loading…</p>
        ) : day.isError && !day.data ? (
          <p className="error pad">Could not load today’s jobs.</p>
        ) : jobs.length === 0 ? (
          <p className="muted pad">No jobs booked for you today.</p>
        ) : (
          <ol className="job-cards">
            {jobs.map((d) => <JobCard key={d.job.id} day={d} dayStart={dayStart} />)}
          </ol>
        )}
      </section>
      <section className="work-section" aria-label="Other tasks for today">
        <h2 className="section-title">Other tasks for today <span className="count">{others.length}</span></h2>
        {mine.isPending ? (
          <p className="muted section-empty">Loading…</p>
        ) : others.length === 0 ? (
          jobs.length === 0 ? <EmptyState title="All clear" hint="Nothing due today." /> : <p className="muted section-empty">Nothing else due today.</p>
        ) : (
          <TaskRows tasks={others} />
        )}
      </section>
    </div>
  );
}

function JobCard({ day, dayStart }: { day: DayJob; dayStart: Date }) {
  const { job, clientName, phone, address } = day;
  const tasks = useTaskList(jobTasksFilter(job.id));
  const open = tasks.data?.items ?? [];
  return (
    <li className="job-card" aria-label={job.title}>
      <div className="job-card-head">
        <span className="job-time">{jobTime(job, dayStart)}</span>
        {job.status !== 'scheduled' && <span className={`chip job-status job-status-${job.status}`}>{JOB_STATUS_LABEL[job.status]}</span>}
      </div>
      <h2 className="job-title"><Link href={`/jobs/${job.id}`}>{job.title}</Link></h2>
      {clientName && <p className="job-client">{clientName}</p>}
      {address && <p className="job-address muted">{address}</p>}
      {(phone || address) && (
        <div className="job-actions">
          {phone && <a className="button" href={telUrl(phone)} aria-label={`Call ${clientName ?? phone}`}>☎ Call</a>}
          {address && <a className="button" href={mapsUrl(address)} target="_blank" rel="noreferrer" aria-label={`Directions to ${address}`}>➤ Directions</a>}
        </div>
      )}
      {open.length > 0 ? <TaskRows tasks={open} /> : tasks.data && <p className="muted small job-no-tasks">No open tasks for this job.</p>}
    </li>
  );
}

function TaskRows({ tasks }: { tasks: Task[] }) {
  const users = useUserMap();
  const drawer = useTaskDrawer();
  const toggleDone = useToggleDone();
  return (
    <ul className="task-list">
      {tasks.map((task) => <TaskRow key={task.id} task={task} users={users} focused={false} onOpen={(t) => drawer.open(t.key)} onToggleDone={toggleDone} />)}
    </ul>
  );
}
