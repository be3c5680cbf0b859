// Keeps every open page current: the organisation's change stream (server-sent
// events) when the server offers it, else a poll each second while the page is visible.
import { type QueryClient, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { flushQueue } from '../offline/queue.ts';
import { showToast } from './toasts.tsx';

const POLL_MS = 1000;

function refresh(qc: QueryClient): void {
  // Never refetch over a change that is still on its way (it would flicker back): look again shortly.
  if (qc.isMutating() > 0) return refreshSoon(qc);
  void qc.invalidateQueries({ queryKey: ['tasks'] });
  void qc.invalidateQueries({ queryKey: ['task-counts'] });
  void qc.invalidateQueries({ queryKey: ['task'] });
  void qc.invalidateQueries({ queryKey: ['task-history'] });
  void qc.invalidateQueries({ queryKey: ['task-comments'] });
  void qc.invalidateQueries({ queryKey: ['notifications'] });
  // A record's page lists its open tasks: a task a rule made for it shows there at once.
  void qc.invalidateQueries({ queryKey: ['record'] });
  // My work's start list ticks a step as soon as its task or record exists.
  void qc.invalidateQueries({ queryKey: ['start-list'] });
}

/** The events the stream names after the task change they report (src/tasks/events.ts). */
const TASK_EVENTS = ['task.created', 'task.assigned', 'task.status_changed', 'task.completed', 'task.updated', 'task.deleted', 'task.commented'];

/** The events of a job's schedule, technicians and status (src/records/events.ts). */
const JOB_EVENTS = ['job.created', 'job.scheduled', 'job.updated', 'job.status_changed', 'job.archived', 'job.restored'];

let pending: number | undefined;
/** A bulk change sends hundreds of events at once: refetch once for the whole burst. */
function refreshSoon(qc: QueryClient): void {
  pending ??= window.setTimeout(() => {
    pending = undefined;
    refresh(qc);
  }, 150);
}

export function useLiveUpdates(): void {
  const qc = useQueryClient();
  useEffect(() => {
    let poll: number | undefined;
    let stream: EventSource | null = null;
    const startPolling = () => {
      poll ??= window.setInterval(() => {
        if (document.visibilityState === 'visible' && navigator.onLine) refresh(qc);
      }, POLL_MS);
    };
    if (typeof EventSource !== 'undefined') {
      stream = new EventSource('/api/v1/stream', { withCredentials: true });
      stream.onmessage = () => refreshSoon(qc);
      stream.onerror = () => {
        // CLOSED means the server refused the stream (not there yet, or not allowed): poll instead.
        if (stream?.readyState === EventSource.CLOSED) {
          stream = null;
          startPolling();
        }
      };
      stream.addEventListener('open', () => {
        if (poll !== undefined) window.clearInterval(poll);
        poll = undefined;
      });
      // Each event is named by its type (task.updated, …), so each needs its own listener.
      for (const type of TASK_EVENTS) stream.addEventListener(type, () => refreshSoon(qc));
      // A job booked, moved or reassigned by someone else moves on an open dispatch board too.
      for (const type of JOB_EVENTS) {
        stream.addEventListener(type, () => {
          void qc.invalidateQueries({ queryKey: ['records', 'job', 'dispatch'] });
          // …and on a technician's Today.
          void qc.invalidateQueries({ queryKey: ['today'] });
        });
      }
      // Only my own notifications reach my stream (src/platform/http/stream.ts): the bell and the list follow them.
      for (const type of ['notification.created', 'notification.read']) stream.addEventListener(type, () => void qc.invalidateQueries({ queryKey: ['notifications'] }));
    } else {
      startPolling();
    }
    const backOnline = async () => {
      const { sent, failed, conflicts } = await flushQueue();
      if (sent > 0) showToast(`Back online: ${sent} change${sent === 1 ? '' : 's'} synced`);
      if (conflicts > 0) showToast(`${conflicts} change${conflicts === 1 ? '' : 's'} clashed with newer ones: choose which to keep`, { tone: 'error' });
      for (const message of failed) showToast(`Not synced — ${message}`, { tone: 'error' });
      refresh(qc);
    };
    window.addEventListener('online', backOnline);
    if (navigator.onLine) void backOnline();
    return () => {
      stream?.close();
      if (poll !== undefined) window.clearInterval(poll);
      window.removeEventListener('online', backOnline);
    };
  }, [qc]);
}
