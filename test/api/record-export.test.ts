// CSV export of contacts, clients and leads (?format=csv on their lists): every
// matching record in exactly the columns the import reads, every text cell safe
// from spreadsheet formulas, only the organisation's own records — and the file
// imported again into the same organisation changes nothing, however often.
import { parse } from 'csv-parse/sync';
import { expect, it } from 'vitest';
import { forEachDatabase, type Org } from '../support/harness.ts';
import type { Client } from '../support/http.ts';

const csvPost = (api: Client, kind: string, csv: string) => api.request('POST', `/api/v1/imports/${kind}`, { body: csv, headers: { 'content-type': 'text/csv' } });
const KINDS = ['contacts', 'clients', 'leads'] as const;

/** Every record of a kind, archived too, as the API shows it. */
async function everything(api: Client, kind: string): Promise<any[]> {
  const res = await api.get(`/api/v1/${kind}?archived=all&limit=200&sort=created`);
  expect(res.status, res.text).toBe(200);
  return res.body.items;
}

/** The CSV as rows of cells, by header name. */
function rowsOf(csv: string): Record<string, string>[] {
  return parse(csv, { columns: true }) as Record<string, string>[];
}

forEachDatabase('record CSV export', (ctx) => {
  /** An organisation holding records of every kind: with and without references, formula-looking text, line breaks, numbers, an archived one. */
  async function stocked(name: string): Promise<{ org: Org; ids: Record<string, string> }> {
    const org = await ctx.signup(name);
    const ok = (res: { status: number; text: string; body: any }) => {
      expect(res.status, res.text).toBeLessThan(300);
      return res.body;
    };
    const dana = ok(await org.api.post('/api/v1/contacts', { name: 'Dana Reyes', phone: '07700 900123', email: 'dana@example.test', address: '12 Elm Road', notes: 'Gate code 4411\nDog in the yard' }));
    const formula = ok(await org.api.post('/api/v1/contacts', { name: '=HYPERLINK("http://evil.example","x")', phone: '+44 113 496 0000', notes: '@SUM(A1:A2)' }));
    const mirrored = ok(await org.api.put('/api/v1/contacts/external/hubspot/4711', { name: 'Sam Okafor', externalRefs: [{ source: 'hubspot', id: '4711', url: 'https://app.hubspot.com/contacts/1/contact/4711' }, { source: 'jobber', id: 'c; 9' }] }));
    const gone = ok(await org.api.post('/api/v1/contacts', { name: 'Moved away' }));
    ok(await org.api.delete(`/api/v1/contacts/${gone.id}`));
    const client = ok(await org.api.post('/api/v1/clients', { name: 'Reyes household', contactIds: [dana.id, mirrored.id], address: '12 Elm Road', notes: '-2+3' }));
    ok(await org.api.put('/api/v1/clients/external/sheet/=1+2', { name: 'Corner Bakery' }));
    const lead = ok(await org.api.post('/api/v1/leads', { title: 'Boiler quote', contactId: dana.id, value: 1250.5, source: 'website' }));
    const pipeline = ok(await org.api.post('/api/v1/pipelines', { name: 'Commercial', stages: [{ key: 'new', name: 'New' }, { key: 'quoted', name: 'Quoted' }] }));
    ok(await org.api.post('/api/v1/leads', { title: 'Office fit-out', pipelineId: pipeline.id, stage: 'quoted', externalRefs: [{ source: 'hubspot', id: 'd-77' }] }));
    return { org, ids: { dana: dana.id, formula: formula.id, mirrored: mirrored.id, gone: gone.id, client: client.id, lead: lead.id } };
  }

  it('writes the import\'s columns, and importing the export into the same organisation changes nothing, twice', async () => {
    const { org, ids } = await stocked('Round Trip Plumbing');
    const exported: Record<string, string> = {};
    for (const kind of KINDS) {
      const res = await org.api.get(`/api/v1/${kind}?format=csv`);
      expect(res.status, res.text).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/csv');
      expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${kind}.csv"`);
      exported[kind] = res.text;
    }
    expect(exported.contacts!.split('\n')[0]).toBe('name,phone,email,address,notes,owner,external_refs,id');
    expect(exported.clients!.split('\n')[0]).toBe('name,contacts,address,notes,owner,external_refs,id');
    expect(exported.leads!.split('\n')[0]).toBe('title,contact,pipeline,stage,value,source,owner,external_refs,id');

    const contacts = rowsOf(exported.contacts!);
    expect(contacts.map((r) => r.id).sort()).toEqual([ids.dana, ids.formula, ids.mirrored].sort());
    expect(contacts.find((r) => r.id === ids.dana)).toEqual({ name: 'Dana Reyes', phone: '07700 900123', email: 'dana@example.test', address: '12 Elm Road', notes: 'Gate code 4411\nDog in the yard', owner: org.user.email, external_refs: '', id: ids.dana });
    expect(contacts.find((r) => r.id === ids.mirrored)!.external_refs).toBe('hubspot:4711; jobber:c; 9');
    // Formula-looking text goes out with an apostrophe in front.
    expect(contacts.find((r) => r.id === ids.formula)).toMatchObject({ name: '\'=HYPERLINK("http://evil.example","x")', phone: "'+44 113 496 0000", notes: "'@SUM(A1:A2)" });
    const clients = rowsOf(exported.clients!);
    expect(clients.find((r) => r.id === ids.client)).toMatchObject({ contacts: `${ids.dana}; ${ids.mirrored}`, notes: "'-2+3" });
    expect(clients.find((r) => r.name === 'Corner Bakery')!.external_refs).toBe('sheet:=1+2');
    const leads = rowsOf(exported.leads!);
    expect(leads.find((r) => r.id === ids.lead)).toMatchObject({ contact: ids.dana, pipeline: 'Sales', stage: 'new', value: '1250.5', source: 'website' });
    expect(leads.find((r) => r.title === 'Office fit-out')).toMatchObject({ pipeline: 'Commercial', stage: 'quoted', external_refs: 'hubspot:d-77' });
    // No cell of any file starts a formula.
    for (const csv of Object.values(exported)) {
      for (const row of parse(csv) as string[][]) for (const cell of row) expect(cell, cell).not.toMatch(/^[=+@\t\r]|^-\D/);
    }

    const before = Object.fromEntries(await Promise.all(KINDS.map(async (kind) => [kind, await everything(org.api, kind)])));
    for (const round of [1, 2]) {
      ctx.clock.advance(60_000);
      for (const kind of KINDS) {
        const res = await csvPost(org.api, kind, exported[kind]!);
        expect(res.status, `round ${round} ${kind}: ${res.text}`).toBe(201);
        expect(res.body, `round ${round} ${kind}`).toEqual({ dryRun: false, created: 0, updated: 0, unchanged: rowsOf(exported[kind]!).length, ids: [] });
      }
      for (const kind of KINDS) expect(await everything(org.api, kind), `round ${round} ${kind}`).toEqual(before[kind]);
    }
    // Each download is in the audit log, with its query.
    const exports = (await org.api.get('/api/v1/audit?limit=200')).body.items.filter((e: any) => e.action === 'data.exported');
    expect(exports.map((e: any) => e.subject.id).sort()).toEqual(KINDS.map((k) => `/api/v1/${k}`).sort());
    expect(exports[0].data.query).toMatchObject({ format: 'csv' });
    // The references' links back survive: the import's source:id matches the record's own reference and keeps its url.
    expect(before.contacts.find((c: any) => c.id === ids.mirrored).externalRefs[0].url).toBe('https://app.hubspot.com/contacts/1/contact/4711');
  });

  it('streams every matching row, not a page, with the list\'s filters, and never another organisation\'s records', async () => {
    const a = await stocked('Alpha Heating');
    const b = await stocked('Beta Heating');
    const many = ['name,phone', ...Array.from({ length: 230 }, (_, i) => `Customer ${String(i).padStart(3, '0')},0113 496 ${String(i).padStart(4, '0')}`)].join('\n');
    expect((await csvPost(a.org.api, 'contacts', many)).status).toBe(201);

    const all = rowsOf((await a.org.api.get('/api/v1/contacts?format=csv&limit=1')).text);
    expect(all).toHaveLength(233);
    expect(new Set(all.map((r) => r.id)).size).toBe(233);
    const bIds = new Set((await everything(b.org.api, 'contacts')).map((c) => c.id));
    for (const kind of KINDS) {
      const theirs = new Set((await everything(b.org.api, kind)).map((r) => r.id));
      const text = (await a.org.api.get(`/api/v1/${kind}?format=csv&archived=all`)).text;
      for (const row of rowsOf(text)) expect(theirs.has(row.id), `${kind} ${row.id}`).toBe(false);
      for (const id of bIds) expect(text).not.toContain(id);
    }

    expect(rowsOf((await a.org.api.get('/api/v1/contacts?format=csv&q=Customer%2001')).text).map((r) => r.name)).toEqual(Array.from({ length: 10 }, (_, i) => `Customer 01${i}`));
    expect(rowsOf((await a.org.api.get('/api/v1/contacts?format=csv&externalRef=hubspot:4711')).text).map((r) => r.id)).toEqual([a.ids.mirrored]);
    expect(rowsOf((await a.org.api.get('/api/v1/contacts?format=csv&archived=true')).text).map((r) => r.id)).toEqual([a.ids.gone]);
    expect(rowsOf((await a.org.api.get(`/api/v1/clients?format=csv&contact=${a.ids.dana}`)).text).map((r) => r.id)).toEqual([a.ids.client]);
    expect(rowsOf((await a.org.api.get('/api/v1/leads?format=csv&source=website')).text).map((r) => r.id)).toEqual([a.ids.lead]);
    // An empty result is still a header row.
    expect((await a.org.api.get('/api/v1/leads?format=csv&q=nothing%20like%20this')).text.trim()).toBe('title,contact,pipeline,stage,value,source,owner,external_refs,id');
    // Another organisation's export never names A's records, even filtered by A's reference.
    expect(rowsOf((await b.org.api.get('/api/v1/contacts?format=csv&limit=200')).text)).toHaveLength(3);
  });

  it('refuses an id the organisation has no record of (another organisation\'s too), naming the row and the id column, and writes nothing', async () => {
    const a = await stocked('Gamma Electrical');
    const b = await stocked('Delta Electrical');
    const before = await everything(a.org.api, 'contacts');
    const csv = `name,id\nDana Reyes,${a.ids.dana}\nSomeone,${b.ids.dana}\nNobody,01NOSUCHID\n`;
    const res = await csvPost(a.org.api, 'contacts', csv);
    expect(res.status, res.text).toBe(422);
    expect(res.body.rows.map((r: any) => [r.row, r.column])).toEqual([[3, 'id'], [4, 'id']]);
    expect(res.body.rows[0].reason).toContain('no contact with this id');
    expect(await everything(a.org.api, 'contacts')).toEqual(before);
    expect((await everything(b.org.api, 'contacts')).find((c) => c.id === b.ids.dana).name).toBe('Dana Reyes');

    // A row with an id changes only the cells it fills, and says so.
    const changed = await csvPost(a.org.api, 'contacts', `name,phone,id\nDana Reyes,0113 000 0000,${a.ids.dana}\n`);
    expect(changed.body).toMatchObject({ created: 0, updated: 1, unchanged: 0 });
    const dana = (await everything(a.org.api, 'contacts')).find((c) => c.id === a.ids.dana);
    expect(dana).toMatchObject({ phone: '0113 000 0000', email: 'dana@example.test', version: before.find((c) => c.id === a.ids.dana).version + 1 });
  });

  it('keeps a record whose owner was deactivated since unchanged, but gives no new work to a deactivated person', async () => {
    const org = await ctx.signup('Left Behind Heating');
    const leaver = await ctx.addUser(org, 'member', 'Lee Leaver');
    const owned = await org.api.post('/api/v1/contacts', { name: 'Ivy Marsh', ownerId: leaver.id });
    expect(owned.status, owned.text).toBe(201);
    expect((await org.api.patch(`/api/v1/users/${leaver.id}`, { active: false })).status).toBe(200);
    const exported = (await org.api.get('/api/v1/contacts?format=csv')).text;
    expect(rowsOf(exported)[0]).toMatchObject({ name: 'Ivy Marsh', owner: leaver.user.email });
    const again = await csvPost(org.api, 'contacts', exported);
    expect(again.status, again.text).toBe(201);
    expect(again.body).toMatchObject({ created: 0, updated: 0, unchanged: 1 });
    // Tasks are work to do: a deactivated person is not someone to give them to.
    const task = await csvPost(org.api, 'tasks', `title,assignee\nCall Ivy back,${leaver.user.email}\n`);
    expect(task.status, task.text).toBe(422);
    expect(task.body.rows[0]).toMatchObject({ row: 2, column: 'assignee' });
  });

  it('answers CSV only where an import exists, and documents its columns', async () => {
    const org = await ctx.signup();
    const jobs = await org.api.get('/api/v1/jobs?format=csv');
    expect(jobs.status).toBe(400);
    expect(jobs.headers.get('content-type')).toContain('application/problem+json');
    expect((await org.api.get('/api/v1/contacts?format=xml')).status).toBe(400);
    // A cursor another list handed out is refused before the file starts, naming it.
    await org.api.post('/api/v1/leads', { title: 'One' });
    await org.api.post('/api/v1/leads', { title: 'Two' });
    const cursor = (await org.api.get('/api/v1/leads?limit=1&sort=title')).body.nextCursor;
    const stale = await org.api.get(`/api/v1/leads?format=csv&cursor=${encodeURIComponent(cursor)}`);
    expect(stale.status, stale.text).toBe(400);
    expect(stale.body.errors[0].path).toBe('cursor');
    expect((await org.api.get('/api/v1/contacts?format=csv&cursor=garbage')).status).toBe(400);
    const doc = (await ctx.anonymous.get('/api/v1/openapi.json')).body;
    for (const kind of KINDS) {
      const list = doc.paths[`/api/v1/${kind}`].get;
      expect(list.description).toContain('external_refs, id');
      expect(list.parameters.find((p: any) => p.name === 'format').schema.enum).toEqual(['json', 'csv']);
    }
  });
});
