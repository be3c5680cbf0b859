// A test that something does not wait: its answer, or a mark that it was still
// waiting after a while (rather than a test that hangs until its timeout).

export const WAITED_TOO_LONG = Symbol('waited too long');

/** `work`'s answer if it comes within `ms`, else WAITED_TOO_LONG. */
export function within<T>(ms: number, work: Promise<T>): Promise<T | typeof WAITED_TOO_LONG> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<typeof WAITED_TOO_LONG>((resolve) => (timer = setTimeout(() => resolve(WAITED_TOO_LONG), ms)));
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}
