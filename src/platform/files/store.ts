// Every query about stored file contents: the blob rows, and on PostgreSQL their bytes.
import type { Db } from '../db/schema.ts';

export async function insertBlob(trx: Db, sha256: string, size: number, now: number): Promise<boolean> {
  const inserted = await trx
    .insertInto('file_blobs')
    .values({ sha256, size, created_at: now })
    .onConflict((oc) => oc.column('sha256').doNothing())
    .returning('sha256')
    .executeTakeFirst();
  return inserted !== undefined;
}

export async function blobExists(db: Db, sha256: string): Promise<boolean> {
  return (await db.selectFrom('file_blobs').select('sha256').where('sha256', '=', sha256).executeTakeFirst()) !== undefined;
}

/** Which of these blobs have a row. */
export async function knownBlobs(db: Db, shas: string[]): Promise<Set<string>> {
  if (shas.length === 0) return new Set();
  const rows = await db.selectFrom('file_blobs').select('sha256').where('sha256', 'in', shas).execute();
  return new Set(rows.map((r) => r.sha256));
}

/** Deletes the blob's row (its chunks go with it); a blob an attachment still names fails with a foreign-key error. */
export async function deleteBlob(trx: Db, sha256: string): Promise<boolean> {
  const result = await trx.deleteFrom('file_blobs').where('sha256', '=', sha256).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function insertChunk(trx: Db, sha256: string, n: number, data: Buffer): Promise<void> {
  await trx.insertInto('file_chunks').values({ sha256, n, data }).execute();
}

export async function readChunks(db: Db, sha256: string, from: number, to: number): Promise<{ n: number; data: Buffer }[]> {
  return db.selectFrom('file_chunks').select(['n', 'data']).where('sha256', '=', sha256).where('n', '>=', from).where('n', '<=', to).orderBy('n').execute();
}

/** Every blob, a page at a time (backups). */
export async function blobsAfter(db: Db, after: string, limit: number): Promise<{ sha256: string; size: number }[]> {
  return db.selectFrom('file_blobs').select(['sha256', 'size']).where('sha256', '>', after).orderBy('sha256').limit(limit).execute();
}

export async function blobSizeOf(db: Db, sha256: string): Promise<number> {
  const row = await db.selectFrom('file_blobs').select('size').where('sha256', '=', sha256).executeTakeFirst();
  return Number(row?.size ?? 0);
}
