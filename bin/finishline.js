#!/usr/bin/env node
// Runs the compiled command line (dist/main.js, built from src/ at install time by
// `npm run build`), with stack traces mapped back to the TypeScript lines.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mapStackTraces } from './stack-traces.js';

const compiled = new URL('../dist/main.js', import.meta.url);
const sources = new URL('../src/', import.meta.url);

if (!existsSync(compiled)) {
  console.error('finishline is not built yet: run "npm run build" (npm install does it), or "npm run dev" to run the sources.');
  process.exit(1);
}
if (existsSync(sources) && newestChange(sources) > statSync(compiled).mtimeMs) {
  console.error('warning: src/ has changed since dist/main.js was built; this runs the older build. Run "npm run build".');
}

mapStackTraces(new URL('../dist/', import.meta.url).href);
await import(compiled.href);

/** The latest modification time of any file under `directory`. */
function newestChange(directory) {
  let newest = 0;
  for (const entry of readdirSync(directory, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) newest = Math.max(newest, statSync(`${entry.parentPath}/${entry.name}`).mtimeMs);
  }
  return newest;
}
