// The backup archive: one tar file holding the JSON backup and every stored
// file's bytes, so a database with photos is backed up and restored whole, on
// either engine, into either engine.
//
//   finishline-backup.json        the JSON backup (backup.ts), without file_chunks rows
//   files/<sha256>                one entry per stored content, named by its SHA-256
//
// The JSON is written first to a temporary file (a tar entry states its size
// before its bytes); the files named by its file_blobs rows follow, read from
// whichever store this database uses. A restore unpacks into the store's
// temporary folder, checks every file against its name, restores the rows in
// one transaction and, inside it, puts each file's bytes back into the target's
// store (on disk beside SQLite, in file_chunks on PostgreSQL).
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { type Readable, Transform, type Writable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import * as tar from 'tar-stream';
import type { OpenDatabase } from '../platform/db/database.ts';
import type { BlobStore } from '../platform/files/blobs.ts';
import { blobsAfter } from '../platform/files/store.ts';
import { BackupFormatError, BackupReader } from './backup.ts';
import { BackupRefused, type BackupSummary, exportBackup, type ExportOptions, importBackup, type ImportOptions } from './service.ts';

export const ARCHIVE_DATA = 'finishline-backup.json';
const FILE_ENTRY = /^files\/([0-9a-f]{64})$/;

export interface ArchiveSummary extends BackupSummary {
  files: number;
  fileBytes: number;
}

/** Writes the archive to `out`: the whole database (an archive of one organisation is not offered: stored files are shared). */
export async function writeArchive(database: OpenDatabase, blobs: BlobStore, out: Writable, options: Omit<ExportOptions, 'orgId' | 'leaveOut'>): Promise<ArchiveSummary> {
  const work = await mkdtemp(join(tmpdir(), 'finishline-archive-'));
  try {
    const json = join(work, ARCHIVE_DATA);
    const jsonOut = createWriteStream(json);
    const summary = await exportBackup(database, jsonOut, { ...options, orgId: null, leaveOut: ['file_chunks'] });
    jsonOut.end();
    await finished(jsonOut);
    // The files the backup's own snapshot names, whatever was added or deleted since.
    const files = await blobsNamedIn(json);

    const pack = tar.pack();
    const written = pipeline(pack, out);
    let fileBytes = 0;
    try {
      await addEntry(pack, { name: ARCHIVE_DATA, size: (await stat(json)).size }, createReadStream(json));
      for (const file of files) {
        await addEntry(pack, { name: `files/${file.sha256}`, size: file.size }, blobs.read(file.sha256)).catch((error: unknown) => {
          throw new BackupRefused(`The stored file ${file.sha256} could not be read (${(error as Error).message}); if a file was deleted while the backup ran, run it again.`);
        });
        fileBytes += file.size;
      }
      pack.finalize();
    } catch (error) {
      pack.destroy(error as Error);
      await written.catch(() => {});
      throw error;
    }
    await written;
    return { ...summary, files: files.length, fileBytes };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** The file_blobs rows of a JSON backup, read a line at a time. */
async function blobsNamedIn(path: string): Promise<{ sha256: string; size: number }[]> {
  const reader = new BackupReader();
  const found: { sha256: string; size: number }[] = [];
  let inBlobs = false;
  for await (const raw of createInterface({ input: createReadStream(path), crlfDelay: Infinity })) {
    const line = reader.read(raw);
    if (line?.kind === 'table') inBlobs = line.name === 'file_blobs';
    else if (line?.kind === 'row' && inBlobs) found.push({ sha256: String(line.row.sha256), size: Number(line.row.size) });
  }
  return found;
}

/** One entry, its bytes streamed from `source`; fails when the source errs or does not hold exactly `size` bytes. */
function addEntry(pack: tar.Pack, header: { name: string; size: number }, source: Readable): Promise<void> {
  return new Promise((resolve, reject) => {
    const entry = pack.entry({ ...header, mode: 0o644 }, (error) => (error ? reject(error) : resolve()));
    source.once('error', (error) => {
      entry.destroy(error);
      reject(error);
    });
    source.pipe(entry);
  });
}

/**
 * Restores an archive into an empty database: every row and every file, or
 * nothing (a file missing, damaged or not named by the backup refuses it).
 */
export async function restoreArchive(database: OpenDatabase, blobs: BlobStore, input: Readable, options: Omit<ImportOptions, 'beforeCommit'>): Promise<ArchiveSummary> {
  await mkdir(blobs.tempDir, { recursive: true });
  const work = await mkdtemp(join(blobs.tempDir, 'restore-'));
  try {
    const unpacked = await unpack(input, work);
    if (!unpacked.data) throw new BackupFormatError(`the archive holds no ${ARCHIVE_DATA} (is it a Finishline backup archive?)`);
    let fileBytes = 0;
    const summary = await importBackup(database, createReadStream(unpacked.data), {
      ...options,
      beforeCommit: async (trx) => {
        for (let after = ''; ; ) {
          const page = await blobsAfter(trx, after, 500);
          for (const blob of page) {
            const path = unpacked.files.get(blob.sha256);
            if (!path) throw new BackupRefused(`The archive lacks the stored file ${blob.sha256} that its backup names: it is incomplete.`);
            await blobs.restoreBytes(trx, blob.sha256, path);
            unpacked.files.delete(blob.sha256);
            fileBytes += Number(blob.size);
          }
          if (page.length < 500) break;
          after = page[page.length - 1]!.sha256;
        }
        if (unpacked.files.size > 0) throw new BackupRefused(`The archive holds ${unpacked.files.size} file(s) its backup does not name: it is not one archive.`);
      },
    });
    return { ...summary, files: summary.counts.file_blobs ?? 0, fileBytes };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** Unpacks into `dir`: the JSON and each file (checked against its SHA-256 name). */
async function unpack(input: Readable, dir: string): Promise<{ data: string | null; files: Map<string, string> }> {
  const files = new Map<string, string>();
  let data: string | null = null;
  const extract = tar.extract();
  extract.on('entry', (header, stream, next) => {
    const saved = (async () => {
      if (header.type !== 'file') throw new BackupFormatError(`the archive holds "${header.name}", which is not a file`);
      if (header.name === ARCHIVE_DATA && data === null) {
        data = join(dir, ARCHIVE_DATA);
        await pipeline(stream, createWriteStream(data));
        return;
      }
      const sha256 = FILE_ENTRY.exec(header.name)?.[1];
      if (!sha256 || files.has(sha256)) throw new BackupFormatError(`the archive holds "${header.name}", which is not part of a Finishline backup`);
      const path = join(dir, sha256);
      const hash = createHash('sha256');
      const hashing = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          hash.update(chunk);
          callback(null, chunk);
        },
      });
      await pipeline(stream, hashing, createWriteStream(path));
      if (hash.digest('hex') !== sha256) throw new BackupFormatError(`the file ${sha256} in the archive is damaged (its bytes do not match its name)`);
      files.set(sha256, path);
    })();
    saved.then(
      () => next(),
      (error: unknown) => {
        stream.resume();
        next(error);
      },
    );
  });
  try {
    await pipeline(input, extract);
  } catch (error) {
    if (error instanceof BackupFormatError || error instanceof BackupRefused) throw error;
    throw new BackupFormatError(`the file is not a readable backup archive (${(error as Error).message})`);
  }
  return { data, files };
}
