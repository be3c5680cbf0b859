// Backup and restore: every table of the migrated schema, written to one JSON
// file a row per line, and read back into an empty database of either engine.
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { recordAudit } from '../audit/service.ts';
import { requireRole } from '../people/service.ts';
import type { Actor } from '../platform/context.ts';
import type { OpenDatabase } from '../platform/db/database.ts';
import type { Db } from '../platform/db/schema.ts';
import { advanceSequences, appliedMigrations, bindableRow, countRows, insertRows, listTables, NAMED_BY_ORG_FILES, type Row, rowsPerInsert, type TableShape, withSnapshot } from '../platform/db/tables.ts';
import {
  BACKUP_FORMAT,
  BACKUP_VERSION,
  type BackupHeader,
  BackupReader,
  DOCUMENT_END_LINE,
  headerLine,
  rowLine,
  TABLE_END_LINE,
  tableStartLine,
} from './backup.ts';
import { isCredentialTable, isSecretColumn, unknownSecret, withoutSecrets } from './secrets.ts';

/** Why a backup or restore was refused: said to the person running it, as is. */
export class BackupRefused extends Error {}

/** An organisation's export through the API is for its admins and owner. */
export function requireExportRight(actor: Actor): void {
  requireRole(actor, 'admin');
}

export interface BackupProgress {
  /** Called once the number of rows to copy is known. */
  onStart?: (totalRows: number) => void;
  /** Called after each batch with the rows copied so far. */
  onProgress?: (doneRows: number) => void;
}

export interface ExportOptions extends BackupProgress {
  /** Only this organisation's rows (tables with an `org_id`, and its `orgs` row); null for the whole database. */
  orgId: string | null;
  now: number;
  batchSize?: number;
  /** Leave out every secret (password and token hashes, two-factor and webhook secrets…): always so through the API. */
  omitSecrets?: boolean;
  /** Who asked for it (the API); null from the command line. */
  actorId?: string | null;
  /** Tables left out (the archive carries file contents as files, not as `file_chunks` rows). */
  leaveOut?: string[];
  ip?: string | null;
}

export interface BackupSummary {
  tables: number;
  rows: number;
  counts: Record<string, number>;
  orgIds: string[];
}

/**
 * Writes the backup to `out` from one consistent snapshot, then records a
 * `data.exported` audit entry in each organisation it holds (after the
 * snapshot, so a backup never contains its own entry).
 */
export async function exportBackup(database: OpenDatabase, out: Writable, options: ExportOptions): Promise<BackupSummary> {
  const all = await listTables(database);
  const scoped = options.orgId === null ? all : all.filter((t) => t.orgScoped || t.name === 'orgs' || NAMED_BY_ORG_FILES.has(t.name));
  const omit = options.omitSecrets === true;
  const kept = scoped.filter((t) => !options.leaveOut?.includes(t.name));
  const tables = omit ? kept.filter((t) => !isCredentialTable(t.name)) : kept;
  const migrations = await appliedMigrations(database);
  const batchSize = options.batchSize ?? 1000;
  const orgIds: string[] = [];
  const counts = await withSnapshot(database, async (snapshot) => {
    const counts: Record<string, number> = {};
    for (const table of tables) counts[table.name] = await snapshot.count(table, options.orgId);
    if (options.orgId !== null && !counts.orgs) throw new BackupRefused(`There is no organisation with id ${options.orgId}.`);
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    options.onStart?.(total);
    const header: BackupHeader = {
      format: BACKUP_FORMAT,
      version: BACKUP_VERSION,
      exportedAt: new Date(options.now).toISOString(),
      source: database.dialect,
      orgId: options.orgId,
      migrations,
      counts,
      ...(omit && { secretsOmitted: true }),
    };
    await write(out, headerLine(header));
    let done = 0;
    for (const [index, table] of tables.entries()) {
      await write(out, tableStartLine(table.name, index === 0));
      let first = true;
      for await (const rows of snapshot.rows(table, options.orgId, batchSize)) {
        let chunk = '';
        for (const row of rows) {
          chunk += rowLine(omit ? withoutSecrets(row) : row, first);
          first = false;
        }
        if (table.name === 'orgs') orgIds.push(...rows.map((r) => String(r.id)));
        await write(out, chunk);
        done += rows.length;
        options.onProgress?.(done);
      }
      await write(out, TABLE_END_LINE);
    }
    await write(out, DOCUMENT_END_LINE);
    return counts;
  });
  const rows = Object.values(counts).reduce((a, b) => a + b, 0);
  await database.db.transaction().execute(async (trx) => {
    for (const orgId of orgIds) {
      await recordAudit(trx, { orgId, actorId: options.actorId ?? null, action: 'data.exported', subject: { type: 'backup', id: options.orgId ?? 'all' }, data: { format: 'json', tables: tables.length, rows }, ip: options.ip ?? null }, options.now);
    }
  });
  return { tables: tables.length, rows, counts, orgIds };
}

export interface ImportOptions extends BackupProgress {
  now: number;
  /** Called once the backup's header is read. */
  onHeader?: (header: BackupHeader) => void;
  /** Called inside the restore's transaction once every row is in (the archive puts file contents back here). */
  beforeCommit?: (trx: Db) => Promise<void>;
}

/**
 * Restores a backup into a database that holds no organisation yet, all of it
 * in one transaction: either every row arrives, or none does. Counters (the
 * task key counter lives in its `orgs` row; PostgreSQL sequences such as the
 * outbox's) continue from where the source left them.
 */
export async function importBackup(database: OpenDatabase, input: Readable, options: ImportOptions): Promise<BackupSummary> {
  const tables = new Map((await listTables(database)).map((t) => [t.name, t]));
  await refuseUnlessEmpty(database, [...tables.values()]);
  const known = new Set(await appliedMigrations(database));
  const reader = new BackupReader();
  const counts: Record<string, number> = {};
  const orgIds: string[] = [];
  let header: BackupHeader | null = null;
  let done = 0;

  await database.db.transaction().execute(async (trx) => {
    let table: TableShape | null = null;
    let batch: Row[] = [];
    const flush = async () => {
      if (!table || batch.length === 0) return;
      await insertRows(trx, table.name, batch);
      counts[table.name] = (counts[table.name] ?? 0) + batch.length;
      done += batch.length;
      options.onProgress?.(done);
      batch = [];
    };
    const lines = createInterface({ input, crlfDelay: Infinity });
    for await (const raw of lines) {
      const line = reader.read(raw);
      if (!line) continue;
      switch (line.kind) {
        case 'header': {
          header = line.header;
          const missing = header.migrations.filter((m) => !known.has(m));
          if (missing.length) throw new BackupRefused(`The backup comes from a newer schema (migrations ${missing.join(', ')} are unknown here): upgrade Finishline first.`);
          options.onHeader?.(header);
          options.onStart?.(Object.values(header.counts).reduce((a, b) => a + b, 0));
          break;
        }
        case 'table': {
          const shape = tables.get(line.name);
          if (!shape) throw new BackupRefused(`The backup has a table "${line.name}" this database does not.`);
          table = shape;
          counts[shape.name] = 0;
          break;
        }
        case 'row': {
          const unknown = Object.keys(line.row).filter((c) => !table!.columns.includes(c));
          if (unknown.length) throw new BackupRefused(`Table "${table!.name}" has no column ${unknown.join(', ')} here.`);
          const row = header?.secretsOmitted ? withUnknownSecrets(table!, line.row) : line.row;
          batch.push(bindableRow(database, row));
          if (table!.name === 'orgs') orgIds.push(String(line.row.id));
          if (batch.length >= rowsPerInsert(table!.columns.length)) await flush();
          break;
        }
        case 'tableEnd': {
          await flush();
          const expected = header!.counts[table!.name];
          if (expected !== undefined && expected !== counts[table!.name]) {
            throw new BackupRefused(`Table "${table!.name}" has ${counts[table!.name]} rows in the file but the backup says ${expected}: the file is damaged.`);
          }
          table = null;
          break;
        }
        case 'end':
          break;
      }
    }
    reader.finish();
    await options.beforeCommit?.(trx);
    await advanceSequences(trx);
    for (const orgId of orgIds) {
      await recordAudit(trx, { orgId, actorId: null, action: 'data.restored', subject: { type: 'backup', id: header!.exportedAt }, data: { source: header!.source, rows: done } }, options.now);
    }
  });
  return { tables: Object.keys(counts).length, rows: done, counts, orgIds };
}

/** A row of a backup without secrets, its required secret columns given values nothing matches (people without a password reset theirs). */
function withUnknownSecrets(table: TableShape, row: Row): Row {
  const filled: Row = { ...row };
  for (const column of table.required ?? []) if (!(column in filled) && isSecretColumn(column)) filled[column] = unknownSecret(table.name, column);
  return filled;
}

async function refuseUnlessEmpty(database: OpenDatabase, tables: TableShape[]): Promise<void> {
  const orgs = tables.some((t) => t.name === 'orgs') ? await countRows(database, 'orgs') : 0;
  if (orgs > 0) {
    throw new BackupRefused(`This database already holds ${orgs === 1 ? 'an organisation' : `${orgs} organisations`}: a backup is restored only into an empty database (point DATABASE_URL at a new one).`);
  }
  for (const table of tables.filter((t) => t.orgScoped)) {
    if ((await countRows(database, table.name)) > 0) throw new BackupRefused(`Table "${table.name}" already has rows: a backup is restored only into an empty database.`);
  }
}

/** Writes respecting back-pressure, so a slow disk or pipe never buffers the database in memory. */
function write(out: Writable, text: string): Promise<void> {
  if (out.write(text)) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    out.once('error', onError);
    out.once('drain', () => {
      out.off('error', onError);
      resolve();
    });
  });
}
