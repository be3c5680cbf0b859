// The web app's calls, checked against the OpenAPI document the server publishes:
// every API path written in web/src must be a path the server documents.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer, type Server } from '../../src/server.ts';

const WEB_SRC = new URL('../../web/src/', import.meta.url).pathname;
const RECORD_COLLECTIONS = ['contacts', 'clients', 'leads', 'jobs', 'services'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** `/api/v1/tasks/${task.id}/comments?limit=200` → `/api/v1/tasks/{}/comments`; a record type expands to each collection. */
export function pathsCalled(source: string): string[] {
  const found = source.match(/['`]\/api\/v1\/[^'`]*/g) ?? [];
  return found.flatMap((literal) => {
    const path = literal
      .slice(1)
      .replace(/\$\{(?:query|viewSearch)[^}]*\}?.*$/, '')
      .split('?')[0]!;
    const shaped = path.replace(/\$\{[^}]*\}/g, '{}');
    if (/^\/api\/v1\/\{\}/.test(shaped)) return RECORD_COLLECTIONS.map((c) => shaped.replace('/api/v1/{}', `/api/v1/${c}`));
    return [shaped];
  });
}

describe('the web app’s API calls', () => {
  let server: Server;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'finishline-openapi-'));
    server = await buildServer({ databaseUrl: `sqlite:${join(dir, 'db.sqlite')}`, logLevel: 'silent', sessionTtlMs: 3600_000 });
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads paths out of the source the way they are written', () => {
    expect(pathsCalled("api.get(`/api/v1/tasks/${id}/comments?limit=200`)")).toEqual(['/api/v1/tasks/{}/comments']);
    expect(pathsCalled("`/api/v1/tasks${query({ limit: '200' })}`")).toEqual(['/api/v1/tasks']);
    expect(pathsCalled("`/api/v1/${PLURAL[type]}/${id}`")).toContain('/api/v1/leads/{}');
  });

  it('calls only paths the OpenAPI document describes', async () => {
    const document = (await server.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json() as { paths: Record<string, unknown> };
    const documented = new Set(Object.keys(document.paths).map((p) => p.replace(/\{[^}]+\}/g, '{}')));
    const called = new Set(sourceFiles(WEB_SRC).flatMap((file) => pathsCalled(readFileSync(file, 'utf8'))));
    expect(called.size).toBeGreaterThan(10);
    const undocumented = [...called].filter((path) => !documented.has(path));
    expect(undocumented).toEqual([]);
  });
});
