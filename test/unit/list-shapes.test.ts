// A list page asked for every open status (My work's default) says only
// active = 1, which means the same, and binds no status list: with both,
// PostgreSQL multiplies their selectivities, under-estimates a person's open
// tasks twentyfold and plans the named statement anew at every run. The
// shape a page is kept under binds exactly what the compiled query binds.
import { Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler, SqliteAdapter, SqliteIntrospector, SqliteQueryCompiler } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { Database } from '../../src/platform/db/schema.ts';
import { everyOpenStatus, listShape, type TaskFilter } from '../../src/tasks/listShapes.ts';
import { countByStatusQuery, listTasksQuery } from '../../src/tasks/store.ts';

/** A handle that compiles and never connects. */
function compilerOf(dialect: 'postgres' | 'sqlite'): Kysely<Database> {
  const never = () => {
    throw new Error('not connected');
  };
  return new Kysely<Database>({
    dialect: {
      createAdapter: () => (dialect === 'postgres' ? new PostgresAdapter() : new SqliteAdapter()),
      createDriver: () => ({ init: async () => {}, acquireConnection: never, beginTransaction: never, commitTransaction: never, rollbackTransaction: never, releaseConnection: async () => {}, destroy: async () => {} }),
      createIntrospector: (db) => (dialect === 'postgres' ? new PostgresIntrospector(db) : new SqliteIntrospector(db)),
      createQueryCompiler: () => (dialect === 'postgres' ? new PostgresQueryCompiler() : new SqliteQueryCompiler()),
    },
  });
}

const OPEN = ['open', 'in_progress', 'waiting', 'blocked'] as const;
const sort = { key: 'due', descending: false } as const;
const page = { limit: 51 };

describe('a list page of every open status', () => {
  it('knows every open status, in any order, and nothing less or more', () => {
    expect(everyOpenStatus([...OPEN])).toBe(true);
    expect(everyOpenStatus(['blocked', 'open', 'waiting', 'in_progress', 'open'])).toBe(true);
    expect(everyOpenStatus(['open', 'in_progress', 'waiting'])).toBe(false);
    expect(everyOpenStatus([...OPEN, 'done'])).toBe(false);
    expect(everyOpenStatus(undefined)).toBe(false);
  });

  for (const dialect of ['postgres', 'sqlite'] as const) {
    const db = compilerOf(dialect);
    it(`says active = 1 and binds no status list, as its shape says (${dialect})`, () => {
      const filter: TaskFilter = { assigneeId: 'u_1', statuses: [...OPEN] };
      const compiled = listTasksQuery(db, 'o_1', filter, sort, page).compile();
      expect(compiled.sql).toMatch(/"active" = 1/);
      expect(compiled.sql).not.toMatch(/"status"/);
      const shape = listShape('o_1', filter, sort, page)!;
      expect(compiled.parameters).toEqual(shape.params);
      expect(shape.key).toContain('open');
    });

    it(`keeps the status list for some of the open statuses, and for the counts (${dialect})`, () => {
      const some: TaskFilter = { assigneeId: 'u_1', statuses: ['open', 'waiting'] };
      const compiled = listTasksQuery(db, 'o_1', some, sort, page).compile();
      expect(compiled.sql).toMatch(/"status" in \(/);
      expect(compiled.parameters).toEqual(listShape('o_1', some, sort, page)!.params);
      expect(countByStatusQuery(db, 'o_1', { assigneeId: 'u_1', statuses: [...OPEN] }).compile().sql).toMatch(/"status" in \(/);
    });
  }
});
