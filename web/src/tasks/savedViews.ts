// Saved views of the task list: a name and the list's query string, kept in this browser.
import { useCallback, useSyncExternalStore } from 'react';

export interface SavedView {
  name: string;
  search: string;
}

const STORAGE_KEY = 'finishline.saved-views';
const listeners = new Set<() => void>();
let cache: SavedView[] | null = null;

function read(): SavedView[] {
  if (cache) return cache;
  try {
    const parsed = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '[]') as unknown;
    cache = Array.isArray(parsed) ? (parsed as SavedView[]).filter((v) => typeof v?.name === 'string' && typeof v?.search === 'string') : [];
  } catch {
    cache = [];
  }
  return cache;
}

function write(views: SavedView[]): void {
  cache = views;
  localStorage.setItem(STORAGE_KEY, JSON.stringify(views));
  listeners.forEach((l) => l());
}

/** Saving under an existing name replaces that view. */
export function withView(views: SavedView[], view: SavedView): SavedView[] {
  const others = views.filter((v) => v.name.toLowerCase() !== view.name.toLowerCase());
  return [...others, view];
}

export function useSavedViews() {
  const views = useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    read,
  );
  const save = useCallback((view: SavedView) => write(withView(read(), view)), []);
  const remove = useCallback((name: string) => write(read().filter((v) => v.name !== name)), []);
  return { views, save, remove };
}
