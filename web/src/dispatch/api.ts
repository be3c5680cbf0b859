// The dispatch board's reads and its one write: jobs in a window, unscheduled jobs, and
// scheduling a job through the job's own update (so job.scheduled and its rules follow).
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, describeError, query } from '../api/client.ts';
import type { Page } from '../api/types.ts';
import type { Job } from '../records/api.ts';
import { showToast } from '../shell/toasts.tsx';
import type { ScheduleChange } from './plan.ts';

/** A busy week has more jobs than one page: read on until the last (at most this many pages). */
const MAX_PAGES = 20;

async function everyPage(path: string, params: Record<string, string>): Promise<Job[]> {
  const jobs: Job[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const reply = await api.get<Page<Job>>(`${path}${query({ ...params, limit: '200', cursor })}`);
    jobs.push(...reply.items);
    if (!reply.nextCursor) break;
    cursor = reply.nextCursor;
  }
  return jobs;
}

/** Under ['records', 'job'], so a job changed anywhere in the app refreshes the board too. */
export function useJobsIn(from: Date, to: Date) {
  return useQuery({
    queryKey: ['records', 'job', 'dispatch', from.toISOString(), to.toISOString()],
    queryFn: () => everyPage('/api/v1/jobs', { scheduledFrom: from.toISOString(), scheduledTo: to.toISOString(), sort: 'scheduled' }),
    placeholderData: keepPreviousData,
  });
}

const OPEN_STATUSES = new Set<Job['status']>(['scheduled', 'incomplete', 'missed']);

/** Jobs still waiting for a time (completed and cancelled ones are not work to place). */
export function useUnscheduledJobs() {
  return useQuery({
    queryKey: ['records', 'job', 'dispatch', 'unscheduled'],
    queryFn: () => everyPage('/api/v1/jobs', { scheduled: 'false', sort: 'created' }).then((jobs) => jobs.filter((j) => OPEN_STATUSES.has(j.status))),
  });
}

export interface Scheduling {
  job: Job;
  change: ScheduleChange | { scheduledStart: null; scheduledEnd: null };
  /** What the toast says when it is saved. */
  done: string;
}

/**
 * Schedules a job as the job's page would change it (If-Match of the version shown). The job
 * shows in its new place at once; a refusal puts it back and says why.
 */
export function useScheduleJob() {
  const qc = useQueryClient();
  const [moved, setMoved] = useState<Map<string, Job>>(new Map());
  const forget = (id: string) =>
    setMoved((current) => {
      const next = new Map(current);
      next.delete(id);
      return next;
    });
  const mutation = useMutation({
    mutationFn: ({ job, change }: Scheduling) => api.patch<Job>(`/api/v1/jobs/${encodeURIComponent(job.id)}`, change, { 'if-match': `"${job.version}"` }),
    onMutate: ({ job, change }) => setMoved((current) => new Map(current).set(job.id, { ...job, ...change })),
    onSuccess: (_saved, { done }) => showToast(done),
    onError: (error, { job }) => {
      forget(job.id);
      showToast(`Could not schedule “${job.title}”: ${describeError(error)}`, { tone: 'error' });
    },
    onSettled: async (_saved, _error, { job }) => {
      await qc.invalidateQueries({ queryKey: ['records', 'job'] });
      forget(job.id);
    },
  });
  return { schedule: mutation.mutate, moved };
}
