// Migration 0016_attachments (recorded under this name in kysely_migration: never rename it or change what it does).
import { type Kysely, type Migration } from 'kysely';
import type { DialectName } from '../database.ts';

/**
 * Files on tasks. `file_blobs` names each stored content once by its SHA-256
 * (the same photo twice is kept once); the bytes live on disk beside a SQLite
 * database, and in `file_chunks` (256 KB rows) on PostgreSQL. `attachments`
 * point at their blobs (the file, and for images its display size and
 * thumbnail) and go with their task.
 */
export function attachments(dialect: DialectName): Migration {
  return {
    async up(db: Kysely<unknown>) {
      const s = db.schema;
      await s
        .createTable('file_blobs')
        .addColumn('sha256', 'text', (c) => c.primaryKey())
        .addColumn('size', 'bigint', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      // The bytes themselves live here on PostgreSQL (on SQLite they are files beside the database, and this table
      // stays empty): on both, so a backup holds the same tables whichever database it came from.
      await s
        .createTable('file_chunks')
        .addColumn('sha256', 'text', (c) => c.notNull().references('file_blobs.sha256').onDelete('cascade'))
        .addColumn('n', 'integer', (c) => c.notNull())
        .addColumn('data', dialect === 'postgres' ? 'bytea' : 'blob', (c) => c.notNull())
        .addPrimaryKeyConstraint('file_chunks_pk', ['sha256', 'n'])
        .execute();
      await s
        .createTable('attachments')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('org_id', 'text', (c) => c.notNull())
        .addColumn('task_id', 'text', (c) => c.notNull().references('tasks.id').onDelete('cascade'))
        .addColumn('comment_id', 'text')
        .addColumn('checklist_item_id', 'text')
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('content_type', 'text', (c) => c.notNull())
        .addColumn('size', 'bigint', (c) => c.notNull())
        .addColumn('sha256', 'text', (c) => c.notNull().references('file_blobs.sha256'))
        .addColumn('width', 'integer')
        .addColumn('height', 'integer')
        .addColumn('display_sha256', 'text', (c) => c.references('file_blobs.sha256'))
        .addColumn('thumb_sha256', 'text', (c) => c.references('file_blobs.sha256'))
        .addColumn('created_by_id', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await s.createIndex('attachments_task').on('attachments').columns(['org_id', 'task_id', 'created_at']).execute();
      await s.createIndex('attachments_org_created').on('attachments').columns(['org_id', 'created_at', 'id']).execute();
      await s.createIndex('attachments_sha').on('attachments').columns(['sha256']).execute();
      await s.createIndex('attachments_display_sha').on('attachments').columns(['display_sha256']).execute();
      await s.createIndex('attachments_thumb_sha').on('attachments').columns(['thumb_sha256']).execute();
    },
  };
}
