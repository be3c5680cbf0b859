// A history entry's id. Entries written before keys came in store a ULID of
// their own (26 characters); since then an entry stores a key of a few
// characters, unique within its task without being drawn from anywhere: the
// task's version the change made (each change of a task makes a new one, or
// fails as stale), then the field's place in a change. The API shows both
// kinds as ULIDs: a stored ULID as it is, a key after its instant and a
// digest of its task's id, so every read shows the same id and the ids of one
// instant rise in the order the entries are listed.
import { createHash } from 'node:crypto';
import { encodeTime } from 'ulid';

const BASE32 = '0123456789abcdefghjkmnpqrstvwxyz';
/** A change's fields, in the order a change lists them (the history lists them so within an instant). */
const PLACE: Record<string, string> = { status: '0', assigneeId: '1', teamId: '2', dueAt: '3', priority: '4', reason: '5' };
const ULID_LENGTH = 26;

function base32(n: number): string {
  let digits = '';
  do {
    digits = BASE32[n % 32] + digits;
    n = Math.floor(n / 32);
  } while (n > 0);
  return digits;
}

/**
 * The key of a field's entry in the change that made a task's `version`: the
 * version's length, its digits, the field's place, all in base 32, so keys
 * sort as their versions do and, within one, as the change lists its fields.
 */
export function historyKey(version: number, field: string): string {
  const place = PLACE[field];
  if (place === undefined) throw new Error(`no history place for the field ${field}`);
  const digits = base32(version);
  return `${base32(digits.length)}${digits}${place}`;
}

/** Whether a stored id is a key (else a ULID written before keys). */
export function isHistoryKey(id: string): boolean {
  return id.length < ULID_LENGTH;
}

/** The key of another field's entry in the same change as the entry keyed `key`. */
export function keyBeside(key: string, field: string): string {
  return key.slice(0, -1) + historyKey(1, field).slice(-1);
}

/** The id the API shows for an entry: a stored ULID as it is; a key after the entry's instant and its task. */
export function presentedHistoryId(taskId: string, at: number, id: string): string {
  if (!isHistoryKey(id)) return id;
  return `${encodeTime(at, 10).toLowerCase()}${digestOf(taskId)}${id.padStart(6, '0')}`;
}

let lastTask = '';
let lastDigest = '';
/** Ten base-32 characters of the task id's SHA-256 (a task's entries are presented together: the last one is kept). */
function digestOf(taskId: string): string {
  if (taskId !== lastTask) {
    const bytes = createHash('sha256').update(taskId).digest();
    lastDigest = Array.from({ length: 10 }, (_, i) => BASE32[bytes[i]! % 32]).join('');
    lastTask = taskId;
  }
  return lastDigest;
}
