// The web app's weight on first load: the JavaScript and CSS that index.html
// pulls in before any page is opened (lazy pages excluded), gzipped.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

export function initialBundle(webDist: string): { jsGzipKb: number; cssGzipKb: number } {
  const html = readFileSync(join(webDist, 'index.html'), 'utf8');
  const assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+\.(js|css))"/g)].map((m) => ({ path: m[1]!, kind: m[2]! }));
  let js = 0;
  let css = 0;
  for (const asset of assets) {
    const size = gzipSync(readFileSync(join(webDist, asset.path))).length;
    if (asset.kind === 'js') js += size;
    else css += size;
  }
  return { jsGzipKb: Math.round((js / 1024) * 10) / 10, cssGzipKb: Math.round((css / 1024) * 10) / 10 };
}
