// The JSON backup file: one JSON document, written and read one line at a time
// so a million rows never sit in memory.
//
//   {"format":"finishline-backup","version":1,"exportedAt":"…","source":"sqlite","orgId":null,"migrations":[…],"counts":{"orgs":1,…},"tables":[
//   {"name":"orgs","rows":[
//   {"id":"01J…","name":"Acme Plumbing",…}
//   ,{"id":"01J…",…}
//   ]}
//   ,{"name":"users","rows":[
//   …
//   ]}
//   ]}
//
// Tables come parents first; each row is an object of every column, on a line
// of its own (JSON text never holds a raw line break). The whole file also
// parses with JSON.parse.

export const BACKUP_FORMAT = 'finishline-backup';
export const BACKUP_VERSION = 1;

export interface BackupHeader {
  format: typeof BACKUP_FORMAT;
  version: number;
  exportedAt: string;
  source: 'sqlite' | 'postgres';
  /** The one organisation exported, or null for the whole database. */
  orgId: string | null;
  migrations: string[];
  /** Rows per table, in the order the tables follow. */
  counts: Record<string, number>;
  /** An export through the API: no password or token hashes, no two-factor, webhook or sign-in secrets (a restore asks for new ones). */
  secretsOmitted?: boolean;
}

export function headerLine(header: BackupHeader): string {
  const json = JSON.stringify(header);
  return `${json.slice(0, -1)},"tables":[\n`;
}

export function tableStartLine(name: string, first: boolean): string {
  return `${first ? '' : ','}{"name":${JSON.stringify(name)},"rows":[\n`;
}

/** Binary columns (PostgreSQL's stored file chunks) travel as `{"$base64":"…"}` and come back as bytes. */
export function rowLine(row: Record<string, unknown>, first: boolean): string {
  return `${first ? '' : ','}${JSON.stringify(row, (_key, value: unknown) => (isSerialisedBuffer(value) ? { $base64: Buffer.from(value.data).toString('base64') } : value))}\n`;
}

function isSerialisedBuffer(value: unknown): value is { type: 'Buffer'; data: number[] } {
  return typeof value === 'object' && value !== null && (value as { type?: unknown }).type === 'Buffer' && Array.isArray((value as { data?: unknown }).data);
}

function reviveBytes(_key: string, value: unknown): unknown {
  if (typeof value === 'object' && value !== null && typeof (value as { $base64?: unknown }).$base64 === 'string' && Object.keys(value).length === 1) {
    return Buffer.from((value as { $base64: string }).$base64, 'base64');
  }
  return value;
}

export const TABLE_END_LINE = ']}\n';
export const DOCUMENT_END_LINE = ']}\n';

export class BackupFormatError extends Error {}

/** What one line of a backup file is, read in order. */
export type BackupLine =
  | { kind: 'header'; header: BackupHeader }
  | { kind: 'table'; name: string }
  | { kind: 'row'; row: Record<string, unknown> }
  | { kind: 'tableEnd' }
  | { kind: 'end' };

/** Reads lines one by one; tells what each is, or why the file is not a backup. */
export class BackupReader {
  private state: 'start' | 'tables' | 'rows' | 'done' = 'start';
  private lineNumber = 0;

  read(raw: string): BackupLine | null {
    this.lineNumber++;
    const line = raw.trim();
    if (line === '') return null;
    const withoutComma = line.startsWith(',') ? line.slice(1) : line;
    try {
      switch (this.state) {
        case 'start':
          return this.readHeader(line);
        case 'tables':
          if (line === ']}') {
            this.state = 'done';
            return { kind: 'end' };
          }
          this.state = 'rows';
          return { kind: 'table', name: String((JSON.parse(`${withoutComma}]}`) as { name: unknown }).name) };
        case 'rows':
          if (line === ']}') {
            this.state = 'tables';
            return { kind: 'tableEnd' };
          }
          return { kind: 'row', row: JSON.parse(withoutComma, reviveBytes) as Record<string, unknown> };
        case 'done':
          throw new BackupFormatError('text after the end of the backup');
      }
    } catch (error) {
      if (error instanceof BackupFormatError) throw new BackupFormatError(`line ${this.lineNumber}: ${error.message}`);
      throw new BackupFormatError(`line ${this.lineNumber} is not a line of a Finishline backup (${(error as Error).message})`);
    }
  }

  /** Throws unless the closing line was read: a cut-off file is not a backup. */
  finish(): void {
    if (this.state !== 'done') throw new BackupFormatError(`the file ends at line ${this.lineNumber} before the backup does (cut off?)`);
  }

  private readHeader(line: string): BackupLine {
    const header = JSON.parse(`${line}]}`) as BackupHeader & { tables?: unknown };
    if (header.format !== BACKUP_FORMAT) throw new BackupFormatError(`this is not a Finishline backup (format ${JSON.stringify(header.format)})`);
    if (header.version !== BACKUP_VERSION) throw new BackupFormatError(`backup format version ${header.version} is not one this version reads (${BACKUP_VERSION})`);
    delete header.tables;
    this.state = 'tables';
    return { kind: 'header', header };
  }
}
