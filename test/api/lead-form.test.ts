// The public lead form: a business's slug, a visitor's request becoming a contact and a website lead
// (which fires lead.created), the field messages, the hidden robots' field, and the limit per address.
import { describe, expect, it } from 'vitest';
import { slugOf } from '../../src/people/person.ts';
import { forEachDatabase, type Org } from '../support/harness.ts';

const LIMIT = { max: 3, windowMs: 10 * 60_000 };
let addresses = 0;
/** A client address of its own for each test (the server trusts the loopback proxy's X-Forwarded-For). */
const fresh = () => ({ 'x-forwarded-for': `203.0.113.${++addresses}` });

const REQUEST = { name: 'Dana Price', phone: '+44 7700 900123', email: 'Dana@Example.test', address: '4 Mill Lane, York', need: 'Boiler makes a banging noise\nIt started last week.' };

describe('slugOf', () => {
  it('makes a name lower-case ASCII words joined by hyphens, never shorter than two characters', () => {
    expect(slugOf('Acme Plumbing & Heating Ltd.')).toBe('acme-plumbing-heating-ltd');
    expect(slugOf('Café Électrique')).toBe('cafe-electrique');
    expect(slugOf('  ---  ')).toBe('business');
    expect(slugOf('Z')).toBe('business-z');
    expect(slugOf('x'.repeat(60))).toHaveLength(40);
  });
});

forEachDatabase('the public lead form', (ctx) => {
  const slugOfOrg = async (org: Org) => (await org.api.get('/api/v1/org')).body.slug as string;

  it('gives each business a slug from its name, unique, which an admin may change to a free one', async () => {
    const first = await ctx.signup('Northern Heat');
    const second = await ctx.signup('Northern Heat');
    const a = await slugOfOrg(first);
    const b = await slugOfOrg(second);
    expect(a).toMatch(/^northern-heat(-\d+)?$/);
    expect(b).toMatch(/^northern-heat-\d+$/);
    expect(a).not.toBe(b);

    const taken = await second.api.patch('/api/v1/org', { slug: a });
    expect(taken.status).toBe(409);
    expect(taken.body.errors).toEqual([{ path: 'slug', message: 'is already taken by another business' }]);
    const bad = await second.api.patch('/api/v1/org', { slug: 'Not A Slug' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe('slug');
    const member = await ctx.addUser(second, 'member');
    expect((await member.api.patch('/api/v1/org', { slug: `nh-${ctx.dialect}-member` })).status).toBe(403);

    const renamed = await second.api.patch('/api/v1/org', { slug: `nh-${ctx.dialect}-two` });
    expect(renamed.status, renamed.text).toBe(200);
    expect((await ctx.anonymous.get(`/api/v1/lead-forms/nh-${ctx.dialect}-two`)).body).toEqual({ name: 'Northern Heat', slug: `nh-${ctx.dialect}-two` });
    expect((await ctx.anonymous.get(`/api/v1/lead-forms/${b}`)).status).toBe(404);
  });

  it('gives businesses of one name signing up at the same moment a slug each', async () => {
    const signups = await Promise.all(Array.from({ length: 6 }, () => ctx.signup('Same Name Heating')));
    const slugs = await Promise.all(signups.map(slugOfOrg));
    expect(new Set(slugs).size).toBe(6);
    for (const slug of slugs) expect(slug).toMatch(/^same-name-heating(-[0-9a-f]+)?$/);
  });

  it('takes a request without signing in: one contact and one website lead, the owner’s, and lead.created runs the rules', async () => {
    const org = await ctx.signup('Price Plumbing');
    const other = await ctx.signup('Someone Else');
    const rule = await org.api.post('/api/v1/rules', { name: 'Call website leads back', trigger: { event: 'lead.created', where: [{ field: 'record.source', op: 'eq', value: 'website' }] }, actions: [{ type: 'create_task', title: 'Call {{record.title}} back' }] });
    expect(rule.status, rule.text).toBe(201);
    const slug = await slugOfOrg(org);

    const form = await ctx.anonymous.get(`/api/v1/lead-forms/${slug}`);
    expect(form.status).toBe(200);
    expect(form.body).toEqual({ name: 'Price Plumbing', slug });
    const sent = await ctx.anonymous.post(`/api/v1/lead-forms/${slug}`, REQUEST, fresh());
    expect(sent.status, sent.text).toBe(201);
    expect(sent.body).toEqual({ received: true });

    const leads = (await org.api.get('/api/v1/leads')).body.items;
    expect(leads).toHaveLength(1);
    expect(leads[0]).toMatchObject({ title: 'Dana Price — Boiler makes a banging noise', source: 'website', stage: 'new', ownerId: org.user.id, value: null });
    const contact = (await org.api.get(`/api/v1/contacts/${leads[0].contactId}`)).body;
    expect(contact).toMatchObject({ name: 'Dana Price', phone: '+44 7700 900123', email: 'dana@example.test', address: '4 Mill Lane, York', ownerId: org.user.id });
    expect(contact.notes).toContain('It started last week.');
    expect((await other.api.get('/api/v1/leads')).body.items).toEqual([]);
    expect((await other.api.get('/api/v1/contacts')).body.items).toEqual([]);

    await ctx.server.automation.drain();
    const tasks = (await org.api.get('/api/v1/tasks?status=all')).body.items;
    expect(tasks.map((t: any) => t.title)).toEqual(['Call Dana Price — Boiler makes a banging noise back']);
    expect(tasks[0].links).toEqual([expect.objectContaining({ type: 'lead', id: leads[0].id })]);
  });

  it('names the field a request gets wrong, and needs a phone number or an email address', async () => {
    const org = await ctx.signup('Field Co');
    const slug = await slugOfOrg(org);
    const post = (body: unknown) => ctx.anonymous.post(`/api/v1/lead-forms/${slug}`, body, fresh());
    const noName = await post({ ...REQUEST, name: '  ' });
    expect(noName.status).toBe(400);
    expect(noName.headers.get('content-type')).toContain('application/problem+json');
    expect(noName.body.errors).toEqual([{ path: 'name', message: 'Please tell us your name' }]);
    const noWay = await post({ name: 'Dana', need: 'A new tap' });
    expect(noWay.status).toBe(400);
    expect(noWay.body.errors).toEqual([{ path: 'phone', message: 'Please give a phone number or an email address so we can reply' }]);
    const badEmail = await post({ name: 'Dana', email: 'not an address', need: 'A new tap' });
    expect(badEmail.status).toBe(400);
    expect(badEmail.body.errors[0].path).toBe('email');
    const noNeed = await post({ name: 'Dana', phone: '0113 496 0000', need: '' });
    expect(noNeed.body.errors).toEqual([{ path: 'need', message: 'Please tell us what you need' }]);
    expect((await post({ ...REQUEST, extra: 1 })).status).toBe(400);
    expect((await ctx.anonymous.post('/api/v1/lead-forms/no-such-business', REQUEST, fresh())).status).toBe(404);
    // An email alone is enough, and empty optional fields are left empty.
    expect((await post({ name: 'Eve', email: 'eve@example.test', phone: '', address: '', need: 'Quote for a shower' })).status).toBe(201);
    const lead = (await org.api.get('/api/v1/leads')).body.items[0];
    expect((await org.api.get(`/api/v1/contacts/${lead.contactId}`)).body).toMatchObject({ phone: null, address: null, email: 'eve@example.test' });
  });

  it('answers a filled-in hidden field as received and keeps nothing', async () => {
    const org = await ctx.signup('Honey Co');
    const slug = await slugOfOrg(org);
    const sent = await ctx.anonymous.post(`/api/v1/lead-forms/${slug}`, { ...REQUEST, website: 'http://spam.example' }, fresh());
    expect(sent.status).toBe(201);
    expect(sent.body).toEqual({ received: true });
    expect((await org.api.get('/api/v1/leads')).body.items).toEqual([]);
    expect((await org.api.get('/api/v1/contacts')).body.items).toEqual([]);
  });

  it('limits requests per client address: beyond the limit 429 with Retry-After, other addresses unaffected, and again after the window', async () => {
    const org = await ctx.signup('Busy Co');
    const slug = await slugOfOrg(org);
    const from = fresh();
    for (let i = 0; i < LIMIT.max; i++) expect((await ctx.anonymous.post(`/api/v1/lead-forms/${slug}`, { ...REQUEST, name: `Visitor ${i}` }, from)).status).toBe(201);
    const refused = await ctx.anonymous.post(`/api/v1/lead-forms/${slug}`, REQUEST, from);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    // Robots' requests count too.
    expect((await ctx.anonymous.post(`/api/v1/lead-forms/${slug}`, { ...REQUEST, website: 'x' }, from)).status).toBe(429);
    expect((await ctx.anonymous.post(`/api/v1/lead-forms/${slug}`, REQUEST, fresh())).status).toBe(201);
    expect((await org.api.get('/api/v1/leads')).body.items).toHaveLength(LIMIT.max + 1);
    ctx.clock.advance(LIMIT.windowMs + 1);
    expect((await ctx.anonymous.post(`/api/v1/lead-forms/${slug}`, REQUEST, from)).status).toBe(201);
  });
}, { leadFormLimit: LIMIT });
