// CPU per call of the list request's steps, before and after they were made
// faster, alternating in one process (so the machine's load falls on both):
// `node --import tsx bench/steps.ts` after a quick benchmark made its data.
// "Before" is each step written the way it was: Kysely building and compiling
// the query on every call, and the token looked up on every request.
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prepareDataset } from './dataset.ts';
import { openDatabase } from '../src/platform/db/database.ts';
import { systemClock } from '../src/platform/clock.ts';
import { authenticate } from '../src/people/service.ts';
import * as tasks from '../src/tasks/store.ts';
import { sha256 } from '../src/platform/ids.ts';
const db = join(tmpdir(), `finishline-steps-${process.pid}.db`);
for (const s of ['', '-wal', '-shm']) rmSync(db + s, { force: true });
const d = await prepareDataset(new URL('./.cache/tasks-100000.db', import.meta.url).pathname, 100000, db);
const open = openDatabase(`sqlite:${db}`);
const deps = { db: open.db, clock: systemClock };
const oldAuth = async () => {
  await deps.db.selectFrom('tokens').innerJoin('users', 'users.id', 'tokens.user_id')
    .select(['tokens.id', 'tokens.kind', 'tokens.org_id', 'tokens.user_id', 'users.role', 'users.active'])
    .where('tokens.token_hash', '=', sha256(d.token)).where('tokens.revoked_at', 'is', null)
    .where((eb) => eb.or([eb('tokens.expires_at', 'is', null), eb('tokens.expires_at', '>', Date.now())])).executeTakeFirst();
};
const newAuth = async () => { await authenticate(deps, d.token); };
const filter = { assigneeId: d.userId, statuses: ['open', 'in_progress', 'waiting', 'blocked'] as never };
const sort = { key: 'due' as const, descending: false };
const oldList = async () => {
  await deps.db.selectFrom('tasks').selectAll().where('tasks.org_id', '=', d.orgId).where('assignee_id', '=', d.userId).where('active', '=', 1)
    .where('status', 'in', ['open', 'in_progress', 'waiting', 'blocked']).orderBy('due_sort', 'asc').orderBy('id', 'asc').limit(51).execute();
};
const newList = async () => { await tasks.listTasks(deps.db, d.orgId, filter, sort, { limit: 51 }); };
const raw = open.sqlite!.prepare('select * from tasks where org_id = ? and assignee_id = ? and active = 1 and status in (?,?,?,?) order by due_sort, number limit 51');
const rawList = async () => { raw.all(d.orgId, d.userId, 'open', 'in_progress', 'waiting', 'blocked'); };
async function time(f: () => Promise<void>, n: number) { const t = process.cpuUsage(); for (let i = 0; i < n; i++) await f(); const u = process.cpuUsage(t); return (u.user + u.system) / n; }
const pairs: [string, () => Promise<void>][] = [['auth before', oldAuth], ['auth after', newAuth], ['list query before', oldList], ['list query after', newList], ['list query raw better-sqlite3', rawList]];
const totals = new Map<string, number[]>();
for (const [, f] of pairs) await time(f, 300);
for (let round = 0; round < 5; round++) for (const [name, f] of pairs) { const list = totals.get(name) ?? []; list.push(await time(f, 1000)); totals.set(name, list); }
for (const [name, xs] of totals) { xs.sort((a, b) => a - b); console.log(name.padEnd(32), 'median cpu µs', xs[2]!.toFixed(1)); }
await open.close();
for (const s of ['', '-wal', '-shm']) rmSync(db + s, { force: true });
