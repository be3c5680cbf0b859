// Stack traces that name the TypeScript lines, at no cost to a start: instead of Node's
// source-map support, which reads and parses the map of every module as it loads (an
// eighth of a server start), a compiled module's map is read the first time one of its
// frames is printed.
import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';

/** Maps the frames of files under `directory` (a file: URL ending in /) through their .map files. */
export function mapStackTraces(directory) {
  const maps = new Map();
  const mapOf = (file) => {
    if (!maps.has(file)) maps.set(file, readMap(file));
    return maps.get(file);
  };
  Error.prepareStackTrace = (error, callSites) => {
    let header;
    try {
      header = Error.prototype.toString.call(error);
    } catch {
      header = '<error>';
    }
    return header + callSites.map((site) => `\n    at ${frame(site, directory, mapOf)}`).join('');
  };
}

function frame(site, directory, mapOf) {
  const text = String(site);
  const file = site.getFileName();
  if (!file || !file.startsWith(directory)) return text;
  const line = site.getLineNumber();
  const column = site.getColumnNumber();
  const entry = mapOf(file)?.findEntry(line - 1, column - 1);
  if (!entry?.originalSource) return text;
  const source = fileURLToPath(new URL(entry.originalSource, file));
  return text.replace(`${file}:${line}:${column}`, `${source}:${entry.originalLine + 1}:${entry.originalColumn + 1}`);
}

function readMap(file) {
  try {
    return new SourceMap(JSON.parse(readFileSync(`${fileURLToPath(file)}.map`, 'utf8')));
  } catch {
    return undefined; // no map: its frames stay as they are
  }
}
