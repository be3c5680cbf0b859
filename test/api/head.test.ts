// HEAD where a client asks for it: a load balancer's health check, a phone checking a
// file before it resumes a download, a calendar app checking its feed. Each answers with
// the GET's status and headers and no body.
import { expect, it } from 'vitest';
import { png, upload } from '../support/files.ts';
import { forEachDatabase } from '../support/harness.ts';

forEachDatabase('HEAD requests', (ctx) => {
  const head = (path: string, token?: string) => fetch(`${ctx.baseUrl}${path}`, { method: 'HEAD', headers: token ? { authorization: `Bearer ${token}` } : {} });

  it('answers the health check', async () => {
    const res = await head('/healthz');
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
  });

  it('gives a file’s size, type and tag without its bytes, and hides another business’s file', async () => {
    const org = await ctx.signup('Head Plumbing');
    const task = await ctx.createTask(org.api, { title: 'Photo of the meter' });
    const bytes = await png(64, 48);
    const added = await upload(ctx.baseUrl, org.token, `/api/v1/tasks/${task.id}/attachments`, { bytes, name: 'meter.png', type: 'image/png' });
    expect(added.status, JSON.stringify(added.body)).toBe(201);
    const get = await fetch(`${ctx.baseUrl}/api/v1/attachments/${added.body.id}`, { headers: { authorization: `Bearer ${org.token}` } });
    const res = await head(`/api/v1/attachments/${added.body.id}`, org.token);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(get.headers.get('content-type'));
    expect(res.headers.get('content-length')).toBe(get.headers.get('content-length'));
    expect(res.headers.get('etag')).toBe(get.headers.get('etag'));
    expect(await res.text()).toBe('');
    expect((await head(`/api/v1/attachments/${added.body.id}/thumbnail`, org.token)).status).toBe(200);

    const rival = await ctx.signup('Head Rival');
    expect((await head(`/api/v1/attachments/${added.body.id}`, rival.token)).status).toBe(404);
  });

  it('answers a calendar app checking its feed', async () => {
    const org = await ctx.signup('Head Heating');
    const feed = await org.api.post('/api/v1/me/calendar-feed', {});
    const res = await head(new URL(feed.body.url).pathname);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/calendar/);
    expect(await res.text()).toBe('');
    expect((await head('/api/v1/calendar/unknownunknownunknownunknownunknownunknown123.ics')).status).toBe(404);
  });
});
