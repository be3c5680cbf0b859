// Comments written without signal wait here (localStorage, so a reload keeps
// them) and are posted in the order they were written once the browser is back
// online. Each carries its own Idempotency-Key, so a post whose answer was lost
// on the way is not posted twice when it is sent again.
import { useSyncExternalStore } from 'react';
import { ApiError, describeError, NetworkError, request } from '../api/client.ts';

export interface QueuedComment {
  /** Also the post's Idempotency-Key. */
  id: string;
  taskId: string;
  taskKey: string;
  body: string;
  /** Files already uploaded (attached while there was signal), sent with the comment. */
  attachmentIds?: string[];
  queuedAt: string;
}

const STORAGE_KEY = 'finishline.offline-comments';
const listeners = new Set<() => void>();
let cached: QueuedComment[] | null = null;

function read(): QueuedComment[] {
  if (cached) return cached;
  try {
    cached = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '[]') as QueuedComment[];
  } catch {
    cached = [];
  }
  return cached;
}

function write(comments: QueuedComment[]): void {
  cached = comments;
  localStorage.setItem(STORAGE_KEY, JSON.stringify(comments));
  listeners.forEach((l) => l());
}

/** `id`: the key of a post that may have reached the server before the signal dropped, so it is not posted twice. */
export function queueComment(task: { id: string; key: string }, body: string, id: string = newCommentId(), attachmentIds: string[] = []): void {
  write([...read(), { id, taskId: task.id, taskKey: task.key, body, attachmentIds, queuedAt: new Date().toISOString() }]);
}

export function newCommentId(): string {
  // randomUUID exists only on https (and localhost); elsewhere a random enough key does.
  return typeof crypto.randomUUID === 'function' ? crypto.randomUUID() : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
}

/** Posts one comment; the same `id` twice is one comment. */
export function postComment(taskId: string, body: string, id: string, attachmentIds: string[] = []) {
  return request('POST', `/api/v1/tasks/${encodeURIComponent(taskId)}/comments`, { body, ...(attachmentIds.length > 0 && { attachmentIds }) }, { 'idempotency-key': id });
}

/**
 * Posts every waiting comment, oldest first. A network failure stops and keeps
 * the rest for next time; a refusal (the task was deleted) drops that comment and says why.
 */
export async function flushComments(): Promise<{ sent: number; failed: string[] }> {
  let sent = 0;
  const failed: string[] = [];
  for (const comment of [...read()]) {
    try {
      await postComment(comment.taskId, comment.body, comment.id, comment.attachmentIds ?? []);
      sent++;
    } catch (error) {
      if (error instanceof NetworkError) break;
      if (!(error instanceof ApiError)) throw error;
      failed.push(`comment on ${comment.taskKey}: ${describeError(error)}`);
    }
    write(read().filter((c) => c.id !== comment.id));
  }
  return { sent, failed };
}

export function useQueuedComments(): QueuedComment[] {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    read,
  );
}
