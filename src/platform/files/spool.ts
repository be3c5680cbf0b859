// An incoming file written to a temporary file as it arrives, hashed and
// counted on the way: never held whole in memory, and cut off (then read to
// its end and thrown away) once it is larger than allowed.
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export interface Spooled {
  path: string;
  size: number;
  sha256: string;
  /** More than maxBytes arrived: the file holds only the first part, and must not be kept. */
  overLimit: boolean;
}

export async function tempPath(dir: string, suffix = ''): Promise<string> {
  await mkdir(dir, { recursive: true });
  return join(dir, `${Date.now().toString(36)}-${randomBytes(8).toString('hex')}${suffix}`);
}

export async function spool(source: Readable, dir: string, maxBytes: number): Promise<Spooled> {
  const path = await tempPath(dir, '.part');
  const hash = createHash('sha256');
  let size = 0;
  let overLimit = false;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      size += chunk.length;
      if (size > maxBytes) overLimit = true;
      if (overLimit) return done();
      hash.update(chunk);
      done(null, chunk);
    },
  });
  try {
    await pipeline(source, counter, createWriteStream(path));
  } catch (error) {
    await rm(path, { force: true });
    throw error;
  }
  return { path, size, sha256: hash.digest('hex'), overLimit };
}
