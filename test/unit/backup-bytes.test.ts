// Binary columns (PostgreSQL's stored file chunks) survive a backup file: written as base64, read back as the same bytes.
import { expect, it } from 'vitest';
import { BackupReader, headerLine, rowLine, tableStartLine } from '../../src/backup/backup.ts';

it('writes bytes as base64 and reads the same bytes back', () => {
  const data = Buffer.from([0, 1, 2, 250, 255, 10, 13]);
  const reader = new BackupReader();
  reader.read(headerLine({ format: 'finishline-backup', version: 1, exportedAt: '2026-01-01T00:00:00Z', source: 'postgres', orgId: null, migrations: [], counts: {} }).trim());
  reader.read(tableStartLine('file_chunks', true).trim());
  const line = rowLine({ sha256: 'ab', n: 0, data }, true);
  expect(line).toContain('"$base64"');
  const read = reader.read(line.trim());
  expect(read?.kind).toBe('row');
  const row = (read as { row: Record<string, unknown> }).row;
  expect(Buffer.isBuffer(row.data)).toBe(true);
  expect((row.data as Buffer).equals(data)).toBe(true);
  expect(row.sha256).toBe('ab');
});
