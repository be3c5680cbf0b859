// The compiled command line's stack traces name the TypeScript lines, though no map is
// read until a frame is printed (bin/stack-traces.js).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, expect, it } from 'vitest';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const work = mkdtempSync(join(tmpdir(), 'finishline-stack-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

it('maps a compiled frame to its TypeScript file, line and column', async () => {
  mkdirSync(join(work, 'src'));
  writeFileSync(
    join(work, 'src', 'thrower.ts'),
    ['type Reason = { text: string };', '', 'export function fail(reason: Reason): never {', '  throw new Error(reason.text);', '}', ''].join('\n'),
  );
  await build({ entryPoints: [join(work, 'src', 'thrower.ts')], outdir: join(work, 'dist'), format: 'esm', platform: 'node', sourcemap: true, sourcesContent: false, logLevel: 'error' });
  const script = [
    `import { mapStackTraces } from ${JSON.stringify(pathToFileURL(join(ROOT, 'bin', 'stack-traces.js')).href)};`,
    `mapStackTraces(${JSON.stringify(pathToFileURL(join(work, 'dist')).href + '/')});`,
    `const { fail } = await import(${JSON.stringify(pathToFileURL(join(work, 'dist', 'thrower.js')).href)});`,
    `try { fail({ text: 'the boiler is cold' }); } catch (error) { console.log(error.stack); }`,
  ].join('\n');
  const stack = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  expect(stack).toMatch(/^Error: the boiler is cold\n/);
  expect(stack).toContain(`at fail (${join(work, 'src', 'thrower.ts')}:4:9)`);
  expect(stack).not.toContain('thrower.js');
});
