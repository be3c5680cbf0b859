// The bare stack the benchmark compares Finishline against: Fastify and
// better-sqlite3 running the same indexed queries and inserts, with no auth,
// validation, history, events or serialisation schemas.
import SqliteDatabase from 'better-sqlite3';
import Fastify from 'fastify';
import { ulid } from 'ulid';

const db = new SqliteDatabase(process.env.BENCH_DB!);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.pragma('cache_size = -65536');
db.pragma('mmap_size = 268435456');
// The same checkpoint interval as the server's (src/platform/db/database.ts).
db.pragma('wal_autocheckpoint = 10000');

const myOpenTasks = db.prepare(
  'select * from tasks where org_id = ? and assignee_id = ? and active = 1 order by due_sort, number limit 50',
);
const teamOverdue = db.prepare(
  'select * from tasks where org_id = ? and team_id = ? and active = 1 and due_at < ? order by due_sort, number limit 50',
);
const search = db.prepare(
  "select * from tasks where org_id = ? and active = 1 and (lower(title) like ? escape '\\' or lower(description) like ? escape '\\') order by due_sort, number limit 50",
);
const recordTasks = db.prepare(
  'select * from tasks where org_id = ? and active = 1 and id in (select task_id from task_links where org_id = ? and record_type = ? and record_id = ?) order by due_sort, number limit 50',
);
// A team board's first column (open work by priority) and the counts above its columns.
const boardColumn = db.prepare(
  "select * from tasks where org_id = ? and team_id = ? and active = 1 and status = 'open' order by priority_rank, due_sort, number limit 50",
);
const boardCounts = db.prepare(
  "select status, count(*) as n from tasks where org_id = ? and team_id = ? and status in ('open', 'in_progress', 'waiting', 'blocked') and active = 1 group by status",
);
const insert = db.prepare(
  `insert into tasks (id, org_id, number, title, description, status, active, priority, priority_rank, due_at, due_sort,
     assignee_id, team_id, links, checklist, source_kind, created_by_id, created_at, updated_at, version)
   values (?, ?, ?, ?, '', 'open', 1, 'normal', 2, null, 8640000000000000, ?, null, '[]', '[]', 'api', ?, ?, ?, 1)`,
);
let number = 2_000_000_000;

const app = Fastify({ logger: false });
const q = (request: { query: unknown }) => request.query as Record<string, string>;
app.get('/list', async (request) => myOpenTasks.all(q(request).org, q(request).assignee));
app.get('/overdue', async (request) => teamOverdue.all(q(request).org, q(request).team, Date.now()));
app.get('/search', async (request) => {
  const pattern = `%${q(request).q!.toLowerCase()}%`;
  return search.all(q(request).org, pattern, pattern);
});
app.get('/record', async (request) => recordTasks.all(q(request).org, q(request).org, q(request).type, q(request).id));
app.get('/board', async (request) => boardColumn.all(q(request).org, q(request).team));
app.get('/counts', async (request) => boardCounts.all(q(request).org, q(request).team));
app.post('/insert', async (request, reply) => {
  const body = request.body as { title: string };
  const now = Date.now();
  number += 1;
  // An id like the server's (a lower-case ULID), so both write keys of the same length.
  const id = ulid(now).toLowerCase();
  insert.run(id, process.env.BENCH_ORG, number, body.title, process.env.BENCH_USER, process.env.BENCH_USER, now, now);
  return reply.code(201).send({ id });
});

await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
console.log('ready');
