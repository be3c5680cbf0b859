// Files on tasks over HTTP, on both databases: type from the bytes, photos
// upright and without EXIF (GPS gone), thumbnails, Range, inert serving,
// limits and quota, isolation, events, and the photo a checklist item needs.
import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { eventsForSubject } from '../../src/platform/outbox.ts';
import { forEachDatabase, type Org } from '../support/harness.ts';
import { hasGpsTag, photoWithGps, png, upload, uploadWholeBody } from '../support/files.ts';

const bytesOf = async (res: Response) => Buffer.from(await res.arrayBuffer());

forEachDatabase('attachments', (ctx) => {
  let org: Org;
  let rival: Org;
  const get = (path: string, token: string, headers: Record<string, string> = {}) => fetch(`${ctx.baseUrl}${path}`, { headers: { authorization: `Bearer ${token}`, ...headers } });
  const blobCount = async () => Number((await ctx.server.deps.db.selectFrom('file_blobs').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

  beforeAll(async () => {
    org = await ctx.signup('Photo Plumbing');
    rival = await ctx.signup('Rival Heating');
  });

  it('turns a photo upright, strips its EXIF (GPS included), and makes a display copy and a thumbnail', async () => {
    const photo = await photoWithGps(3000, 1000);
    expect(hasGpsTag((await sharp(photo).metadata()).exif)).toBe(true);
    const task = await ctx.createTask(org.api, { title: 'Photo of the boiler plate' });
    const res = await upload(ctx.baseUrl, org.token, `/api/v1/tasks/${task.key}/attachments`, { bytes: photo, name: 'plate.jpg', type: 'image/jpeg' });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ taskId: task.id, name: 'plate.jpg', contentType: 'image/jpeg', width: 1000, height: 3000, createdById: org.user.id });
    expect(res.body.thumbnailUrl).toBeTruthy();

    const full = await get(res.body.url, org.token);
    expect(full.status).toBe(200);
    expect(full.headers.get('content-type')).toBe('image/jpeg');
    expect(full.headers.get('content-disposition')).toMatch(/^inline; filename="plate.jpg"/);
    const stored = await sharp(await bytesOf(full)).metadata();
    expect(stored.exif).toBeUndefined();
    expect(hasGpsTag(stored.exif)).toBe(false);
    expect([stored.width, stored.height, stored.orientation ?? 1]).toEqual([1000, 3000, 1]);

    const display = await sharp(await bytesOf(await get(res.body.displayUrl, org.token))).metadata();
    expect(Math.max(display.width!, display.height!)).toBe(2048);
    expect(display.exif).toBeUndefined();

    const thumb = await get(res.body.thumbnailUrl, org.token);
    expect(thumb.status).toBe(200);
    const small = await sharp(await bytesOf(thumb)).metadata();
    expect(Math.max(small.width!, small.height!)).toBeLessThanOrEqual(320);
    expect(small.height).toBeGreaterThan(small.width!);
    expect(small.exif).toBeUndefined();
  });

  it('photos no larger than the display size, several at once: each upright without EXIF, its display copy the full one, its thumbnail upright, each stored under the SHA-256 of its bytes', async () => {
    const task = await ctx.createTask(org.api);
    const sizes = [[1200, 800], [1900, 1400], [820, 600], [1610, 1200], [640, 470], [1000, 700]] as const; // none 4:3, whose thumbnail other tests make
    const answers = await Promise.all(
      sizes.map(async ([width, height]) => upload(ctx.baseUrl, org.token, `/api/v1/tasks/${task.id}/attachments`, { bytes: await photoWithGps(width, height), name: `side-${width}.jpg`, type: 'image/jpeg' })),
    );
    for (const [i, res] of answers.entries()) {
      const [width, height] = sizes[i]!;
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect(res.body).toMatchObject({ contentType: 'image/jpeg', width: height, height: width });
      const full = await bytesOf(await get(res.body.url, org.token));
      expect(createHash('sha256').update(full).digest('hex')).toBe(res.body.sha256);
      expect(full.length).toBe(res.body.size);
      const stored = await sharp(full).metadata();
      expect([stored.width, stored.height, stored.orientation ?? 1, stored.exif]).toEqual([height, width, 1, undefined]);
      expect((await bytesOf(await get(res.body.displayUrl, org.token))).equals(full)).toBe(true);
      const thumb = await get(res.body.thumbnailUrl, org.token);
      const thumbBytes = await bytesOf(thumb);
      expect(thumb.headers.get('etag')).toBe(`"${createHash('sha256').update(thumbBytes).digest('hex')}"`);
      const small = await sharp(thumbBytes).metadata();
      expect([small.width, small.height, small.exif]).toEqual([Math.round((320 * height) / width), 320, undefined]);
    }
  });

  it('HEIF: an AVIF photo becomes a JPEG with a thumbnail; an iPhone HEIC (HEVC), which the bundled libvips cannot decode, is kept and served as a download', async () => {
    // The prebuilt libvips reads and writes HEIF with AV1 only: no HEVC codec (patents), so it cannot even make a HEIC.
    await expect(sharp({ create: { width: 8, height: 8, channels: 3, background: '#c80' } }).heif({ compression: 'hevc' }).toBuffer()).rejects.toThrow(/Unsupported compression/);
    const avif = await sharp({ create: { width: 640, height: 480, channels: 3, background: { r: 200, g: 120, b: 40 } } }).heif({ compression: 'av1' }).toBuffer();
    const task = await ctx.createTask(org.api);
    const converted = await upload(ctx.baseUrl, org.token, `/api/v1/tasks/${task.id}/attachments`, { bytes: avif, name: 'IMG_0001.avif', type: 'image/avif' });
    expect(converted.status, JSON.stringify(converted.body)).toBe(201);
    expect(converted.body).toMatchObject({ contentType: 'image/jpeg', width: 640, height: 480 });
    expect((await sharp(await bytesOf(await get(converted.body.thumbnailUrl, org.token))).metadata()).format).toBe('jpeg');

    // The same container made to say HEIC with an HEVC image (brand heic, item hvc1): what an iPhone sends, as far as this libvips can tell.
    const swap = (bytes: Buffer, from: string, to: string) => Buffer.from(bytes.toString('latin1').split(from).join(to), 'latin1');
    const heic = [['avif', 'heic'], ['avis', 'hevc'], ['av01', 'hvc1'], ['av1C', 'hvcC']].reduce((b, [from, to]) => swap(b, from!, to!), avif);
    await expect(sharp(heic).jpeg().toBuffer()).rejects.toThrow();
    const kept = await upload(ctx.baseUrl, org.token, `/api/v1/tasks/${task.id}/attachments`, { bytes: heic, name: 'IMG_0002.HEIC', type: 'image/heic' });
    expect(kept.status, JSON.stringify(kept.body)).toBe(201);
    expect(kept.body).toMatchObject({ contentType: 'image/heic', name: 'IMG_0002.HEIC', size: heic.length });
    expect(kept.body.thumbnailUrl).toBeUndefined();
    const served = await get(kept.body.url, org.token);
    expect(served.headers.get('content-type')).toBe('image/heic');
    expect(served.headers.get('content-disposition')).toMatch(/^attachment;/);
    expect((await bytesOf(served)).equals(heic)).toBe(true);
  });

  it('takes the type from the bytes, not from the name or the claimed type', async () => {
    const task = await ctx.createTask(org.api);
    const res = await upload(ctx.baseUrl, org.token, `/api/v1/tasks/${task.id}/attachments`, { bytes: await png(), name: 'invoice.pdf', type: 'application/pdf' });
    expect(res.status).toBe(201);
    expect(res.body.contentType).toBe('image/png');
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n');
    const doc = await upload(ctx.baseUrl, org.token, `/api/v1/tasks/${task.id}/attachments`, { bytes: pdf, name: 'quote.jpg', type: 'image/jpeg' });
    expect(doc.status).toBe(201);
    expect(doc.body).toMatchObject({ contentType: 'application/pdf', name: 'quote.jpg' });
    expect(doc.body.thumbnailUrl).toBeUndefined();
    const served = await get(doc.body.url, org.token);
    expect(served.headers.get('content-disposition')).toMatch(/^attachment;/);
    expect((await get(`${doc.body.url}/thumbnail`, org.token)).status).toBe(404);
  });

  it('serves an uploaded HTML or SVG file inert: a download, never sniffed, sandboxed', async () => {
    const task = await ctx.createTask(org.api);
    const files = [
      { bytes: Buffer.from('<!doctype html><html><body><script>fetch("/api/v1/me")</script></body></html>'), name: 'page.html', type: 'text/html' },
      { bytes: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'), name: 'logo.svg', type: 'image/svg+xml' },
    ];
    for (const file of files) {
      const res = await upload(ctx.baseUrl, org.token, `/api/v1/tasks/${task.id}/attachments`, file);
      expect(res.status).toBe(201);
      expect(res.body.contentType).toBe('application/octet-stream');
      const served = await get(res.body.url, org.token);
      expect(served.headers.get('content-type')).toBe('application/octet-stream');
      expect(served.headers.get('x-content-type-options')).toBe('nosniff');
      expect(served.headers.get('content-disposition')).toMatch(/^attachment; filename="/);
      expect(served.headers.get('content-security-policy')).toMatch(/sandbox/);
      expect(served.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
      expect((await bytesOf(served)).equals(file.bytes)).toBe(true);
    }
  });

  it('answers Range with 206 and the bytes asked for, and If-None-Match with 304', async () => {
    const task = await ctx.createTask(org.api);
    const bytes = Buffer.from(Array.from({ length: 700_000 }, (_, i) => i % 251));
    const res = await upload(ctx.baseUrl, org.token, `/api/v1/tasks/${task.id}/attachments`, { bytes, name: 'log.bin' });
    expect(res.status).toBe(201);
    const whole = await get(res.body.url, org.token);
    const etag = whole.headers.get('etag')!;
    expect(etag).toBe(`"${res.body.sha256}"`);
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    expect((await bytesOf(whole)).equals(bytes)).toBe(true);
    for (const [range, start, end] of [['bytes=0-99', 0, 99], ['bytes=262100-262200', 262100, 262200], ['bytes=600000-', 600000, 699999], ['bytes=-10', 699990, 699999]] as const) {
      const part = await get(res.body.url, org.token, { range });
      expect(part.status, range).toBe(206);
      expect(part.headers.get('content-range')).toBe(`bytes ${start}-${end}/700000`);
      expect((await bytesOf(part)).equals(bytes.subarray(start, end + 1)), range).toBe(true);
    }
    expect((await get(res.body.url, org.token, { range: 'bytes=800000-' })).status).toBe(416);
    expect((await get(res.body.url, org.token, { range: 'bytes=0-9', 'if-range': '"other"' })).status).toBe(200);
    expect((await get(res.body.url, org.token, { 'if-none-match': etag })).status).toBe(304);
  });

  it('keeps the same bytes once, lists a task’s files, lets the uploader or a manager delete, and removes the bytes when nothing names them', async () => {
    const task = await ctx.createTask(org.api);
    const member = await ctx.addUser(org, 'member');
    const bytes = Buffer.from(`notes ${Date.now()}`);
    const first = await upload(ctx.baseUrl, org.token, `/api/v1/tasks/${task.id}/attachments`, { bytes, name: 'a.txt' });
    const before = await blobCount();
    const second = await upload(ctx.baseUrl, member.token, `/api/v1/tasks/${task.id}/attachments`, { bytes, name: 'b.txt' });
    expect(second.body.sha256).toBe(first.body.sha256);
    expect(await blobCount()).toBe(before);
    const list = await org.api.get(`/api/v1/tasks/${task.id}/attachments`);
    expect(list.body.items.map((a: any) => a.name)).toEqual(['a.txt', 'b.txt']);

    expect((await member.api.delete(`/api/v1/attachments/${first.body.id}`)).status).toBe(403);
    expect((await member.api.delete(`/api/v1/attachments/${second.body.id}`)).status).toBe(204);
    expect(await blobCount()).toBe(before);
    expect((await get(first.body.url, org.token)).status).toBe(200);
    expect((await org.api.delete(`/api/v1/attachments/${first.body.id}`)).status).toBe(204);
    expect(await blobCount()).toBe(before - 1);
    expect((await get(first.body.url, org.token)).status).toBe(404);

    const events = await eventsForSubject(ctx.server.deps.db, org.id, { type: 'task', id: task.id });
    expect(events.filter((e) => e.type.startsWith('attachment.')).map((e) => [e.type, e.data.attachmentId])).toEqual([
      ['attachment.added', first.body.id],
      ['attachment.added', second.body.id],
      ['attachment.deleted', second.body.id],
      ['attachment.deleted', first.body.id],
    ]);
  });

  it('deletes a task’s files with the task', async () => {
    const task = await ctx.createTask(org.api);
    const res = await upload(ctx.baseUrl, org.token, `/api/v1/tasks/${task.id}/attachments`, { bytes: await photoWithGps(400, 300), name: 'gone.jpg' });
    expect(res.status).toBe(201);
    const before = await blobCount();
    expect((await org.api.delete(`/api/v1/tasks/${task.id}`)).status).toBe(204);
    await ctx.server.files.sweep();
    expect(await blobCount()).toBe(before - 2);
    expect((await get(res.body.url, org.token)).status).toBe(404);
  });

  it('shows every photo of a job’s tasks, newest first', async () => {
    const job = await ctx.createRecord(org.api, 'jobs');
    const one = await ctx.createTask(org.api, { links: [{ type: 'job', id: job.id }] });
    const two = await ctx.createTask(org.api, { links: [{ type: 'job', id: job.id }] });
    const a = await upload(ctx.baseUrl, org.token, `/api/v1/tasks/${one.id}/attachments`, { bytes: await png(10, 10), name: 'first.png' });
    ctx.clock.advance(60_000);
    const b = await upload(ctx.baseUrl, org.token, `/api/v1/tasks/${two.id}/attachments`, { bytes: await png(11, 10), name: 'second.png' });
    const res = await org.api.get(`/api/v1/jobs/${job.id}/attachments`);
    expect(res.status).toBe(200);
    expect(res.body.items.map((x: any) => x.id)).toEqual([b.body.id, a.body.id]);
    const page = await org.api.get(`/api/v1/jobs/${job.id}/attachments?limit=1`);
    const next = await org.api.get(`/api/v1/jobs/${job.id}/attachments?limit=1&cursor=${page.body.nextCursor}`);
    expect(next.body.items.map((x: any) => x.id)).toEqual([a.body.id]);
  });

  it('shows the photos of a contact’s, client’s, lead’s and service’s tasks, newest first, and only theirs', async () => {
    for (const plural of ['contacts', 'clients', 'leads', 'services'] as const) {
      const record = await ctx.createRecord(org.api, plural);
      const type = plural.slice(0, -1);
      const one = await ctx.createTask(org.api, { links: [{ type, id: record.id }] });
      const two = await ctx.createTask(org.api, { links: [{ type, id: record.id }] });
      const unlinked = await ctx.createTask(org.api);
      const a = await upload(ctx.baseUrl, org.token, `/api/v1/tasks/${one.id}/attachments`, { bytes: await png(14, 10), name: 'before.png' });
      ctx.clock.advance(60_000);
      const b = await upload(ctx.baseUrl, org.token, `/api/v1/tasks/${two.id}/attachments`, { bytes: await png(15, 10), name: 'after.png' });
      await upload(ctx.baseUrl, org.token, `/api/v1/tasks/${unlinked.id}/attachments`, { bytes: await png(16, 10), name: 'elsewhere.png' });
      const res = await org.api.get(`/api/v1/${plural}/${record.id}/attachments`);
      expect(res.status, `${plural}: ${res.text}`).toBe(200);
      expect(res.body.items.map((x: any) => x.id), plural).toEqual([b.body.id, a.body.id]);
      expect((await rival.api.get(`/api/v1/${plural}/${record.id}/attachments`)).status, plural).toBe(404);
    }
  });

  it('refuses to tick a photo-required item until a photo names it (409 naming the item), and keeps the requirement when a client leaves it out', async () => {
    const task = await ctx.createTask(org.api, { checklist: [{ text: 'Photo of the finished install', photoRequired: true }, 'Tidy up'] });
    const [install, tidy] = task.checklist;
    expect(install).toMatchObject({ photoRequired: true, done: false });
    const tick = (items: unknown[]) => org.api.patch(`/api/v1/tasks/${task.id}`, { checklist: items });
    expect((await tick([{ ...tidy, done: true }, install])).status).toBe(200);
    const refused = await tick([{ id: install.id, text: install.text, done: true }, { ...tidy, done: true }]);
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toContain('Photo of the finished install');
    expect(refused.body.errors[0].path).toBe('checklist.0');
    // A photo of the task that does not name the item is not proof for it.
    await upload(ctx.baseUrl, org.token, `/api/v1/tasks/${task.id}/attachments`, { bytes: await png(20, 20), name: 'other.png' });
    expect((await tick([{ ...install, done: true }, { ...tidy, done: true }])).status).toBe(409);
    const proof = await upload(ctx.baseUrl, org.token, `/api/v1/tasks/${task.id}/attachments`, { bytes: await photoWithGps(800, 600), name: 'install.jpg' }, { checklistItemId: install.id });
    expect(proof.body.checklistItemId).toBe(install.id);
    const ticked = await tick([{ id: install.id, text: install.text, done: true }, { ...tidy, done: true }]);
    expect(ticked.status, ticked.text).toBe(200);
    expect(ticked.body.checklist[0]).toMatchObject({ done: true, photoRequired: true });
  });

  it('lets a comment carry files of its task, once', async () => {
    const task = await ctx.createTask(org.api);
    const other = await ctx.createTask(org.api);
    const file = await upload(ctx.baseUrl, org.token, `/api/v1/tasks/${task.id}/attachments`, { bytes: await png(12, 12), name: 'leak.png' });
    const elsewhere = await upload(ctx.baseUrl, org.token, `/api/v1/tasks/${other.id}/attachments`, { bytes: await png(13, 12), name: 'else.png' });
    const wrong = await org.api.post(`/api/v1/tasks/${task.id}/comments`, { body: 'See photo', attachmentIds: [elsewhere.body.id] });
    expect(wrong.status).toBe(400);
    expect(wrong.body.errors[0].path).toBe('attachmentIds');
    const comment = await org.api.post(`/api/v1/tasks/${task.id}/comments`, { body: 'Leak under the sink', attachmentIds: [file.body.id] });
    expect(comment.status, comment.text).toBe(201);
    expect(comment.body.attachmentIds).toEqual([file.body.id]);
    expect((await org.api.post(`/api/v1/tasks/${task.id}/comments`, { body: 'Again', attachmentIds: [file.body.id] })).status).toBe(400);
    const list = await org.api.get(`/api/v1/tasks/${task.id}/comments`);
    expect(list.body.items.map((c: any) => c.attachmentIds)).toEqual([[file.body.id]]);
    expect((await org.api.get(`/api/v1/tasks/${task.id}/attachments`)).body.items[0].commentId).toBe(comment.body.id);
  });

  it('answers another organisation’s ids with 404', async () => {
    const task = await ctx.createTask(org.api);
    const job = await ctx.createRecord(org.api, 'jobs');
    const res = await upload(ctx.baseUrl, org.token, `/api/v1/tasks/${task.id}/attachments`, { bytes: await png(), name: 'mine.png' });
    expect((await get(res.body.url, rival.token)).status).toBe(404);
    expect((await get(`${res.body.url}/thumbnail`, rival.token)).status).toBe(404);
    expect((await rival.api.get(`/api/v1/tasks/${task.id}/attachments`)).status).toBe(404);
    expect((await rival.api.get(`/api/v1/jobs/${job.id}/attachments`)).status).toBe(404);
    expect((await rival.api.delete(`/api/v1/attachments/${res.body.id}`)).status).toBe(404);
    expect((await upload(ctx.baseUrl, rival.token, `/api/v1/tasks/${task.id}/attachments`, { bytes: await png(), name: 'x.png' })).status).toBe(404);
  });

  it('refuses a request without a file, an unknown part, or an item not on the checklist, naming it', async () => {
    const task = await ctx.createTask(org.api);
    const none = await fetch(`${ctx.baseUrl}/api/v1/tasks/${task.id}/attachments`, { method: 'POST', headers: { authorization: `Bearer ${org.token}` }, body: new FormData() });
    expect(none.status).toBe(400);
    const extra = await upload(ctx.baseUrl, org.token, `/api/v1/tasks/${task.id}/attachments`, { bytes: await png(), name: 'x.png' }, { colour: 'red' });
    expect(extra.status).toBe(400);
    expect(extra.body.errors[0].path).toBe('colour');
    const item = await upload(ctx.baseUrl, org.token, `/api/v1/tasks/${task.id}/attachments`, { bytes: await png(), name: 'x.png' }, { checklistItemId: 'nope' });
    expect(item.status).toBe(400);
    expect(item.body.errors[0].path).toBe('checklistItemId');
    const json = await org.api.post(`/api/v1/tasks/${task.id}/attachments`, { file: 'x' });
    expect(json.status).toBe(415);
  });
});

describe('upload limits', () => {
  forEachDatabase('limits', (ctx) => {
    let org: Org;
    beforeAll(async () => {
      org = await ctx.signup('Small Storage Ltd');
    });

    it('answers a file over FINISHLINE_MAX_UPLOAD_MB with a 413 that a client writing its whole body reads', async () => {
      const task = await ctx.createTask(org.api);
      for (let i = 0; i < 3; i++) {
        const res = await uploadWholeBody(ctx.baseUrl, org.token, `/api/v1/tasks/${task.id}/attachments`, 3 * 1024 * 1024);
        expect(res.status).toBe(413);
        expect(res.body.errors[0].path).toBe('file');
        expect(res.body.detail).toMatch(/larger than 1 MB/);
      }
      expect((await org.api.get(`/api/v1/tasks/${task.id}/attachments`)).body.items).toEqual([]);
    });

    it('keeps to the organisation’s quota and shows the usage', async () => {
      const task = await ctx.createTask(org.api);
      const chunk = (seed: number) => Buffer.alloc(900 * 1024, seed);
      expect((await upload(ctx.baseUrl, org.token, `/api/v1/tasks/${task.id}/attachments`, { bytes: chunk(1), name: '1.bin' })).status).toBe(201);
      expect((await upload(ctx.baseUrl, org.token, `/api/v1/tasks/${task.id}/attachments`, { bytes: chunk(2), name: '2.bin' })).status).toBe(201);
      const full = await upload(ctx.baseUrl, org.token, `/api/v1/tasks/${task.id}/attachments`, { bytes: chunk(3), name: '3.bin' });
      expect(full.status).toBe(413);
      expect(full.body.detail).toMatch(/storage is full/);
      const usage = await org.api.get('/api/v1/org');
      expect(usage.body.storage).toEqual({ usedBytes: 2 * 900 * 1024, limitBytes: 2 * 1024 * 1024 });
      const other = await ctx.signup('Another Org');
      expect((await upload(ctx.baseUrl, other.token, `/api/v1/tasks/${(await ctx.createTask(other.api)).id}/attachments`, { bytes: chunk(3), name: '3.bin' })).status).toBe(201);
    });
  }, { maxUploadMb: 1, orgStorageMb: 2 });
});
