// The bare PostgreSQL stack the benchmark compares Finishline on PostgreSQL
// against: Fastify and pg (a pool of 10, like the server's) running the same
// indexed list query, team board column and counts (bench/baseline.ts's) and
// insert, with no auth, validation, history, events or serialisation schemas.
import Fastify from 'fastify';
import pg from 'pg';
import { ulid } from 'ulid';

const pool = new pg.Pool({ connectionString: process.env.BENCH_PG_URL!, max: 10 });
let number = 2_000_000_000;

const app = Fastify({ logger: false });
const q = (request: { query: unknown }) => request.query as Record<string, string>;
app.get('/list', async (request) => {
  const { rows } = await pool.query({
    name: 'list',
    text: 'select * from tasks where org_id = $1 and assignee_id = $2 and active = 1 order by due_sort, number limit 50',
    values: [q(request).org, q(request).assignee],
  });
  return rows;
});
// A team board's first column (open work by priority) and the counts above its columns.
app.get('/board', async (request) => {
  const { rows } = await pool.query({
    name: 'board',
    text: "select * from tasks where org_id = $1 and team_id = $2 and active = 1 and status = 'open' order by priority_rank, due_sort, number limit 50",
    values: [q(request).org, q(request).team],
  });
  return rows;
});
app.get('/counts', async (request) => {
  const { rows } = await pool.query({
    name: 'counts',
    text: "select status, count(*) as n from tasks where org_id = $1 and team_id = $2 and status in ('open', 'in_progress', 'waiting', 'blocked') and active = 1 group by status",
    values: [q(request).org, q(request).team],
  });
  return rows;
});
app.post('/insert', async (request, reply) => {
  const body = request.body as { title: string };
  const now = Date.now();
  number += 1;
  // An id like the server's (a lower-case ULID), so both write keys of the same length.
  const id = ulid(now).toLowerCase();
  await pool.query({
    name: 'insert',
    text: `insert into tasks (id, org_id, number, title, description, status, active, priority, priority_rank, due_at, due_sort,
       assignee_id, team_id, links, checklist, source_kind, created_by_id, created_at, updated_at, version)
     values ($1, $2, $3, $4, '', 'open', 1, 'normal', 2, null, 8640000000000000, $5, null, '[]', '[]', 'api', $5, $6, $6, 1)`,
    values: [id, process.env.BENCH_ORG, number, body.title, process.env.BENCH_USER, now],
  });
  return reply.code(201).send({ id });
});

await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
console.log('ready');
