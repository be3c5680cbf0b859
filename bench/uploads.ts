// Uploads: 2 MB JPEGs at 8 connections into Finishline (type sniffing, EXIF
// stripping, display copy and thumbnail, storage, the row and its event)
// against a bare Fastify multipart route that writes the same bytes to disk,
// in the same run, taking turns; then the process's peak RSS while 8 × 25 MB
// files upload at once (streamed, so it stays far below 8 × 25 MB).
import { createWriteStream, mkdtempSync, openAsBlob, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import fastifyMultipart from '@fastify/multipart';
import Fastify from 'fastify';
import sharp from 'sharp';
import { buildServer } from '../src/server.ts';

const CONNECTIONS = 8;

async function jpeg2mb(): Promise<Buffer> {
  // Noise compresses badly: about 2 MB at this size.
  const width = 1400;
  const height = 1000;
  const raw = Buffer.alloc(width * height * 3);
  for (let i = 0; i < raw.length; i++) raw[i] = (i * 2654435761) >>> 24;
  return sharp(raw, { raw: { width, height, channels: 3 } }).jpeg({ quality: 92 }).withMetadata({ orientation: 6 }).toBuffer();
}

async function uploadsPerSecond(url: string, token: string | undefined, body: Blob, seconds: number): Promise<{ rps: number; errors: number }> {
  const until = Date.now() + seconds * 1000;
  let done = 0;
  let errors = 0;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (Date.now() < until) {
        const form = new FormData();
        form.append('file', body, 'photo.jpg');
        const res = await fetch(url, { method: 'POST', headers: token ? { authorization: `Bearer ${token}` } : {}, body: form });
        await res.arrayBuffer();
        if (res.status === 201 || res.status === 200) done++;
        else errors++;
      }
    }),
  );
  return { rps: Math.round((done / seconds) * 10) / 10, errors };
}

export async function benchUploads(figures: Record<string, number>, seconds = 5, rounds = 2): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'finishline-bench-uploads-'));
  const server = await buildServer({ databaseUrl: `sqlite:${join(dir, 'bench.db')}`, logLevel: 'silent', sessionTtlMs: 3600_000, automation: { loop: false } });
  const base = await server.app.listen({ port: 0, host: '127.0.0.1' });
  const bare = Fastify();
  await bare.register(fastifyMultipart, { limits: { fileSize: 30 * 1024 * 1024 } });
  let n = 0;
  bare.post('/upload', async (request) => {
    const file = await request.file();
    await pipeline(file!.file, createWriteStream(join(dir, `bare-${n++}`)));
    return { ok: true };
  });
  const bareBase = await bare.listen({ port: 0, host: '127.0.0.1' });
  try {
    const signup = await (await fetch(`${base}/api/v1/signup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ orgName: 'Bench Uploads', timezone: 'Europe/London', name: 'B', email: 'bench-uploads@example.test', password: 'a long enough password' }) })).json() as { token: string };
    const task = await (await fetch(`${base}/api/v1/tasks`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${signup.token}` }, body: JSON.stringify({ title: 'Bench photos' }) })).json() as { id: string };
    const photo = new Blob([new Uint8Array(await jpeg2mb())], { type: 'image/jpeg' });
    const app = { rps: 0, errors: 0 };
    const baseline = { rps: 0, errors: 0 };
    for (let round = 0; round < rounds; round++) {
      const a = await uploadsPerSecond(`${base}/api/v1/tasks/${task.id}/attachments`, signup.token, photo, seconds);
      const b = await uploadsPerSecond(`${bareBase}/upload`, undefined, photo, seconds);
      app.rps = Math.max(app.rps, a.rps);
      baseline.rps = Math.max(baseline.rps, b.rps);
      app.errors += a.errors;
      baseline.errors += b.errors;
    }
    // Peak RSS while 8 × 25 MB files upload at once (the bodies are read from disk, not held by the client).
    const big = join(dir, 'big.bin');
    writeFileSync(big, Buffer.alloc(25 * 1024 * 1024 - 4096, 9));
    const bigBlob = await openAsBlob(big);
    globalThis.gc?.();
    const rssBefore = process.memoryUsage().rss;
    let peak = rssBefore;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
    const statuses = await Promise.all(
      Array.from({ length: 8 }, async () => {
        const form = new FormData();
        form.append('file', bigBlob, 'big.bin');
        const res = await fetch(`${base}/api/v1/tasks/${task.id}/attachments`, { method: 'POST', headers: { authorization: `Bearer ${signup.token}` }, body: form });
        await res.arrayBuffer();
        return res.status;
      }),
    );
    clearInterval(sampler);
    const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
    figures.uploads_rps = app.rps;
    figures.uploads_bare_rps = baseline.rps;
    figures.uploads_ratio = Math.round((app.rps / baseline.rps) * 100) / 100;
    figures.uploads_errors = app.errors + baseline.errors + statuses.filter((s) => s !== 201).length;
    figures.uploads_peak_rss_mb = mb(peak);
    figures.uploads_rss_before_mb = mb(rssBefore);
    console.log(`uploads of a 2 MB JPEG at ${CONNECTIONS} connections: ${app.rps}/s against the bare multipart route's ${baseline.rps}/s (ratio ${figures.uploads_ratio}, goal ≥ 0.5 ${figures.uploads_ratio >= 0.5 ? 'ok' : 'MISSED'})`);
    console.log(`8 × 25 MB at once: peak RSS ${mb(peak)} MB (${mb(rssBefore)} MB before; server and client share this process; goal < 300 MB ${mb(peak) < 300 ? 'ok' : 'MISSED'})`);
  } finally {
    await bare.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
