// Photos taken without signal wait in the phone's storage (IndexedDB: a photo
// is too big for localStorage) and are sent, oldest first, when the browser is
// back online — before the other waiting changes, so a tick that needs its
// photo arrives after it.
import { useSyncExternalStore } from 'react';
import { ApiError, describeError, NetworkError } from '../api/client.ts';
import { uploadFile } from './api.ts';

export interface WaitingPhoto {
  id: string;
  taskId: string;
  taskKey: string;
  name: string;
  blob: Blob;
  checklistItemId?: string;
  queuedAt: string;
}

const DB_NAME = 'finishline-photos';
const STORE = 'waiting';
const listeners = new Set<() => void>();
let waiting: Omit<WaitingPhoto, 'blob'>[] = [];

function openDb(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open(DB_NAME, 1);
    open.onupgradeneeded = () => open.result.createObjectStore(STORE, { keyPath: 'id' });
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
}

async function withStore<T>(mode: IDBTransactionMode, work: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await openDb();
  try {
    return await new Promise<T>((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const request = work(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(request.result);
      tx.onerror = () => reject(tx.error);
    });
  } finally {
    db.close();
  }
}

async function all(): Promise<WaitingPhoto[]> {
  const rows = await withStore<WaitingPhoto[]>('readonly', (store) => store.getAll() as IDBRequest<WaitingPhoto[]>);
  return rows.sort((a, b) => a.queuedAt.localeCompare(b.queuedAt) || a.id.localeCompare(b.id));
}

async function refresh(): Promise<void> {
  waiting = (await all()).map(({ blob: _blob, ...rest }) => rest);
  listeners.forEach((l) => l());
}

export async function queuePhoto(photo: Omit<WaitingPhoto, 'id' | 'queuedAt'>): Promise<void> {
  const id = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  await withStore('readwrite', (store) => store.put({ ...photo, id, queuedAt: new Date().toISOString() }));
  await refresh();
}

let flushing: Promise<{ sent: number; failed: string[]; left: number }> | null = null;

/** Sends every waiting photo, oldest first; a network failure stops and keeps the rest, a refusal drops that photo and says why. */
export function flushPhotos(): Promise<{ sent: number; failed: string[]; left: number }> {
  flushing ??= (async () => {
    let sent = 0;
    const failed: string[] = [];
    for (const photo of await all()) {
      try {
        await uploadFile(photo.taskId, photo.blob, photo.name, photo.checklistItemId);
        sent++;
      } catch (error) {
        if (error instanceof NetworkError) break;
        if (!(error instanceof ApiError)) throw error;
        failed.push(`${photo.taskKey}: ${describeError(error)}`);
      }
      await withStore('readwrite', (store) => store.delete(photo.id));
    }
    await refresh();
    return { sent, failed, left: waiting.length };
  })().finally(() => {
    flushing = null;
  });
  return flushing;
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  if (listeners.size === 1) void refresh().catch(() => {});
  return () => listeners.delete(listener);
}

/** The photos still waiting (without their bytes), oldest first. */
export function useWaitingPhotos(): Omit<WaitingPhoto, 'blob'>[] {
  return useSyncExternalStore(subscribe, () => waiting);
}
