// Changing tasks: optimistic in every cached list at once, rolled back with a clear
// message when the server says no (a 412 when someone else changed the task first),
// queued when offline, and undoable for complete, bulk edits and delete.
import { type InfiniteData, type QueryClient, type QueryKey, useMutation, useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import { api, ApiError, csrfToken, describeError, NetworkError, request } from '../api/client.ts';
import type { BulkChanges, BulkResult, NewTask, Page, Task, TaskChanges } from '../api/types.ts';
import { isOffline, queueChange } from '../offline/queue.ts';
import { showToast } from '../shell/toasts.tsx';
import { applyLocally, undoPlan } from './optimistic.ts';
import { keys, setTasksHidden } from './queries.ts';

type Snapshot = [QueryKey, unknown][];

function snapshot(qc: QueryClient): Snapshot {
  return [...qc.getQueriesData({ queryKey: keys.taskLists }), ...qc.getQueriesData({ queryKey: ['task'] })];
}

function restore(qc: QueryClient, saved: Snapshot): void {
  for (const [key, data] of saved) qc.setQueryData(key, data);
}

/** A cached list: one page, or the pages loaded so far of a paged list (the board's columns). */
type CachedList = Page<Task> | InfiniteData<Page<Task>>;

function pagesOf(list: CachedList | undefined): Page<Task>[] {
  if (!list) return [];
  return 'pages' in list ? list.pages : [list];
}

/** Replaces (or, with null, removes) one task wherever it is cached. */
export function updateCachedTask(qc: QueryClient, id: string, update: (task: Task) => Task | null): void {
  const inPage = (page: Page<Task>): Page<Task> => ({ ...page, items: page.items.flatMap((t) => (t.id === id ? (update(t) ?? []) : [t])) });
  qc.setQueriesData<CachedList>({ queryKey: keys.taskLists }, (list) => list && ('pages' in list ? { ...list, pages: list.pages.map(inPage) } : inPage(list)));
  qc.setQueriesData<Task>({ queryKey: ['task'] }, (task) => (task && task.id === id ? (update(task) ?? task) : task));
}

function cachedVersion(qc: QueryClient, id: string): number | undefined {
  for (const [, data] of qc.getQueriesData<Task | Page<Task>>({ queryKey: ['task'] })) if (data && 'id' in data && data.id === id) return data.version;
  for (const [, data] of qc.getQueriesData<CachedList>({ queryKey: keys.taskLists })) {
    const found = pagesOf(data).flatMap((page) => page.items).find((t) => t.id === id);
    if (found) return found.version;
  }
  return undefined;
}

export function messageFor(error: unknown, task: Pick<Task, 'key'>): string {
  if (error instanceof ApiError && error.status === 412) {
    return `${task.key} was changed by someone else, so your change was not saved. You are now seeing their version.`;
  }
  if (error instanceof ApiError && error.status === 404) return `${task.key} no longer exists.`;
  return `Could not change ${task.key}: ${describeError(error)}`;
}

export interface UpdateVariables {
  task: Pick<Task, 'id' | 'key' | 'version'>;
  changes: TaskChanges;
  /** When given, field errors go to the form that sent them rather than to a toast. */
  onFieldErrors?: (error: ApiError) => void;
}

export function useUpdateTask() {
  const qc = useQueryClient();
  return useMutation({
    // One task write at a time, so each If-Match carries the version the previous write returned.
    scope: { id: 'task-writes' },
    networkMode: 'always',
    mutationFn: async ({ task, changes }: UpdateVariables): Promise<Task | null> => {
      const version = cachedVersion(qc, task.id) ?? task.version;
      if (isOffline()) {
        queueChange({ ...task, version }, changes);
        return null;
      }
      try {
        return (await request<Task>('PATCH', `/api/v1/tasks/${encodeURIComponent(task.id)}`, changes, { 'if-match': `"${version}"` })).data;
      } catch (error) {
        if (!(error instanceof NetworkError)) throw error;
        queueChange({ ...task, version }, changes);
        return null;
      }
    },
    onMutate: async ({ task, changes }) => {
      await qc.cancelQueries({ queryKey: keys.taskLists });
      await qc.cancelQueries({ queryKey: ['task'] });
      const saved = snapshot(qc);
      updateCachedTask(qc, task.id, (t) => applyLocally(t, changes));
      return { saved };
    },
    onSuccess: (updated) => {
      if (updated) updateCachedTask(qc, updated.id, () => updated);
    },
    onError: (error, { task, onFieldErrors }, context) => {
      if (context) restore(qc, context.saved);
      if (onFieldErrors && error instanceof ApiError && error.problem.errors?.length) onFieldErrors(error);
      else showToast(messageFor(error, task), { tone: 'error' });
      void qc.invalidateQueries({ queryKey: keys.taskLists });
      void qc.invalidateQueries({ queryKey: ['task'] });
    },
    onSettled: (_data, _error, { task }) => {
      void qc.invalidateQueries({ queryKey: keys.history(task.id) });
    },
  });
}

/** Complete (or reopen) with one keystroke or click, with Undo. */
export function useToggleDone() {
  const update = useUpdateTask();
  return useCallback(
    (task: Task) => {
      if (task.status === 'done') {
        update.mutate({ task, changes: { status: 'open' } });
        showToast(`Reopened ${task.key}`);
        return;
      }
      const before = { status: task.status, waitingOn: task.waitingOn, blockedReason: task.blockedReason };
      update.mutate({ task, changes: { status: 'done' } });
      showToast(`Completed ${task.key} · ${task.title}`, {
        action: {
          label: 'Undo',
          run: () => {
            update.mutate({ task, changes: { status: 'open' } });
            if (before.status !== 'open') update.mutate({ task, changes: before });
          },
        },
      });
    },
    [update],
  );
}

export function useCreateTask() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: NewTask) => api.post<Task>('/api/v1/tasks', body),
    onSuccess: (task) => {
      qc.setQueryData(keys.task(task.key), task);
      void qc.invalidateQueries({ queryKey: keys.taskLists });
    },
  });
}

/** The server's BULK_MAX (src/tasks/task.ts): every bulk change is one request, so all of it or none. */
export const BULK_LIMIT = 2000;

/** Which tasks a bulk change takes: these, or every task the list's filters match while they still match `expected` (the number shown). */
export type BulkTarget = { tasks: Task[] } | { filter: Record<string, string | undefined>; expected: number; shown: Task[] };

function targetBody(target: BulkTarget): { ids: string[] } | { filter: Record<string, string | undefined>; expected: number } {
  return 'filter' in target ? { filter: target.filter, expected: target.expected } : { ids: target.tasks.map((t) => t.id) };
}

async function bulk(target: { ids: string[] } | { filter: Record<string, string | undefined>; expected: number }, body: { set: BulkChanges }): Promise<BulkResult> {
  const count = 'ids' in target ? target.ids.length : target.expected;
  if (count > BULK_LIMIT) throw new Error(`at most ${BULK_LIMIT} tasks can be changed at once; narrow the filters`);
  return api.post<BulkResult>('/api/v1/tasks/bulk', { ...target, ...body });
}

export function useBulkEdit() {
  const qc = useQueryClient();
  const run = useCallback(
    async (target: BulkTarget, set: BulkChanges, label: string) => {
      const saved = snapshot(qc);
      const shown = 'filter' in target ? target.shown : target.tasks;
      for (const task of shown) updateCachedTask(qc, task.id, (t) => applyLocally(t, set as TaskChanges));
      try {
        const result = await bulk(targetBody(target), { set });
        for (const task of result.items) updateCachedTask(qc, task.id, () => task);
        const n = result.items.length;
        showToast(`${label} · ${n} task${n === 1 ? '' : 's'}`, {
          action: {
            label: 'Undo',
            run: async () => {
              try {
                // The server said what each task was before; put exactly those back, by id.
                for (const step of undoPlan(result.previous, set)) await bulk({ ids: step.ids }, { set: step.set });
                showToast('Undone');
              } catch (error) {
                showToast(`Could not undo: ${describeError(error)}`, { tone: 'error' });
              }
              void qc.invalidateQueries({ queryKey: keys.taskLists });
            },
          },
        });
      } catch (error) {
        restore(qc, saved);
        const changedUnderneath = error instanceof ApiError && error.status === 409 && error.problem.errors?.some((e) => e.path === 'expected');
        showToast(changedUnderneath ? 'Nothing was changed: the matching tasks changed since you selected them. Check the list and try again.' : `Nothing was changed: ${describeError(error)}`, { tone: 'error' });
      }
      void qc.invalidateQueries({ queryKey: keys.taskLists });
    },
    [qc],
  );
  return run;
}

// Deletes wait a few seconds before they are sent, so Undo brings back the very same task.
const DELETE_DELAY_MS = 6000;
type DeleteTarget = { ids: string[] } | { filter: Record<string, string | undefined>; expected: number };
const pendingDeletes = new Map<string, { targets: DeleteTarget[]; timer: number }>();

function sendDelete(target: DeleteTarget, keepalive = false): Promise<Response> {
  const headers = { 'content-type': 'application/json', 'x-csrf-token': csrfToken() };
  return fetch('/api/v1/tasks/bulk', { method: 'POST', credentials: 'same-origin', keepalive, headers, body: JSON.stringify({ ...target, delete: true }) });
}

if (typeof window !== 'undefined') {
  window.addEventListener('pagehide', () => {
    for (const [token, pending] of pendingDeletes) {
      window.clearTimeout(pending.timer);
      for (const target of pending.targets) void sendDelete(target, true);
      pendingDeletes.delete(token);
    }
  });
}

export function useDeleteTasks() {
  const qc = useQueryClient();
  return useCallback(
    /** With `matching`, every task the filters match (while they still match `expected`) rather than `tasks`, which are those shown. */
    (tasks: Pick<Task, 'id' | 'key'>[], matching?: { filter: Record<string, string | undefined>; expected: number }) => {
      const ids = tasks.map((t) => t.id);
      const targets: DeleteTarget[] = matching ? [matching] : Array.from({ length: Math.ceil(ids.length / BULK_LIMIT) }, (_, i) => ({ ids: ids.slice(i * BULK_LIMIT, (i + 1) * BULK_LIMIT) }));
      setTasksHidden(ids, true);
      for (const id of ids) updateCachedTask(qc, id, () => null);
      const token = `${Date.now()}-${ids[0]}`;
      const unhide = () => setTasksHidden(ids, false);
      const timer = window.setTimeout(async () => {
        pendingDeletes.delete(token);
        try {
          for (const target of targets) {
            const response = await sendDelete(target);
            if (!response.ok) throw new ApiError(await response.json());
          }
        } catch (error) {
          showToast(`Could not delete: ${describeError(error)}`, { tone: 'error' });
        }
        unhide();
        void qc.invalidateQueries({ queryKey: keys.taskLists });
      }, DELETE_DELAY_MS);
      pendingDeletes.set(token, { targets, timer });
      const what = matching ? `${matching.expected} tasks` : tasks.length === 1 ? tasks[0]!.key : `${tasks.length} tasks`;
      showToast(`Deleted ${what}`, {
        ms: DELETE_DELAY_MS,
        action: {
          label: 'Undo',
          run: () => {
            window.clearTimeout(timer);
            pendingDeletes.delete(token);
            unhide();
            void qc.invalidateQueries({ queryKey: keys.taskLists });
          },
        },
      });
    },
    [qc],
  );
}
