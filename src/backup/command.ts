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
import { BackupFormatError } from './backup.ts';
import { BackupRefused, exportBackup, importBackup } from './service.ts';

export const EXPORT_USAGE = 'Usage: finishline export [--out FILE] [--org ID]   (FILE default: standard output; ID: one organisation only)';
export const IMPORT_USAGE = 'Usage: finishline import FILE   (into an empty database: DATABASE_URL)';

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

/** A refusal or a damaged file is told as a sentence; anything else stays the error it was. */
function explained(error: unknown): unknown {
  if (error instanceof BackupFormatError) return new BackupRefused(`This file cannot be restored: ${error.message}.`);
  return error;
}
