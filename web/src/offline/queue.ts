// Changes made without signal (a checklist tick, a completion) wait here, in
// localStorage so a reload does not lose them, and are sent when the browser is
// back online — each with If-Match of the version the person saw. One that
// someone else's change overtook (412) becomes a conflict for the person to settle.
import { useSyncExternalStore } from 'react';
import { ApiError, describeError, NetworkError, request } from '../api/client.ts';
import type { Task, TaskChanges } from '../api/types.ts';
import { flushPhotos } from '../attachments/photoQueue.ts';
import { flushComments } from './comments.ts';

export interface QueuedChange {
  taskId: string;
  key: string;
  changes: TaskChanges;
  queuedAt: string;
  /** The task's version when the person made the change: sent as If-Match. */
  baseVersion?: number;
}

/** A waiting change refused because the task changed on the server meanwhile, with the task as it is now. */
export interface Conflict {
  change: QueuedChange;
  server: Task;
}

const STORAGE_KEY = 'finishline.offline-queue';
const CONFLICTS_KEY = 'finishline.offline-conflicts';
const listeners = new Set<() => void>();
let cached: QueuedChange[] | null = null;
let cachedConflicts: Conflict[] | null = null;

function readConflicts(): Conflict[] {
  if (cachedConflicts) return cachedConflicts;
  try {
    cachedConflicts = JSON.parse(localStorage.getItem(CONFLICTS_KEY) ?? '[]') as Conflict[];
  } catch {
    cachedConflicts = [];
  }
  return cachedConflicts;
}

function writeConflicts(conflicts: Conflict[]): void {
  cachedConflicts = conflicts;
  localStorage.setItem(CONFLICTS_KEY, JSON.stringify(conflicts));
  listeners.forEach((l) => l());
}

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
export function queueChange(task: Pick<Task, 'id' | 'key'> & { version?: number }, changes: TaskChanges): void {
  const queue = read();
  const waiting = queue.find((q) => q.taskId === task.id);
  // A merged change keeps the version of the first: that is what the person last saw from the server.
  if (waiting) write(queue.map((q) => (q === waiting ? { ...q, changes: { ...q.changes, ...changes } } : q)));
  else write([...queue, { taskId: task.id, key: task.key, changes, queuedAt: new Date().toISOString(), baseVersion: task.version }]);
}

export function queuedChanges(): QueuedChange[] {
  return read();
}

export function isOffline(): boolean {
  return typeof navigator !== 'undefined' && navigator.onLine === false;
}

let flushing: Promise<{ sent: number; failed: string[]; conflicts: number }> | null = null;

function sendChange(taskId: string, changes: TaskChanges, version: number | undefined) {
  const headers: Record<string, string> = version === undefined ? {} : { 'if-match': `"${version}"` };
  return request<Task>('PATCH', `/api/v1/tasks/${encodeURIComponent(taskId)}`, changes, headers);
}

/**
 * Sends every waiting change, oldest first. A change the server refuses (the
 * task was deleted, the move is no longer allowed) is dropped and reported; a
 * network failure stops the flush and keeps the rest for next time.
 */
export function flushQueue(): Promise<{ sent: number; failed: string[]; conflicts: number }> {
  flushing ??= (async () => {
    let sent = 0;
    let conflicts = 0;
    // Photos first: a photo-required tick waiting below needs its photo on the server before it.
    const photos = await flushPhotos().catch(() => ({ sent: 0, failed: ['photos: the phone’s storage could not be read'], left: 0 }));
    const failed: string[] = [...photos.failed];
    if (photos.left > 0) return { sent: photos.sent, failed, conflicts };
    let lostSignal = false;
    for (const change of [...read()]) {
      try {
        await sendChange(change.taskId, change.changes, change.baseVersion);
        sent++;
      } catch (error) {
        if (error instanceof NetworkError) {
          lostSignal = true;
          break;
        }
        if (error instanceof ApiError && error.status === 412) {
          // Nothing is lost: the change waits beside the server's version until the person chooses.
          const server = await request<Task>('GET', `/api/v1/tasks/${encodeURIComponent(change.taskId)}`).then((r) => r.data, () => null);
          if (server) {
            writeConflicts([...readConflicts().filter((c) => c.change.taskId !== change.taskId), { change, server }]);
            conflicts++;
          } else failed.push(`${change.key}: it no longer exists`);
        } else if (error instanceof ApiError) failed.push(`${change.key}: ${describeError(error)}`);
        else throw error;
      }
      // A change merged into this entry while it was in flight replaced the object, so it stays queued.
      write(read().filter((q) => q !== change));
    }
    // Comments last, in the order they were written: what they say may be about the ticks above.
    if (!lostSignal) {
      const comments = await flushComments();
      sent += comments.sent;
      failed.push(...comments.failed);
    }
    return { sent: sent + photos.sent, failed, conflicts };
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

export function useConflicts(): Conflict[] {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    readConflicts,
  );
}

/**
 * Settles a conflict: `mine` sends the waiting change over the server's version
 * (If-Match of what the person was just shown), `theirs` lets it go. A change
 * overtaken again while the person was choosing stays, with the newer version.
 */
export async function settleConflict(taskId: string, keep: 'mine' | 'theirs'): Promise<void> {
  const conflict = readConflicts().find((c) => c.change.taskId === taskId);
  if (!conflict) return;
  if (keep === 'mine') {
    try {
      await sendChange(taskId, conflict.change.changes, conflict.server.version);
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 412)) throw error;
      const server = (await request<Task>('GET', `/api/v1/tasks/${encodeURIComponent(taskId)}`)).data;
      writeConflicts(readConflicts().map((c) => (c.change.taskId === taskId ? { ...c, server } : c)));
      return;
    }
  }
  writeConflicts(readConflicts().filter((c) => c.change.taskId !== taskId));
}
