// CSV import: all rows or none, every problem by row and column, dry runs that
// write nothing, real-world CSV (quotes, commas, line breaks, a BOM), and
// references that must belong to the importing organisation.
import { describe, expect, it } from 'vitest';
import { forEachDatabase, type Org } from '../support/harness.ts';
import type { Client } from '../support/http.ts';

const csvPost = (api: Client, kind: string, csv: string, query = '') => api.request('POST', `/api/v1/imports/${kind}${query}`, { body: csv, headers: { 'content-type': 'text/csv' } });

async function taskTitles(api: Client): Promise<string[]> {
  const res = await api.get('/api/v1/tasks?status=all&limit=200&sort=created');
  expect(res.status, res.text).toBe(200);
  return res.body.items.map((t: any) => t.title);
}

forEachDatabase('CSV import', (ctx) => {
  let org: Org;
  let tom: Awaited<ReturnType<typeof ctx.addUser>>;

  describe('tasks', () => {
    it('imports every row of a good file in one go, with assignee by email or name, team, links, local due dates', async () => {
      org = await ctx.signup('Import Plumbing');
      tom = await ctx.addUser(org, 'member', 'Tom Tech');
      const team = await org.api.post('/api/v1/teams', { name: 'Field', memberIds: [tom.id], managerId: null });
      const lead = await ctx.createRecord(org.api, 'leads');
      const csv = [
        'Title, Description ,STATUS,priority,Due,assignee,team,links',
        `Call Dana back,,open,high,2026-03-05 14:30,${tom.user.email},Field,lead:${lead.id}`,
        'Order the valve,Part no. 42,in_progress,normal,2026-03-06T10:00:00Z,Tom Tech,,',
        'Chase the invoice,,,,,,,',
      ].join('\n');
      const res = await csvPost(org.api, 'tasks', csv);
      expect(res.status, res.text).toBe(201);
      expect(res.body).toMatchObject({ dryRun: false, created: 3 });
      expect(res.body.ids).toHaveLength(3);

      const first = (await org.api.get(`/api/v1/tasks/${res.body.ids[0]}`)).body;
      expect(first).toMatchObject({ title: 'Call Dana back', priority: 'high', assigneeId: tom.id, teamId: team.body.id, dueAt: '2026-03-05T14:30:00.000Z' });
      expect(first.links.map((l: any) => l.id)).toEqual([lead.id]);
      const second = (await org.api.get(`/api/v1/tasks/${res.body.ids[1]}`)).body;
      expect(second).toMatchObject({ status: 'in_progress', description: 'Part no. 42', assigneeId: tom.id });
      // One history entry and one event per created row, as the create route writes them.
      const history = await org.api.get(`/api/v1/tasks/${res.body.ids[2]}/history`);
      expect(history.body.items.length).toBeGreaterThan(0);
      const audit = await org.api.get('/api/v1/audit?action=data.imported');
      expect(audit.body.items[0]).toMatchObject({ actorId: org.user.id, data: { kind: 'tasks', rows: 3 } });
    });

    it('writes nothing when some rows are bad, and names each bad row (spreadsheet numbering) and column', async () => {
      const before = await taskTitles(org.api);
      const csv = [
        'title,priority,due,assignee',
        'Fine row,high,,',
        ',normal,,',
        'Bad priority,sky-high,,',
        'Bad date,low,next tuesday,',
        'Nobody,normal,,ghost@example.test',
        'Fine row too,low,,',
      ].join('\n');
      const res = await csvPost(org.api, 'tasks', csv);
      expect(res.status, res.text).toBe(422);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.body.rows.map((r: any) => [r.row, r.column])).toEqual([
        [3, 'title'],
        [4, 'priority'],
        [5, 'due'],
        [6, 'assignee'],
      ]);
      expect(res.body.rows[3].reason).toContain('ghost@example.test');
      expect(await taskTitles(org.api)).toEqual(before);
    });

    it('checks everything on a dry run, answers the count, and writes nothing', async () => {
      const before = await taskTitles(org.api);
      const good = await csvPost(org.api, 'tasks', 'title\nOne\nTwo\n', '?dryRun=true');
      expect(good.status, good.text).toBe(200);
      expect(good.body).toEqual({ dryRun: true, created: 2, updated: 0, unchanged: 0, ids: [] });
      const bad = await csvPost(org.api, 'tasks', 'title,status\nOne,finished\n', '?dryRun=true');
      expect(bad.status).toBe(422);
      expect(bad.body.rows).toEqual([{ row: 2, column: 'status', reason: expect.any(String) }]);
      expect(await taskTitles(org.api)).toEqual(before);
    });

    it('names an unknown column and a missing required one in row 1', async () => {
      const res = await csvPost(org.api, 'tasks', 'name,colour\nx,red\n');
      expect(res.status).toBe(422);
      expect(res.body.rows).toEqual([
        { row: 1, column: 'name', reason: expect.stringContaining('is not a column of a tasks import') },
        { row: 1, column: 'colour', reason: expect.stringContaining('is not a column') },
        { row: 1, column: 'title', reason: expect.stringContaining('required column') },
      ]);
    });

    it("refuses another organisation's people and records as references", async () => {
      const other = await ctx.signup('Other Co');
      const theirLead = await ctx.createRecord(other.api, 'leads');
      const res = await csvPost(org.api, 'tasks', `title,assignee,links\nA,${other.user.email},\nB,,lead:${theirLead.id}\n`);
      expect(res.status, res.text).toBe(422);
      expect(res.body.rows.map((r: any) => [r.row, r.column])).toEqual([
        [2, 'assignee'],
        [3, 'links'],
      ]);
    });
  });

  describe('records', () => {
    it('parses quoted commas, line breaks and quotes, and a UTF-8 byte order mark', async () => {
      const csv = '\uFEFFname,address,notes\r\n"Reyes, Dana","12 Elm Road\nLeeds","She said ""call after 5"""\r\nZoë Ñúñez,,\r\n';
      const res = await csvPost(org.api, 'contacts', csv);
      expect(res.status, res.text).toBe(201);
      const dana = (await org.api.get(`/api/v1/contacts/${res.body.ids[0]}`)).body;
      expect(dana).toMatchObject({ name: 'Reyes, Dana', address: '12 Elm Road\nLeeds', notes: 'She said "call after 5"' });
      expect((await org.api.get(`/api/v1/contacts/${res.body.ids[1]}`)).body.name).toBe('Zoë Ñúñez');
    });

    it('imports leads into a pipeline by name, and clients with their contacts, taking JSON {csv} too', async () => {
      const contact = await ctx.createRecord(org.api, 'contacts');
      const leads = await org.api.post('/api/v1/imports/leads', { csv: `title,pipeline,stage,value,contact,owner\nNew boiler,Sales,quoted,"2,400.50",${contact.id},Tom Tech\n` });
      expect(leads.status, leads.text).toBe(201);
      const lead = (await org.api.get(`/api/v1/leads/${leads.body.ids[0]}`)).body;
      expect(lead).toMatchObject({ stage: 'quoted', value: 2400.5, contactId: contact.id, ownerId: tom.id });
      const clients = await org.api.post('/api/v1/imports/clients', { csv: `name,contacts\nReyes Household,${contact.id}\n` });
      expect(clients.status, clients.text).toBe(201);
      expect((await org.api.get(`/api/v1/clients/${clients.body.ids[0]}`)).body.contactIds).toEqual([contact.id]);
      const bad = await org.api.post('/api/v1/imports/leads', { csv: 'title,stage,contact\nX,nowhere,\nY,,missing-contact\n' });
      expect(bad.status).toBe(422);
      expect(bad.body.rows.map((r: any) => [r.row, r.column])).toEqual([
        [2, 'stage'],
        [3, 'contact'],
      ]);
    });

    it('refuses a file of more than 5,000 rows with 413, and an empty file with 422', async () => {
      const big = `name\n${Array.from({ length: 5001 }, (_, i) => `P${i}`).join('\n')}\n`;
      const res = await csvPost(org.api, 'contacts', big);
      expect(res.status).toBe(413);
      expect(res.body.detail).toContain('at most 5000 rows');
      const empty = await csvPost(org.api, 'contacts', 'name\n');
      expect(empty.status).toBe(422);
      expect(empty.body.rows[0].reason).toContain('no rows');
    });
  });

  describe('permissions', () => {
    it('is for managers and above', async () => {
      const member = await ctx.addUser(org, 'member');
      const manager = await ctx.addUser(org, 'manager');
      expect((await csvPost(member.api, 'contacts', 'name\nPat\n')).status).toBe(403);
      expect((await csvPost(manager.api, 'contacts', 'name\nPat\n')).status).toBe(201);
      expect((await csvPost(ctx.anonymous, 'contacts', 'name\nPat\n')).status).toBe(401);
    });
  });
});
