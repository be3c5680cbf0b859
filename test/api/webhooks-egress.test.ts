// Webhooks stay off private networks by default: a subscription naming a
// loopback, private, link-local or other non-public address is refused with a
// 400 naming `url`; a host name is resolved at delivery and refused when it
// points at such an address; redirects are never followed. With private
// targets allowed (an on-premises install) a local receiver gets its deliveries.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forEachDatabase, type Org } from '../support/harness.ts';

/** A receiver on 127.0.0.1 that counts what reaches it; /moved answers 302 to /landed. */
function receiver() {
  const paths: string[] = [];
  const server: Server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      paths.push(request.url ?? '/');
      if (request.url === '/moved') response.writeHead(302, { location: '/landed' }).end();
      else response.writeHead(200).end('ok');
    });
  });
  return {
    paths,
    async start() {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return (server.address() as AddressInfo).port;
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const PRIVATE_URLS = [
  'http://127.0.0.1/hook',
  'http://127.1.2.3:8080/hook',
  'http://10.0.0.1/hook',
  'http://192.168.1.20/hook',
  'http://172.16.5.4/hook',
  'http://169.254.169.254/latest/meta-data/',
  'http://[::1]/hook',
  'http://[::ffff:127.0.0.1]/hook',
  'http://[::ffff:a9fe:a9fe]/hook',
  'http://[fd00:ec2::254]/hook',
  'http://[fe80::1]/hook',
  'http://100.64.0.1/hook',
  'http://224.0.0.1/hook',
  'http://0.0.0.0/hook',
  'http://[::]/hook',
  'http://2130706433/hook',
  'http://0x7f.1/hook',
  'http://[::127.0.0.1]:3999/',
  'http://[::7f00:1]/hook',
  'http://[::a9fe:a9fe]/latest/meta-data/',
  'http://[64:ff9b::7f00:1]/hook',
  'http://[2002:7f00:1::1]/hook',
  'http://[2001::1]/hook',
  'http://[100::1]/hook',
  'http://192.0.0.8/hook',
  'http://198.18.0.1/hook',
  'http://240.0.0.1/hook',
];

forEachDatabase('webhooks kept off private networks (the default)', (ctx) => {
  const hooks = receiver();
  let port: number;
  let org: Org;

  beforeAll(async () => {
    port = await hooks.start();
    org = await ctx.signup('Guarded Plumbing');
  });
  afterAll(() => hooks.stop());

  // Public targets listen for an event these tests never cause, so nothing is sent out of the machine.
  const create = (url: string, events = ['task.created']) => org.api.post('/api/v1/webhooks', { url, events });
  const PUBLIC = ['lead.stage_changed'];

  it('refuses a subscription to a loopback, private, link-local, unique-local, CGNAT, multicast, unspecified, IPv4-compatible (::/96) or other special-purpose address, naming url', async () => {
    const accepted: string[] = [];
    for (const url of PRIVATE_URLS) {
      const res = await create(url);
      if (res.status !== 400 || JSON.stringify(res.body.errors?.map((e: any) => e.path)) !== '["url"]') accepted.push(`${url} → ${res.status} ${res.text}`);
    }
    expect(accepted).toEqual([]);
    const metadata = await create('http://169.254.169.254/latest/meta-data/');
    expect(metadata.headers.get('content-type')).toContain('application/problem+json');
    expect(metadata.body.errors[0].message).toMatch(/must not point at 169\.254\.169\.254, a link-local address.*FINISHLINE_WEBHOOK_ALLOW_PRIVATE=1/);
    const mapped = await create('http://[::ffff:127.0.0.1]/hook');
    expect(mapped.body.errors[0].message).toMatch(/::ffff:7f00:1 \(127\.0\.0\.1\), a loopback address/);
    expect((await org.api.get('/api/v1/webhooks')).body.items).toEqual([]);
  });

  it('refuses other schemes and credentials in the URL, naming url', async () => {
    for (const url of ['file:///etc/passwd', 'gopher://example.com/x', 'ftp://example.com/in', 'https://user:secret@example.com/hook', 'https://user@example.com/hook']) {
      const res = await create(url);
      expect(res.status, url).toBe(400);
      expect(res.body.errors.map((e: any) => e.path), url).toEqual(['url']);
    }
  });

  it('accepts a public address or host name, and refuses a change of URL to a private one', async () => {
    const created = await create('https://93.184.215.14/hooks/finishline', PUBLIC);
    expect(created.status, created.text).toBe(201);
    const named = await create('https://hooks.example.com/finishline', PUBLIC);
    expect(named.status, named.text).toBe(201);
    const moved = await org.api.patch(`/api/v1/webhooks/${created.body.id}`, { url: 'http://10.0.0.1/hook' });
    expect(moved.status).toBe(400);
    expect(moved.body.errors.map((e: any) => e.path)).toEqual(['url']);
    expect((await org.api.get(`/api/v1/webhooks/${created.body.id}`)).body.url).toBe('https://93.184.215.14/hooks/finishline');
  });

  it('resolves a host name at delivery and refuses it when it points at loopback (localhost): a failed attempt, logged, nothing sent', async () => {
    const created = await create(`http://localhost:${port}/by-name`);
    expect(created.status, created.text).toBe(201);
    const test = await org.api.post(`/api/v1/webhooks/${created.body.id}/test`);
    expect(test.status).toBe(200);
    expect(test.body).toMatchObject({ status: 'failed', attempts: 1, responseStatus: null, error: expect.stringMatching(/^Refused: localhost resolves to (127\.0\.0\.1|::1), a loopback address/) });

    await ctx.createTask(org.api, { title: 'Service the boiler' });
    await ctx.server.automation.drain();
    const log = (await org.api.get(`/api/v1/webhooks/${created.body.id}/deliveries`)).body.items;
    const event = log.find((d: any) => d.eventType === 'task.created');
    expect(event).toMatchObject({ status: 'pending', attempts: 1, responseStatus: null, error: expect.stringMatching(/^Refused: localhost resolves to/) });
    expect(hooks.paths).toEqual([]);
  });

  it('refuses at delivery a private address that was saved before it was refused', async () => {
    const created = await create('https://93.184.215.14/later-private', PUBLIC);
    expect(created.status, created.text).toBe(201);
    await ctx.server.deps.db.updateTable('webhooks').set({ url: `http://127.0.0.1:${port}/saved-earlier` }).where('id', '=', created.body.id).execute();
    const test = await org.api.post(`/api/v1/webhooks/${created.body.id}/test`);
    expect(test.body).toMatchObject({ status: 'failed', responseStatus: null, error: expect.stringMatching(/^Refused: 127\.0\.0\.1 is a loopback address/) });
    expect(hooks.paths).toEqual([]);
  });
});

forEachDatabase('webhooks to private networks, when allowed', (ctx) => {
  const hooks = receiver();
  let base: string;
  let org: Org;

  beforeAll(async () => {
    base = `http://127.0.0.1:${await hooks.start()}`;
    org = await ctx.signup('On-premises Plumbing');
  });
  afterAll(() => hooks.stop());

  describe('FINISHLINE_WEBHOOK_ALLOW_PRIVATE=1', () => {
    it('accepts a local receiver and delivers to it, by address and by name', async () => {
      for (const url of [`${base}/local`, base.replace('127.0.0.1', 'localhost') + '/by-name']) {
        const created = await org.api.post('/api/v1/webhooks', { url, events: ['task.created'] });
        expect(created.status, created.text).toBe(201);
        const test = await org.api.post(`/api/v1/webhooks/${created.body.id}/test`);
        expect(test.body, url).toMatchObject({ status: 'succeeded', responseStatus: 200 });
      }
      expect(hooks.paths).toEqual(['/local', '/by-name']);
    });

    it('never follows a redirect: the 3xx is the answer, a failed attempt', async () => {
      const created = await org.api.post('/api/v1/webhooks', { url: `${base}/moved`, events: ['task.created'] });
      const test = await org.api.post(`/api/v1/webhooks/${created.body.id}/test`);
      expect(test.body).toMatchObject({ status: 'failed', responseStatus: 302, error: 'The receiver answered 302' });
      expect(hooks.paths.filter((p) => p === '/moved' || p === '/landed')).toEqual(['/moved']);
    });
  });
}, { webhooks: { allowPrivate: true } });
