#!/usr/bin/env node
// Compiles the server (src/main.ts and everything it imports) into ES modules in dist/:
// main.js, and a chunk for what each command loads when it runs, with source maps, so
// `finishline` starts without a TypeScript loader. The packages it uses are bundled in
// too: resolving and reading some two thousand small files from node_modules was most
// of a server start. Those that cannot be (native addons, packages that read their own
// files at run time, the build tools the dev server loads) stay in node_modules,
// imported; package.json is inlined.
//
// Each module keeps its own import.meta.url: it reads as the file's place under dist/
// (src/platform/http/webapp.ts → dist/platform/http/webapp.ts), so a URL relative to a
// source file (web/dist, web/vite.config.ts, bench/) names the same file from the build.
// That is why every chunk sits directly in dist/, as main.ts sits directly in src/.
//
// Files are written beside their target and renamed over it, so a process starting
// while another build runs never reads half a file.
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const src = resolve(root, 'src');
const outdir = resolve(root, 'dist');

/** Packages left in node_modules: native addons, and those that read files beside their own code. */
const EXTERNAL = ['better-sqlite3', 'sharp', 'pg-native', 'vite', 'esbuild', 'oidc-provider'];

/**
 * Bundled CommonJS packages call require() and read __filename and __dirname, which an
 * ES module does not have: give each chunk its own, as Node gives a module.
 */
const COMMONJS_GLOBALS = [
  "import { createRequire as __finishlineRequire } from 'node:module';",
  "import { dirname as __finishlineDirname } from 'node:path';",
  "import { fileURLToPath as __finishlinePath } from 'node:url';",
  'const require = __finishlineRequire(import.meta.url);',
  'const __filename = __finishlinePath(import.meta.url);',
  'const __dirname = __finishlineDirname(__filename);',
].join(' ');

const keepModuleUrls = {
  name: 'keep-module-urls',
  setup(builder) {
    builder.onLoad({ filter: /\.ts$/ }, async ({ path }) => {
      const source = await readFile(path, 'utf8');
      if (!path.startsWith(src + '/') || !source.includes('import.meta.url')) return undefined;
      const own = JSON.stringify('./' + relative(src, path));
      return { contents: source.replaceAll('import.meta.url', `new URL(${own}, import.meta.url).href`), loader: 'ts' };
    });
  },
};

export async function buildServer() {
  const result = await build({
    absWorkingDir: root,
    entryPoints: [resolve(src, 'main.ts')],
    outdir,
    entryNames: '[name]',
    chunkNames: 'chunk-[hash]',
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: EXTERNAL,
    banner: { js: COMMONJS_GLOBALS },
    sourcemap: true,
    sourcesContent: false,
    legalComments: 'none',
    logLevel: 'warning',
    plugins: [keepModuleUrls],
    write: false,
  });
  await mkdir(outdir, { recursive: true });
  // The map first, so the code never points at a map that is not there yet.
  const maps = result.outputFiles.filter((file) => file.path.endsWith('.map'));
  const code = result.outputFiles.filter((file) => !file.path.endsWith('.map'));
  for (const file of [...maps, ...code]) {
    const temporary = `${file.path}.${process.pid}.tmp`;
    await writeFile(temporary, file.contents);
    await rename(temporary, file.path);
  }
  // Chunks of earlier builds (their names change with their content).
  const current = new Set(result.outputFiles.map((file) => basename(file.path)));
  for (const name of await readdir(outdir)) {
    if (/^chunk-.*\.js(\.map)?$/.test(name) && !current.has(name)) await rm(resolve(outdir, name), { force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await buildServer();
