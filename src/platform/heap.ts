// How far V8 lets the heap grow before its next full collection. By default it
// allows up to four times what survived the last one; a server under steady
// request load survives little (≈ 30 MB at 1,000,000 tasks), so most of that
// room fills with garbage, and the process's peak memory is set by the room,
// not by the work. Twice the live heap keeps the peak down for the price of
// more frequent full collections, most of whose marking runs off the main
// thread (bench/RESULTS.md has the figures). An operator who starts node with
// their own --heap-growing-percent keeps it (Node refuses it in NODE_OPTIONS).
import { setFlagsFromString } from 'node:v8';

/** The heap may grow to (1 + this / 100) times what survived the last full collection. */
export const HEAP_GROWING_PERCENT = 100;

/**
 * Caps the heap's growth between full collections, unless the process was
 * started with a growth of its own; returns whether it did. V8 reads the
 * setting each time it sets the next collection's limit, so it applies from
 * then on.
 */
export function capHeapGrowth(execArgv: readonly string[] = process.execArgv): boolean {
  if (execArgv.some((arg) => /^--heap[-_]growing[-_]percent\b/.test(arg))) return false;
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  return true;
}
