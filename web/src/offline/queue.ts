// Changes made without signal (a checklist tick, a completion) wait here, in
// localStorage so a reload does not lose them, and are sent when the browser is back online.
import { useSyncExternalStore } from 'react';
import { ApiError, describeError, NetworkError, request } from '../api/client.ts';
import type { Task, TaskChanges } from '../api/types.ts';

export interface QueuedChange {
  taskId: string;
  key: string;
  changes: TaskChanges;
  queuedAt: string;
}

const STORAGE_KEY = 'finishline.offline-queue';
const listeners = new Set<() => void>();
let cached: QueuedChange[] | null = null;

function read(): QueuedChange[] {
  if (cached) return cached;
  try {
    cached = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '[]') as QueuedChange[];
  } catch {
    cached = [];
  }
  return cached;
}

function write(queue: QueuedChange[]): void {
  cached = queue;
  localStorage.setItem(STORAGE_KEY, JSON.stringify(queue));
  listeners.forEach((l) => l());
}

/** Later changes to the same task are merged into the waiting one: one PATCH per task. */
export function queueChange(task: Pick<Task, 'id' | 'key'>, changes: TaskChanges): void {
  const queue = read();
  const waiting = queue.find((q) => q.taskId === task.id);
  if (waiting) write(queue.map((q) => (q === waiting ? { ...q, changes: { ...q.changes, ...changes } } : q)));
  else write([...queue, { taskId: task.id, key: task.key, changes, queuedAt: new Date().toISOString() }]);
}

export function queuedChanges(): QueuedChange[] {
  return read();
}

export function isOffline(): boolean {
  return typeof navigator !== 'undefined' && navigator.onLine === false;
}

let flushing: Promise<{ sent: number; failed: string[] }> | null = null;

/**
 * Sends every waiting change, oldest first. A change the server refuses (the
 * task was deleted, the move is no longer allowed) is dropped and reported; a
 * network failure stops the flush and keeps the rest for next time.
 */
export function flushQueue(): Promise<{ sent: number; failed: string[] }> {
  flushing ??= (async () => {
    let sent = 0;
    const failed: string[] = [];
    for (const change of [...read()]) {
      try {
        await request<Task>('PATCH', `/api/v1/tasks/${encodeURIComponent(change.taskId)}`, change.changes);
        sent++;
      } catch (error) {
        if (error instanceof NetworkError) break;
        if (error instanceof ApiError) failed.push(`${change.key}: ${describeError(error)}`);
        else throw error;
      }
      // A change merged into this entry while it was in flight replaced the object, so it stays queued.
      write(read().filter((q) => q !== change));
    }
    return { sent, failed };
  })().finally(() => {
    flushing = null;
  });
  return flushing;
}

export function useQueuedChanges(): QueuedChange[] {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    read,
  );
}
