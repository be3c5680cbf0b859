// Keeps what the app last read (you, your tasks, today's jobs, people) in this browser, so it
// opens with your work on screen even without signal. Uses TanStack Query's own
// dehydrate/hydrate; the server still has the last word once it can be reached.
import { type DehydratedState, dehydrate, hydrate, type QueryClient } from '@tanstack/react-query';

const STORAGE_KEY = 'finishline.query-cache';
const MAX_AGE_MS = 7 * 24 * 3600_000;
const KEPT = new Set(['me', 'tasks', 'task', 'users', 'teams', 'org', 'today']);

export function restoreQueryCache(qc: QueryClient): void {
  try {
    const saved = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? 'null') as { at: number; state: DehydratedState } | null;
    if (saved && Date.now() - saved.at < MAX_AGE_MS) {
      hydrate(qc, saved.state);
      // Shown at once, but read again when first used: the copy may predate a change saved just before a reload.
      void qc.invalidateQueries({ refetchType: 'none' });
    }
  } catch {
    localStorage.removeItem(STORAGE_KEY);
  }
}

function save(qc: QueryClient): void {
  const state = dehydrate(qc, { shouldDehydrateQuery: (q) => q.state.status === 'success' && KEPT.has(String(q.queryKey[0])) });
  // A moment with nothing loaded (a reset, a page between fetches) must not wipe the last good copy.
  if (state.queries.length === 0) return;
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify({ at: Date.now(), state }));
  } catch {
    // Storage full: keep going without an offline copy rather than fail the page.
    localStorage.removeItem(STORAGE_KEY);
  }
}

/** Saves the cache a moment after it changes (not on every keystroke). */
export function persistQueryCache(qc: QueryClient): () => void {
  let timer: number | undefined;
  const unsubscribe = qc.getQueryCache().subscribe(() => {
    window.clearTimeout(timer);
    timer = window.setTimeout(() => save(qc), 500);
  });
  return () => {
    window.clearTimeout(timer);
    unsubscribe();
  };
}

export function forgetQueryCache(): void {
  localStorage.removeItem(STORAGE_KEY);
}

/**
 * Asks the service worker to keep every script and stylesheet this page has
 * loaded (the first visit loads them before the worker is in control, so it
 * never saw them), so the next start without signal finds them all.
 */
export async function keepLoadedAssets(): Promise<void> {
  if (!('serviceWorker' in navigator) || !window.isSecureContext) return;
  const registration = await navigator.serviceWorker.ready;
  const urls = performance
    .getEntriesByType('resource')
    .map((entry) => new URL(entry.name))
    .filter((url) => url.origin === window.location.origin && url.pathname.startsWith('/assets/'))
    .map((url) => url.pathname);
  registration.active?.postMessage({ type: 'keep-assets', urls: [...new Set(urls)] });
}
