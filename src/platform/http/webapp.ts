// Serves the built web app (web/dist): hashed assets cached for good, index.html for
// every page path so the client router works, and a Content-Security-Policy the app passes.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { problem, sendProblem } from './problem.ts';

/** No inline scripts, no third-party origins: everything the app needs comes from here. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "worker-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** The public lead form (/f/<slug>) may be shown inside any website's page (the embed snippet); nothing else may. */
export const EMBEDDABLE_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.replace("frame-ancestors 'none'", 'frame-ancestors *');

/** Pages a business may embed in its own website: the public lead form. */
export function isEmbeddablePage(url: string): boolean {
  return /^\/f\/[^/?#]+\/?(?:[?#]|$)/.test(url);
}

export async function registerWebApp(app: FastifyInstance, webDist: string | undefined): Promise<void> {
  const index = webDist ? join(webDist, 'index.html') : undefined;
  if (webDist && existsSync(webDist)) {
    await app.register(fastifyStatic, {
      root: webDist,
      prefix: '/',
      // One catch-all route that looks the file up when asked (listing every built file at
      // start costs more than the start's whole routing); a path with no file falls through
      // to the index.html fallback below.
      wildcard: true,
      index: false,
      // Folders and API paths are never files: straight to the fallback.
      allowedPath: (path) => !path.endsWith('/') && !path.startsWith('/api/'),
      // The headers below decide caching: hashed assets for good, everything else revalidated.
      cacheControl: false,
      setHeaders: (res, path) => {
        const immutable = path.includes(`${join(webDist, 'assets')}`);
        res.setHeader('Cache-Control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
        if (path.endsWith('.html')) res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
      },
    });
  }
  const sendIndex = async (reply: FastifyReply, embeddable: boolean) =>
    reply
      .type('text/html; charset=utf-8')
      .header('Cache-Control', 'no-cache')
      .header('Content-Security-Policy', embeddable ? EMBEDDABLE_CONTENT_SECURITY_POLICY : CONTENT_SECURITY_POLICY)
      .send(await readFile(index!, 'utf8'));
  app.setNotFoundHandler(async (request, reply) => {
    if (request.url.startsWith('/api/') || (request.method !== 'GET' && request.method !== 'HEAD') || !index || !existsSync(index)) {
      return sendProblem(reply, problem(404, `No route ${request.method} ${request.url.split('?')[0]}`));
    }
    return sendIndex(reply, isEmbeddablePage(request.url));
  });
}

/** Builds web/dist with Vite when it is missing, so `npm start` works even if the install step did not build it. */
export async function ensureWebAppBuilt(webDist: string, log: (message: string) => void = console.log): Promise<void> {
  if (existsSync(join(webDist, 'index.html'))) return;
  const configFile = new URL('../../../web/vite.config.ts', import.meta.url).pathname;
  log(`The web app is not built yet (${webDist}); building it now…`);
  try {
    const { build } = await import('vite');
    await build({ configFile, logLevel: 'warn', build: { outDir: webDist } });
  } catch (error) {
    // Without the build tools (an install without dev dependencies) the API still serves.
    log(`The web app could not be built (${(error as Error).message}); serving the API only. Run "npm run build" to add it.`);
  }
}
