// The bare upload route the upload bench compares Finishline against, in a
// process of its own: Fastify and @fastify/multipart writing the file's bytes
// to disk, with no auth, type sniffing, hashing, image work, rows or events.
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import fastifyMultipart from '@fastify/multipart';
import Fastify from 'fastify';

const dir = process.env.BENCH_DIR!;
const app = Fastify({ logger: false });
await app.register(fastifyMultipart, { limits: { fileSize: 30 * 1024 * 1024 } });
let n = 0;
app.get('/ready', async () => ({ ok: true }));
app.post('/upload', async (request) => {
  const file = await request.file();
  await pipeline(file!.file, createWriteStream(join(dir, `bare-${n++}`)));
  return { ok: true };
});
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
