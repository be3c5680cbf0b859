// Opaque, time-sortable identifiers (ULID, and a shorter kind for what people
// make) and secret tokens.
import { createHash, randomBytes, randomFillSync } from 'node:crypto';
import { encodeTime, incrementBase32, monotonicFactory } from 'ulid';

// The same cryptographic bytes ulid would ask for one call at a time (16 per id), drawn from a pool.
const pool = Buffer.alloc(4096);
let used = pool.length;
function randomFraction(): number {
  if (used === pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  return pool[used++]! / 256;
}

const ulid = monotonicFactory(randomFraction);

/** A new id for what the system makes by the thousand (tasks, events, runs): a lower-case ULID, 26 characters. */
export function newId(): string {
  return ulid().toLowerCase();
}

const BASE32 = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** The random part of a key: 20 bits, a million to the millisecond. */
const KEY_RANDOM = 4;

/**
 * Ids of KEY_RANDOM random characters after the 10 of a ULID's time, rising
 * within a millisecond as a ULID's do: `prng` gives each a fraction in [0, 1).
 */
export function keyFactory(prng: () => number): (at?: number) => string {
  let lastTime = -1;
  let last = '';
  return (at = Date.now()) => {
    if (at <= lastTime) last = incrementBase32(last);
    else {
      lastTime = at;
      last = Array.from({ length: KEY_RANDOM }, () => BASE32[Math.floor(prng() * 32)]).join('');
    }
    return (encodeTime(lastTime, 10) + last).toLowerCase();
  };
}

const key = keyFactory(randomFraction);

/**
 * A new id for what people make, a few at a time: organisations, people,
 * teams and the business's records (contacts, clients, leads, jobs, services,
 * pipelines). 14 characters, sortable by creation like a ULID (the same time
 * part), with a shorter random part: these ids are in most rows and indexes of
 * the tasks, their history and links, so each character they save is saved
 * dozens of times a task. Keys made in one millisecond by one process rise by
 * one; two processes would have to make the same one in the same millisecond
 * (one chance in a million) for the second's insert to be refused.
 */
export function newKey(): string {
  return key();
}

export function newSecret(prefix: string): string {
  return `${prefix}_${randomBytes(24).toString('base64url')}`;
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
