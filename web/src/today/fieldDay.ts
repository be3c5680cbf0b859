// A technician's day as the app reads it: today's jobs (with their client's
// name, phone and address), each job's open tasks, and the person's own open
// tasks. Fetched in the background whenever there is signal, not only when a
// page is opened, and kept in this browser (offline/cache.ts) so Today and My
// work open without signal.
import { type QueryClient, useQuery } from '@tanstack/react-query';
import { api, query } from '../api/client.ts';
import type { Page, Task } from '../api/types.ts';
import type { Client, Contact, Job } from '../records/api.ts';
import { keys, type TaskFilter } from '../tasks/queries.ts';

/** My open tasks, as My work lists them: the same filter, so both pages share one cached copy. */
export const MY_TASKS: TaskFilter = { assignee: 'me', sort: 'due' };

/** The open tasks linked to one job (the list's default statuses: not done, not cancelled). */
export function jobTasksFilter(jobId: string): TaskFilter {
  return { link: `job:${jobId}`, sort: 'due' };
}

export interface DayJob {
  job: Job;
  /** The client's name; null when the job has none or it could not be read. */
  clientName: string | null;
  /** The client's first contact's phone. */
  phone: string | null;
  /** Where to go: the job's address, else its client's. */
  address: string | null;
}

/** Midnight to midnight of the day `now` is in, on the browser's calendar. */
export function dayWindow(now = new Date()): { from: string; to: string } {
  const from = new Date(now.getFullYear(), now.getMonth(), now.getDate());
  const to = new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1);
  return { from: from.toISOString(), to: to.toISOString() };
}

export const todayKey = (from: string) => ['today', 'jobs', from] as const;

/** Soonest first; a job without a start (one running into today) leads. */
export function inDayOrder(jobs: DayJob[]): DayJob[] {
  return [...jobs].sort((a, b) => (a.job.scheduledStart ?? '').localeCompare(b.job.scheduledStart ?? '') || a.job.title.localeCompare(b.job.title));
}

async function readOrNull<T>(path: string): Promise<T | null> {
  try {
    return await api.get<T>(path);
  } catch {
    // A client or contact removed or out of reach: the job still shows, without it.
    return null;
  }
}

async function fetchDay(from: string, to: string): Promise<DayJob[]> {
  const page = await api.get<Page<Job>>(`/api/v1/jobs${query({ technician: 'me', scheduledFrom: from, scheduledTo: to, sort: 'scheduled', limit: '100' })}`);
  const jobs = page.items.filter((j) => j.status !== 'cancelled');
  const clients = new Map<string, Promise<Client | null>>();
  const contacts = new Map<string, Promise<Contact | null>>();
  const clientOf = (id: string) => clients.get(id) ?? clients.set(id, readOrNull<Client>(`/api/v1/clients/${encodeURIComponent(id)}`)).get(id)!;
  const contactOf = (id: string) => contacts.get(id) ?? contacts.set(id, readOrNull<Contact>(`/api/v1/contacts/${encodeURIComponent(id)}`)).get(id)!;
  return inDayOrder(
    await Promise.all(
      jobs.map(async (job): Promise<DayJob> => {
        const client = job.clientId ? await clientOf(job.clientId) : null;
        const contact = client?.contactIds[0] ? await contactOf(client.contactIds[0]) : null;
        return { job, clientName: client?.name ?? null, phone: contact?.phone ?? null, address: job.address ?? client?.address ?? contact?.address ?? null };
      }),
    ),
  );
}

function dayQuery(now = new Date()) {
  const { from, to } = dayWindow(now);
  return { queryKey: todayKey(from), queryFn: () => fetchDay(from, to) };
}

export function useTodayJobs() {
  return useQuery(dayQuery());
}

function taskListQuery(filter: TaskFilter) {
  return { queryKey: keys.taskList(filter), queryFn: () => api.get<Page<Task>>(`/api/v1/tasks${query({ limit: '200', ...filter })}`) };
}

/**
 * Reads today's jobs, each job's open tasks and my open tasks into the cache
 * (which is kept in the browser), so they are there when the signal drops —
 * whether or not the person opened them first.
 */
export async function prefetchFieldDay(qc: QueryClient): Promise<void> {
  const day = dayQuery();
  await Promise.all([
    qc.prefetchQuery(taskListQuery(MY_TASKS)),
    qc.fetchQuery(day).then((jobs) => Promise.all(jobs.map(({ job }) => qc.prefetchQuery(taskListQuery(jobTasksFilter(job.id)))))),
  ]);
}

/** Whether this browser's kept copy already says the person has jobs today (so a phone opens on Today). */
export function hasJobsTodayCached(qc: QueryClient): boolean {
  return (qc.getQueryData<DayJob[]>(todayKey(dayWindow().from))?.length ?? 0) > 0;
}
