// The backup archive: `finishline backup` writes one tar file holding the
// database and every stored file; `finishline restore` puts both back into an
// empty database of either engine, and the photos download with the same bytes.
// A damaged or incomplete archive is refused and nothing is written.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { restoreArchive } from '../../src/backup/archive.ts';
import { ManualClock } from '../../src/platform/clock.ts';
import { countRows } from '../../src/platform/db/tables.ts';
import { openBlobStore } from '../../src/platform/files/blobs.ts';
import { buildServer, type Server } from '../../src/server.ts';
import { type DatabaseChoice, type TestDatabase, testDatabases } from '../support/databases.ts';
import { PASSWORD } from '../support/harness.ts';
import { client } from '../support/http.ts';
import { photoWithGps, upload } from '../support/files.ts';

const run = promisify(execFile);
const choices = await testDatabases();
const available = choices.filter((c) => c.skip === null);
const dir = mkdtempSync(join(tmpdir(), 'finishline-archive-test-'));
const NOW = Date.parse('2026-03-02T09:00:00Z');

afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function start(databaseUrl: string): Promise<{ server: Server; base: string }> {
  const server = await buildServer({ databaseUrl, logLevel: 'silent', sessionTtlMs: 3600_000, clock: new ManualClock(NOW), automation: { loop: false }, secretKey: randomBytes(32).toString('hex') });
  return { server, base: await server.app.listen({ port: 0, host: '127.0.0.1' }) };
}

const download = async (base: string, token: string, path: string) => {
  const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status, path).toBe(200);
  return Buffer.from(await res.arrayBuffer());
};

/** The command line, with the database (and nothing else) from the environment. */
const cli = (args: string[], databaseUrl: string) => run(process.execPath, ['bin/finishline.js', ...args], { env: { ...process.env, DATABASE_URL: databaseUrl, FINISHLINE_FILES_DIR: '', LOG_LEVEL: 'silent' } });

describe.each(choices)('backup archive from $name', (from: DatabaseChoice) => {
  describe.skipIf(from.skip !== null)(from.skip ?? 'with photos and files', () => {
    const source = from.make();
    const archive = join(dir, `${from.name}.tar`);
    let sourceUrl: string;
    let email: string;
    let orgId: string;
    /** What each attachment downloads as in the source: original, display copy and thumbnail. */
    const expected = new Map<string, Buffer>();
    const targets: TestDatabase[] = [];

    beforeAll(async () => {
      sourceUrl = await source.create();
      const { server, base } = await start(sourceUrl);
      try {
        email = `owner-${randomBytes(4).toString('hex')}@example.test`;
        const signup = await client(base).post('/api/v1/signup', { orgName: 'Archive Plumbing', timezone: 'Europe/London', name: 'Olive Owner', email, password: PASSWORD });
        expect(signup.status, signup.text).toBe(201);
        const token = signup.body.token as string;
        orgId = signup.body.org.id as string;
        const task = await client(base, token).post('/api/v1/tasks', { title: 'Photo of the finished install' });
        const files = [
          // Under 2048 px: its display copy is the upright original itself, so four stored files in all.
          { bytes: await photoWithGps(1200, 800), name: 'install.jpg', type: 'image/jpeg' },
          { bytes: Buffer.from('%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n'), name: 'certificate.pdf', type: 'application/pdf' },
          // Larger than one PostgreSQL chunk (256 KB), so chunked bytes are put back in order.
          { bytes: randomBytes(600 * 1024), name: 'readings.bin' },
        ];
        for (const file of files) {
          const res = await upload(base, token, `/api/v1/tasks/${task.body.id}/attachments`, file);
          expect(res.status, JSON.stringify(res.body)).toBe(201);
          for (const url of [res.body.url, res.body.displayUrl, res.body.thumbnailUrl].filter(Boolean) as string[]) expected.set(url, await download(base, token, url));
        }
        expect(expected.size).toBe(5);
      } finally {
        await server.close();
      }
      const done = await cli(['backup', '--out', archive], sourceUrl);
      expect(done.stderr).toMatch(/Backed up \d+ rows of \d+ tables and 4 stored files/);
    });

    afterAll(async () => {
      await source.drop();
      for (const target of targets) await target.drop();
    });

    it.each(available.map((c) => c.name))('restores into an empty %s database: the same files download with the same bytes', async (into) => {
      const target = available.find((c) => c.name === into)!.make();
      targets.push(target);
      const url = await target.create();
      const restored = await cli(['restore', archive], url);
      expect(restored.stderr).toMatch(/Restored \d+ rows into \d+ tables and 4 stored files/);
      const { server, base } = await start(url);
      try {
        const session = await client(base).post('/api/v1/sessions', { email, password: PASSWORD });
        expect(session.status, session.text).toBe(201);
        for (const [path, bytes] of expected) expect((await download(base, session.body.token, path)).equals(bytes), path).toBe(true);
      } finally {
        await server.close();
      }
    });

    it.each(available.map((c) => c.name))('an organisation’s own export (--org) carries the stored-file rows its files name, and no other organisation’s, so it imports into an empty %s database', async (into) => {
      const { server, base } = await start(sourceUrl);
      try {
        const rival = await client(base).post('/api/v1/signup', { orgName: 'Rival Heating', timezone: 'Europe/London', name: 'Rita Rival', email: `rival-${randomBytes(4).toString('hex')}-${into}@example.test`, password: PASSWORD });
        const task = await client(base, rival.body.token).post('/api/v1/tasks', { title: 'Rival photo' });
        expect((await upload(base, rival.body.token, `/api/v1/tasks/${task.body.id}/attachments`, { bytes: randomBytes(1000), name: 'rival.bin' })).status).toBe(201);
      } finally {
        await server.close();
      }
      const json = join(dir, `${from.name}-org-${into}.json`);
      await cli(['export', '--org', orgId, '--out', json], sourceUrl);
      const target = available.find((c) => c.name === into)!.make();
      targets.push(target);
      const url = await target.create();
      await cli(['import', json], url);
      const { server: restored } = await start(url);
      try {
        expect(await countRows(restored.database, 'orgs')).toBe(1);
        expect(await countRows(restored.database, 'attachments')).toBe(3);
        expect(await countRows(restored.database, 'file_blobs')).toBe(4);
        // On PostgreSQL the contents are rows too, and come with them.
        if (from.name === 'postgres') expect(await countRows(restored.database, 'file_chunks')).toBeGreaterThanOrEqual(4);
      } finally {
        await restored.close();
      }
    });

    it('refuses a damaged archive (a file whose bytes do not match its name) and writes nothing', async () => {
      const bytes = readFileSync(archive);
      // The PDF's text sits in the archive as is: change one of its bytes.
      const at = bytes.indexOf('%%EOF');
      expect(at).toBeGreaterThan(0);
      bytes[at] = 0x21;
      const damaged = join(dir, `${from.name}-damaged.tar`);
      writeFileSync(damaged, bytes);
      const target = available.find((c) => c.name === 'sqlite')!.make();
      targets.push(target);
      const url = await target.create();
      const refused = await cli(['restore', damaged], url).then(
        () => null,
        (error: { code: number; stderr: string }) => error,
      );
      expect(refused?.code).toBe(1);
      expect(refused?.stderr).toMatch(/This file cannot be restored: the file [0-9a-f]{64} in the archive is damaged/);
      const { server } = await start(url);
      try {
        expect(await countRows(server.database, 'orgs')).toBe(0);
        expect(await countRows(server.database, 'file_blobs')).toBe(0);
      } finally {
        await server.close();
      }
    });

    it('refuses an archive without its files, and a file that is not an archive', async () => {
      const target = available.find((c) => c.name === 'sqlite')!.make();
      targets.push(target);
      const { server } = await start(await target.create());
      try {
        const blobs = openBlobStore(server.database.dialect, `sqlite:${server.database.sqlite!.name}`, server.database.db);
        // Only the archive's first entry (the JSON backup): its header block, its bytes, then the end-of-archive blocks.
        const bytes = readFileSync(archive);
        const size = parseInt(bytes.subarray(124, 136).toString('ascii').trim(), 8);
        const firstOnly = Buffer.concat([bytes.subarray(0, 512 + Math.ceil(size / 512) * 512), Buffer.alloc(1024)]);
        const cut = join(dir, `${from.name}-json-only.tar`);
        writeFileSync(cut, firstOnly);
        await expect(restoreArchive(server.database, blobs, createReadStream(cut), { now: NOW })).rejects.toThrow(/The archive lacks the stored file [0-9a-f]{64}/);
        const notTar = join(dir, 'not-an-archive.tar');
        writeFileSync(notTar, 'just some text, not a tar file at all\n'.repeat(40));
        await expect(restoreArchive(server.database, blobs, createReadStream(notTar), { now: NOW })).rejects.toThrow(/not a readable backup archive|holds no finishline-backup.json/);
        expect(await countRows(server.database, 'orgs')).toBe(0);
      } finally {
        await server.close();
      }
    });
  });
});
