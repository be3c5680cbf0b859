// Uploads: 2 MB JPEGs at 8 connections into a Finishline server process
// (type sniffing, EXIF stripping, thumbnail, storage, the row and its event)
// against a bare Fastify multipart route (a process of its own) that writes
// the same bytes to disk, in the same run, taking turns; a 2 MB file that is
// not an image takes its turn too, so the image work's cost shows, and so does
// the same photo already upright (its image kept, only its metadata cut out). Then the
// peak RSS of a fresh server process while 8 × 25 MB files upload at once
// (streamed, so it stays far below 8 × 25 MB).
import { mkdtempSync, openAsBlob, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { type Child, peakRssMb, ratio, startProcess } from './measure.ts';

const CONNECTIONS = 8;

/** A photo of about 2 MB, taken on its side (EXIF orientation 6, so it must be turned upright): noise compresses badly. */
async function photo2mb(orientation: 1 | 6): Promise<Buffer> {
  const width = 1920;
  const height = 1360;
  const raw = Buffer.alloc(width * height * 3);
  for (let i = 0; i < raw.length; i++) raw[i] = (i * 2654435761) >>> 24;
  const image = sharp(raw, { raw: { width, height, channels: 3 } }).jpeg({ quality: 92 });
  // EXIF with a position either way; the upright one without a colour profile (withMetadata adds sRGB's), as phones' and browsers' JPEGs often are.
  const gps = { IFD0: { Make: 'FieldPhone' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '53/1 47/1 5000/100' } };
  return (orientation === 1 ? image.withExif(gps) : image.withMetadata({ orientation }).withExifMerge(gps)).toBuffer();
}

/** CPU time a process has used so far, all its threads (user + system), in ms; Linux clock ticks are 10 ms. */
function cpuMs(child: Child): number {
  try {
    const fields = readFileSync(`/proc/${child.process.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
}

/** Uploads per second at CONNECTIONS, and the server's CPU per upload in ms (less swayed by other work on the machine than the rate). */
async function uploadsPerSecond(server: Child, url: string, token: string | undefined, body: Blob, name: string, seconds: number): Promise<{ rps: number; cpuMs: number; errors: number }> {
  const cpuBefore = cpuMs(server);
  const until = Date.now() + seconds * 1000;
  let done = 0;
  let errors = 0;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (Date.now() < until) {
        const form = new FormData();
        form.append('file', body, name);
        const res = await fetch(url, { method: 'POST', headers: token ? { authorization: `Bearer ${token}` } : {}, body: form });
        await res.arrayBuffer();
        if (res.status === 201 || res.status === 200) done++;
        else errors++;
      }
    }),
  );
  return { rps: done / seconds, cpuMs: done === 0 ? 0 : (cpuMs(server) - cpuBefore) / done, errors };
}

interface Server {
  child: Child;
  base: string;
  token: string;
  taskId: string;
}

async function startFinishline(dir: string, name: string, port: number): Promise<Server> {
  const base = `http://127.0.0.1:${port}`;
  const child = await startProcess(['bin/finishline.js', 'serve'], { PORT: String(port), HOST: '127.0.0.1', DATABASE_URL: `sqlite:${join(dir, `${name}.db`)}`, FINISHLINE_FILES_DIR: join(dir, `${name}-files`), LOG_LEVEL: 'warn' }, `${base}/healthz`);
  const signup = (await (await fetch(`${base}/api/v1/signup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ orgName: 'Bench Uploads', timezone: 'Europe/London', name: 'B', email: 'bench-uploads@example.test', password: 'a long enough password' }) })).json()) as { token: string };
  const task = (await (await fetch(`${base}/api/v1/tasks`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${signup.token}` }, body: JSON.stringify({ title: 'Bench photos' }) })).json()) as { id: string };
  return { child, base, token: signup.token, taskId: task.id };
}

export async function benchUploads(figures: Record<string, number>, freePort: () => Promise<number>, seconds = 5, rounds = 2): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'finishline-bench-uploads-'));
  const children: Child[] = [];
  try {
    const [appPort, barePort, rssPort] = [await freePort(), await freePort(), await freePort()];
    const app = await startFinishline(dir, 'photos', appPort);
    children.push(app.child);
    const bare = await startProcess(['--import', 'tsx', 'bench/bareUploads.ts'], { PORT: String(barePort), BENCH_DIR: dir }, `http://127.0.0.1:${barePort}/ready`);
    children.push(bare);
    const bytes = await photo2mb(6);
    // The same photo already upright (as the web app sends it): its image is kept, only its metadata cut out.
    const upright = new Blob([new Uint8Array(await photo2mb(1))], { type: 'image/jpeg' });
    const photo = new Blob([new Uint8Array(bytes)], { type: 'image/jpeg' });
    // The same bytes, but not an image: its first bytes no longer say JPEG, so nothing decodes it.
    const plainBytes = Buffer.from(bytes);
    plainBytes.fill(0, 0, 16);
    const plain = new Blob([new Uint8Array(plainBytes)], { type: 'application/octet-stream' });
    const url = `${app.base}/api/v1/tasks/${app.taskId}/attachments`;
    const totals = { photo: 0, upright: 0, plain: 0, bare: 0, photoCpu: 0, uprightCpu: 0, plainCpu: 0, bareCpu: 0, errors: 0 };
    // Taking turns, so a change in the machine's load falls on each alike.
    for (let round = 0; round < rounds; round++) {
      const a = await uploadsPerSecond(app.child, url, app.token, photo, 'photo.jpg', seconds);
      const u = await uploadsPerSecond(app.child, url, app.token, upright, 'upright.jpg', seconds);
      const p = await uploadsPerSecond(app.child, url, app.token, plain, 'photo.bin', seconds);
      const b = await uploadsPerSecond(bare, `http://127.0.0.1:${barePort}/upload`, undefined, photo, 'photo.jpg', seconds);
      totals.photo += a.rps / rounds;
      totals.upright += u.rps / rounds;
      totals.uprightCpu += u.cpuMs / rounds;
      totals.plain += p.rps / rounds;
      totals.bare += b.rps / rounds;
      totals.photoCpu += a.cpuMs / rounds;
      totals.plainCpu += p.cpuMs / rounds;
      totals.bareCpu += b.cpuMs / rounds;
      totals.errors += a.errors + u.errors + p.errors + b.errors;
    }
    const photoPeak = peakRssMb(app.child);
    for (const child of children.splice(0)) await child.stop();

    // A fresh server process: its peak RSS (VmHWM) while 8 × 25 MB files upload at once; the bodies are read from disk, not held by the client.
    const rss = await startFinishline(dir, 'big', rssPort);
    children.push(rss.child);
    const big = join(dir, 'big.bin');
    writeFileSync(big, Buffer.alloc(25 * 1024 * 1024 - 4096, 9));
    const bigBlob = await openAsBlob(big);
    const rssBefore = peakRssMb(rss.child);
    const statuses = await Promise.all(
      Array.from({ length: 8 }, async () => {
        const form = new FormData();
        form.append('file', bigBlob, 'big.bin');
        const res = await fetch(`${rss.base}/api/v1/tasks/${rss.taskId}/attachments`, { method: 'POST', headers: { authorization: `Bearer ${rss.token}` }, body: form });
        await res.arrayBuffer();
        return res.status;
      }),
    );
    const peak = peakRssMb(rss.child);
    const round1 = (n: number) => Math.round(n * 10) / 10;
    figures.uploads_photo_bytes = bytes.length;
    figures.uploads_rps = round1(totals.photo);
    figures.uploads_upright_rps = round1(totals.upright);
    figures.uploads_upright_ratio = ratio(totals.upright, totals.bare);
    figures.uploads_plain_rps = round1(totals.plain);
    figures.uploads_bare_rps = round1(totals.bare);
    figures.uploads_ratio = ratio(totals.photo, totals.bare);
    figures.uploads_plain_ratio = ratio(totals.plain, totals.bare);
    figures.uploads_image_share = totals.plain === 0 ? 0 : Math.round((1 - totals.photo / totals.plain) * 100) / 100;
    figures.uploads_photo_cpu_ms = Math.round(totals.photoCpu);
    figures.uploads_upright_cpu_ms = Math.round(totals.uprightCpu);
    figures.uploads_plain_cpu_ms = Math.round(totals.plainCpu);
    figures.uploads_bare_cpu_ms = Math.round(totals.bareCpu);
    figures.uploads_errors = totals.errors + statuses.filter((s) => s !== 201).length;
    figures.uploads_photo_peak_rss_mb = photoPeak;
    figures.upload_peak_rss_mb = peak;
    figures.uploads_rss_before_mb = rssBefore;
    const mb = (bytes.length / 1024 / 1024).toFixed(2);
    console.log(`uploads of a ${mb} MB JPEG at ${CONNECTIONS} connections: ${figures.uploads_rps}/s against the bare multipart route's ${figures.uploads_bare_rps}/s (ratio ${figures.uploads_ratio}, goal ≥ 0.5 ${figures.uploads_ratio >= 0.5 ? 'ok' : 'MISSED'})`);
    console.log(`the same photo already upright: ${figures.uploads_upright_rps}/s (ratio ${figures.uploads_upright_ratio})`);
    console.log(`the same bytes as a plain file (no image work): ${figures.uploads_plain_rps}/s (ratio ${figures.uploads_plain_ratio}); the image work takes ${Math.round(figures.uploads_image_share * 100)}% of a photo upload's time`);
    console.log(`server CPU per upload: ${figures.uploads_photo_cpu_ms} ms a photo to turn, ${figures.uploads_upright_cpu_ms} ms an upright one, ${figures.uploads_plain_cpu_ms} ms the same bytes as a plain file, ${figures.uploads_bare_cpu_ms} ms in the bare route (the image work: ${figures.uploads_photo_cpu_ms - figures.uploads_plain_cpu_ms} ms)`);
    console.log(`8 × 25 MB at once: the server process's peak RSS ${peak} MB (${rssBefore} MB before; goal < 300 MB ${peak < 300 ? 'ok' : 'MISSED'}); ${photoPeak} MB during the photo uploads`);
    if (figures.uploads_errors > 0) console.log(`${figures.uploads_errors} uploads failed`);
  } finally {
    for (const child of children) await child.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
