// The statements that differ between the engines, pinned per dialect (as
// Kysely's own tests do with testSql): each query is built by the real store
// or platform function on a handle of each dialect whose driver only records
// what it is sent, and the text is compared with what that engine must get.
import {
  type CompiledQuery,
  type DatabaseConnection,
  type Driver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type QueryResult,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
} from 'kysely';
import { describe, expect, it } from 'vitest';
import { explainDueScan, lockTimer } from '../../src/automation/store.ts';
import { type DialectName, writeTogether } from '../../src/platform/db/database.ts';
import { claimRows, dialectOfHandle, explainSql, hasSingleWriter } from '../../src/platform/db/dialect.ts';
import type { Database, Db } from '../../src/platform/db/schema.ts';
import { claimDigest, claimEmail } from '../../src/notifications/store.ts';
import { appendEvents, claimEvents } from '../../src/platform/outbox.ts';
import { countByStatusQuery, findMatchingTasks, insertHistory } from '../../src/tasks/store.ts';
import { claimDueDeliveries } from '../../src/webhooks/store.ts';

/** A connection that answers every select with `rows` and records each statement sent (transactions included). */
class Recorder implements Driver {
  readonly sent: string[] = [];
  readonly parameters: (readonly unknown[])[] = [];
  constructor(private readonly rows: Record<string, unknown>[]) {}
  async init(): Promise<void> {}
  async acquireConnection(): Promise<DatabaseConnection> {
    return {
      executeQuery: async <R,>(query: CompiledQuery): Promise<QueryResult<R>> => {
        this.sent.push(query.sql);
        this.parameters.push(query.parameters);
        return { rows: (query.sql.startsWith('select') ? this.rows : []) as R[] };
      },
      streamQuery: () => {
        throw new Error('not used');
      },
    };
  }
  async beginTransaction(): Promise<void> {
    this.sent.push('begin');
  }
  async commitTransaction(): Promise<void> {
    this.sent.push('commit');
  }
  async rollbackTransaction(): Promise<void> {
    this.sent.push('rollback');
  }
  async releaseConnection(): Promise<void> {}
  async destroy(): Promise<void> {}
}

function handle(dialect: DialectName, rows: Record<string, unknown>[] = [{ key: 'k' }]): { db: Db; sent: string[]; parameters: (readonly unknown[])[] } {
  const driver = new Recorder(rows);
  const db = new Kysely<Database>({
    dialect:
      dialect === 'postgres'
        ? { createAdapter: () => new PostgresAdapter(), createDriver: () => driver, createIntrospector: (k) => new PostgresIntrospector(k), createQueryCompiler: () => new PostgresQueryCompiler() }
        : { createAdapter: () => new SqliteAdapter(), createDriver: () => driver, createIntrospector: (k) => new SqliteIntrospector(k), createQueryCompiler: () => new SqliteQueryCompiler() },
  });
  return { db, sent: driver.sent, parameters: driver.parameters };
}

/** What `run` sends on each engine. */
async function sentBy(run: (db: Db) => Promise<unknown>, rows?: Record<string, unknown>[]): Promise<Record<DialectName, string[]>> {
  const out = {} as Record<DialectName, string[]>;
  for (const dialect of ['sqlite', 'postgres'] as const) {
    const { db, sent } = handle(dialect, rows);
    await run(db);
    out[dialect] = sent;
  }
  return out;
}

const claimOptions = { worker: 'w', now: 1000, until: 2000, limit: 10 };

describe('the engine of a handle', () => {
  it('is worked out from the handle, a transaction included', async () => {
    for (const dialect of ['sqlite', 'postgres'] as const) {
      const { db } = handle(dialect);
      expect(dialectOfHandle(db)).toBe(dialect);
      expect(hasSingleWriter(db)).toBe(dialect === 'sqlite');
      await db.transaction().execute(async (trx) => expect(dialectOfHandle(trx)).toBe(dialect));
    }
  });
});

describe('lease and claim: one claimRows for every queue', () => {
  it('locks the picked rows on PostgreSQL, skipping those held, and leases them in the same transaction', async () => {
    const sent = await sentBy((db) =>
      claimRows(
        db,
        (trx) => trx.selectFrom('events').select('seq as key').where('processed_at', 'is', null).limit(5),
        (trx, keys) => trx.updateTable('events').set({ claimed_by: 'w' }).where('seq', 'in', keys).execute(),
      ),
    );
    expect(sent).toEqual({
      sqlite: ['begin', 'select "seq" as "key" from "events" where "processed_at" is null limit ?', 'update "events" set "claimed_by" = ? where "seq" in (?)', 'commit'],
      postgres: ['begin', 'select "seq" as "key" from "events" where "processed_at" is null limit $1 for update skip locked', 'update "events" set "claimed_by" = $1 where "seq" in ($2)', 'commit'],
    });
  });

  it('leases nothing when nothing is picked', async () => {
    const sent = await sentBy(
      (db) =>
        claimRows(
          db,
          (trx) => trx.selectFrom('events').select('seq as key').limit(5),
          (trx, keys) => trx.updateTable('events').set({ claimed_by: 'w' }).where('seq', 'in', keys).execute(),
        ),
      [],
    );
    expect(sent.sqlite).toEqual(['begin', 'select "seq" as "key" from "events" limit ?', 'commit']);
    expect(sent.postgres).toEqual(['begin', 'select "seq" as "key" from "events" limit $1 for update skip locked', 'commit']);
  });

  it('claims outbox events in one statement that picks, leases and returns them', async () => {
    const sent = await sentBy((db) => claimEvents(db, claimOptions), [{ key: 7, seq: 7, data: '{}' }]);
    const pick = 'select "seq" as "key" from "events" where "processed_at" is null and ("claimed_until" is null or "claimed_until" < ?) order by "seq" limit ?';
    expect(sent.sqlite).toEqual([`update "events" set "claimed_by" = ?, "claimed_until" = ? where "seq" in (${pick}) returning *`]);
    const pgPick = 'select "seq" as "key" from "events" where "processed_at" is null and ("claimed_until" is null or "claimed_until" < $3) order by "seq" limit $4 for update skip locked';
    // = any(array(…)): the pick runs once, and the rows are found by their key.
    expect(sent.postgres).toEqual([`update "events" set "claimed_by" = $1, "claimed_until" = $2 where "seq" = any(array(${pgPick})) returning *`]);
  });

  it('claims webhook deliveries, locking only the deliveries of the join', async () => {
    const sent = await sentBy((db) => claimDueDeliveries(db, claimOptions));
    const pick = (p: (n: number) => string) =>
      `select "d"."id" as "key" from "webhook_deliveries" as "d" inner join "webhooks" as "w" on "w"."id" = "d"."webhook_id" ` +
      `where "d"."status" = ${p(1)} and "d"."next_attempt_at" <= ${p(2)} and "w"."active" = ${p(3)} and ("d"."leased_until" is null or "d"."leased_until" < ${p(4)}) ` +
      `and not exists (select "e"."id" from "webhook_deliveries" as "e" where "e"."webhook_id" = "d"."webhook_id" and "e"."status" = ${p(5)} ` +
      `and ("e"."event_seq" < "d"."event_seq" or ("e"."event_seq" = "d"."event_seq" and "e"."id" < "d"."id"))) order by "d"."next_attempt_at" limit ${p(6)}`;
    expect(sent.sqlite[1]).toBe(pick(() => '?'));
    expect(sent.postgres[1]).toBe(`${pick((n) => `$${n}`)} for update of "d" skip locked`);
    expect(sent.postgres[2]).toBe('update "webhook_deliveries" set "leased_by" = $1, "leased_until" = $2 where "id" in ($3)');
  });

  it('claims one email and one digest the same way', async () => {
    const email = await sentBy((db) => claimEmail(db, 'n1', 1000, 2000));
    expect(email.sqlite).toEqual([
      'begin',
      'select "id" as "key" from "notifications" where "id" = ? and "email_state" = ? and ("email_claimed_until" is null or "email_claimed_until" < ?)',
      'update "notifications" set "email_claimed_until" = ? where "id" in (?)',
      'commit',
    ]);
    expect(email.postgres[1]).toBe(
      'select "id" as "key" from "notifications" where "id" = $1 and "email_state" = $2 and ("email_claimed_until" is null or "email_claimed_until" < $3) for update skip locked',
    );
    const digest = await sentBy((db) => claimDigest(db, 'u1', '2026-03-02', 1000, 2000));
    expect(digest.sqlite[1]).toBe(
      'select "local_date" as "key" from "notification_digests" where "user_id" = ? and "local_date" = ? and "state" = ? and ("claimed_until" is null or "claimed_until" < ?)',
    );
    expect(digest.postgres[1]).toBe(
      'select "local_date" as "key" from "notification_digests" where "user_id" = $1 and "local_date" = $2 and "state" = $3 and ("claimed_until" is null or "claimed_until" < $4) for update skip locked',
    );
    expect(digest.postgres[2]).toBe('update "notification_digests" set "claimed_until" = $1 where "user_id" = $2 and "local_date" = $3');
  });
});

describe('appends sent together', () => {
  it('are one statement on PostgreSQL, their parameters renumbered in order, and one each on SQLite', async () => {
    const history = { id: 'h1', org_id: 'o1', task_id: 't1', actor_id: 'u1', at: 5, field: 'status', from_value: null, to_value: 'open' };
    const event = { orgId: 'o1', type: 'task.created', subject: { type: 'task', id: 't1' }, data: { key: 'T-1' }, actorId: 'u1', occurredAt: 5, id: 'e1' };
    for (const dialect of ['sqlite', 'postgres'] as const) {
      const { db, sent, parameters } = handle(dialect);
      await db.transaction().execute((trx) =>
        writeTogether(trx, async () => {
          await insertHistory(trx, [history]);
          await appendEvents(trx, [event]);
        }),
      );
      const p = (n: number) => (dialect === 'postgres' ? `$${n}` : '?');
      const values = (from: number, count: number) => Array.from({ length: count }, (_, i) => p(from + i)).join(', ');
      const insertHistorySql = (from: number) => `insert into "task_history" ("id", "org_id", "task_id", "actor_id", "at", "field", "from_value", "to_value") values (${values(from, 8)})`;
      const insertEventSql = (from: number) => `insert into "events" ("id", "org_id", "type", "subject_type", "subject_id", "data", "actor_id", "occurred_at", "depth", "links") values (${values(from, 10)})`;
      const historyParams = ['h1', 'o1', 't1', 'u1', 5, 'status', null, 'open'];
      const eventParams = ['e1', 'o1', 'task.created', 'task', 't1', '{"key":"T-1"}', 'u1', 5, 0, null];
      if (dialect === 'sqlite') {
        expect(sent).toEqual(['begin', insertHistorySql(1), insertEventSql(1), 'commit']);
        expect(parameters).toEqual([historyParams, eventParams]);
      } else {
        expect(sent).toEqual(['begin', `with held_0 as (${insertHistorySql(1)}) ${insertEventSql(9)}`, 'commit']);
        expect(parameters).toEqual([[...historyParams, ...eventParams]]);
      }
    }
  });
});

describe('row locks', () => {
  it('locks a due timer, skipping one another process holds', async () => {
    const sent = await sentBy((db) => lockTimer(db, 't1'));
    expect(sent.sqlite).toEqual(['select * from "automation_timers" where "id" = ? and "fired_at" is null']);
    expect(sent.postgres).toEqual(['select * from "automation_timers" where "id" = $1 and "fired_at" is null for update skip locked']);
  });

  it('locks the tasks a bulk change picked, waiting for any held', async () => {
    const sent = await sentBy((db) => findMatchingTasks(db, 'o1', { teamId: 't1' }, 101));
    expect(sent.sqlite).toEqual(['select * from "tasks" where "tasks"."org_id" = ? and "team_id" = ? order by "due_sort", "number" limit ?']);
    expect(sent.postgres).toEqual(['select * from "tasks" where "tasks"."org_id" = $1 and "team_id" = $2 order by "due_sort", "number" limit $3 for update']);
  });
});

describe('text search', () => {
  it('ignores case the way each engine can use', () => {
    for (const dialect of ['sqlite', 'postgres'] as const) {
      const { db } = handle(dialect);
      const compiled = countByStatusQuery(db, 'o1', { text: 'Boiler_50%' }).compile();
      const p = (n: number) => (dialect === 'postgres' ? `$${n}` : '?');
      const match = (column: string, n: number) => (dialect === 'postgres' ? `"${column}" ilike ${p(n)} escape '\\'` : `lower("${column}") like ${p(n)} escape '\\'`);
      expect(compiled.sql).toBe(`select "status", count(*) as "count" from "tasks" where "tasks"."org_id" = ${p(1)} and (${match('title', 2)} or ${match('description', 3)}) group by "status"`);
      expect(compiled.parameters).toEqual(['o1', '%boiler\\_50\\%%', '%boiler\\_50\\%%']);
    }
  });
});

describe('EXPLAIN', () => {
  it('asks each engine for its plan, the parameters written in', async () => {
    const sqlite = handle('sqlite');
    const postgres = handle('postgres');
    const scan = (db: Db) => db.selectFrom('automation_timers').selectAll().where('fired_at', 'is', null).where('fire_at', '<=', 5).where('kind', '=', "it's").limit(500);
    expect(explainSql(sqlite.db, scan(sqlite.db))).toBe(
      `explain query plan select * from "automation_timers" where "fired_at" is null and "fire_at" <= 5 and "kind" = 'it''s' limit 500`,
    );
    expect(explainSql(postgres.db, scan(postgres.db))).toBe(`explain select * from "automation_timers" where "fired_at" is null and "fire_at" <= 5 and "kind" = 'it''s' limit 500`);
    await explainDueScan(postgres.db, 5);
    expect(postgres.sent).toEqual(['explain select * from "automation_timers" where "fired_at" is null and "fire_at" <= 5 order by "fire_at" limit 500']);
  });
});
