// `finishline export [--out FILE] [--org ID]` and `finishline import FILE`:
// the JSON backup of the configured database, with a progress bar.
import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { finished } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { readConfig } from '../config.ts';
import { systemClock } from '../platform/clock.ts';
import { openDatabase } from '../platform/db/database.ts';
import { migrateToLatest } from '../platform/db/migrations.ts';
import { openBlobStore } from '../platform/files/blobs.ts';
import { restoreArchive, writeArchive } from './archive.ts';
import { BackupFormatError } from './backup.ts';
import { BackupRefused, exportBackup, importBackup } from './service.ts';

export const EXPORT_USAGE = 'Usage: finishline export [--out FILE] [--org ID]   (FILE default: standard output; ID: one organisation only)';
export const IMPORT_USAGE = 'Usage: finishline import FILE   (into an empty database: DATABASE_URL)';
export const BACKUP_USAGE = 'Usage: finishline backup --out FILE.tar   (the whole database and every stored file, in one archive)';
export const RESTORE_USAGE = 'Usage: finishline restore FILE.tar   (into an empty database: DATABASE_URL, its files where FINISHLINE_FILES_DIR or the database keeps them)';

function progressBar(label: string): cliProgress.SingleBar {
  return new cliProgress.SingleBar(
    {
      format: `${label} |{bar}| {percentage}% | {value}/{total} rows | eta {eta_formatted}`,
      hideCursor: true,
      etaBuffer: 20,
      // Without a terminal (CI, a log file), a line every few seconds instead of a redrawn bar.
      noTTYOutput: true,
      notTTYSchedule: 2000,
      stream: process.stderr,
    },
    cliProgress.Presets.shades_classic,
  );
}

export async function exportCommand(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { out: { type: 'string' }, org: { type: 'string' } } });
  const { databaseUrl } = readConfig();
  const database = openDatabase(databaseUrl);
  const toFile = values.out !== undefined && values.out !== '-';
  // Written beside the target and renamed at the end: a failed export never leaves half a file under the name asked for.
  const partial = toFile ? `${values.out}.partial` : null;
  const out = partial ? createWriteStream(partial) : process.stdout;
  const bar = progressBar('export');
  try {
    await migrateToLatest(database.db);
    const summary = await exportBackup(database, out, {
      orgId: values.org ?? null,
      now: systemClock.now(),
      onStart: (total) => bar.start(total, 0),
      onProgress: (done) => bar.update(done),
    });
    bar.update(summary.rows);
    bar.stop();
    if (partial) {
      out.end();
      await finished(out);
      await rename(partial, values.out!);
    }
    console.error(`Exported ${summary.rows} rows of ${summary.tables} tables (${summary.orgIds.length} organisation${summary.orgIds.length === 1 ? '' : 's'})${toFile ? ` to ${values.out}` : ''}.`);
  } catch (error) {
    bar.stop();
    if (partial) {
      out.destroy();
      await rm(partial, { force: true });
    }
    throw explained(error);
  } finally {
    await database.close();
  }
}

export async function importCommand(args: string[]): Promise<void> {
  const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
  if (positionals.length !== 1) throw new BackupRefused(IMPORT_USAGE);
  const { databaseUrl } = readConfig();
  const database = openDatabase(databaseUrl);
  const bar = progressBar('import');
  let secretsOmitted = false;
  try {
    await migrateToLatest(database.db);
    const summary = await importBackup(database, createReadStream(positionals[0]!), {
      now: systemClock.now(),
      onHeader: (header) => {
        secretsOmitted = header.secretsOmitted === true;
        console.error(`Restoring a backup of ${header.orgId ?? 'the whole database'} taken ${header.exportedAt} from ${header.source}…`);
      },
      onStart: (total) => bar.start(total, 0),
      onProgress: (done) => bar.update(done),
    });
    bar.update(summary.rows);
    bar.stop();
    console.error(`Imported ${summary.rows} rows into ${summary.tables} tables (${summary.orgIds.length} organisation${summary.orgIds.length === 1 ? '' : 's'}).`);
    if (secretsOmitted) {
      console.error(
        'This backup was exported through the API and holds no secrets: everyone sets a new password (Forgot password on the sign-in page, ' +
          'or an admin sets one), API tokens and calendar links are made again, two-factor sign-in is set up again, and each webhook has a new ' +
          'signing secret nobody knows yet: an admin replaces it (Rotate secret) and gives it to the receiving system.',
      );
    }
  } catch (error) {
    bar.stop();
    throw explained(error);
  } finally {
    await database.close();
  }
}

/** `finishline backup --out FILE.tar`: the JSON backup and the stored files in one archive, written under a temporary name and renamed at the end. */
export async function backupCommand(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { out: { type: 'string' } } });
  if (!values.out || values.out === '-') throw new BackupRefused(BACKUP_USAGE);
  const { databaseUrl, filesDir } = readConfig();
  const database = openDatabase(databaseUrl);
  const partial = `${values.out}.partial`;
  const out = createWriteStream(partial);
  const bar = progressBar('backup');
  try {
    await migrateToLatest(database.db);
    const blobs = openBlobStore(database.dialect, databaseUrl, database.db, filesDir);
    const summary = await writeArchive(database, blobs, out, { now: systemClock.now(), onStart: (total) => bar.start(total, 0), onProgress: (done) => bar.update(done) });
    bar.stop();
    await rename(partial, values.out);
    console.error(`Backed up ${summary.rows} rows of ${summary.tables} tables and ${summary.files} stored files (${megabytes(summary.fileBytes)}) to ${values.out}.`);
  } catch (error) {
    bar.stop();
    out.destroy();
    await rm(partial, { force: true });
    throw explained(error);
  } finally {
    await database.close();
  }
}

/** `finishline restore FILE.tar`: an archive from `backup` into an empty database, rows and files together. */
export async function restoreCommand(args: string[]): Promise<void> {
  const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
  if (positionals.length !== 1) throw new BackupRefused(RESTORE_USAGE);
  const { databaseUrl, filesDir } = readConfig();
  const database = openDatabase(databaseUrl);
  const bar = progressBar('restore');
  try {
    await migrateToLatest(database.db);
    const blobs = openBlobStore(database.dialect, databaseUrl, database.db, filesDir);
    const summary = await restoreArchive(database, blobs, createReadStream(positionals[0]!), {
      now: systemClock.now(),
      onHeader: (header) => console.error(`Restoring a backup taken ${header.exportedAt} from ${header.source}…`),
      onStart: (total) => bar.start(total, 0),
      onProgress: (done) => bar.update(done),
    });
    bar.stop();
    console.error(`Restored ${summary.rows} rows into ${summary.tables} tables and ${summary.files} stored files (${megabytes(summary.fileBytes)}).`);
  } catch (error) {
    bar.stop();
    throw explained(error);
  } finally {
    await database.close();
  }
}

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** A refusal or a damaged file is told as a sentence; anything else stays the error it was. */
function explained(error: unknown): unknown {
  if (error instanceof BackupFormatError) return new BackupRefused(`This file cannot be restored: ${error.message}.`);
  return error;
}
