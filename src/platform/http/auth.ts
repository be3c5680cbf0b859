// Who is calling: a bearer token (API or session) or the web app's session
// cookie, which must come with the CSRF header on every write.
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../context.ts';
import { Forbidden, Unauthorized } from '../errors.ts';

export const SESSION_COOKIE = 'fl_session';
export const CSRF_COOKIE = 'fl_csrf';
export const CSRF_HEADER = 'x-csrf-token';

export interface Caller extends Actor {
  tokenId: string;
  tokenKind: string;
}

export type Authenticate = (secret: string) => Promise<Caller | null>;

declare module 'fastify' {
  interface FastifyRequest {
    caller: Caller | null;
    authVia: 'bearer' | 'cookie' | null;
  }
  interface FastifyContextConfig {
    /** Reachable without signing in (sign-up, log-in, documentation). */
    public?: boolean;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function registerAuth(app: FastifyInstance, authenticate: Authenticate): void {
  app.decorateRequest('caller', null);
  app.decorateRequest('authVia', null);
  app.addHook('onRequest', async (request) => {
    if (!request.url.startsWith('/api/v1/')) return;
    const header = request.headers.authorization;
    if (header !== undefined) {
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      if (!match) throw new Unauthorized('The Authorization header must be "Bearer <token>"');
      request.caller = await authenticate(match[1]!);
      if (!request.caller) throw new Unauthorized('The token is not valid, has expired or was revoked');
      request.authVia = 'bearer';
      return;
    }
    const cookie = request.cookies?.[SESSION_COOKIE];
    if (cookie) {
      request.caller = await authenticate(cookie);
      if (request.caller) {
        request.authVia = 'cookie';
        if (!SAFE_METHODS.has(request.method)) checkCsrf(request);
      }
    }
    if (!request.caller && !request.routeOptions.config?.public) {
      throw new Unauthorized('Sign in, or send an API token as "Authorization: Bearer <token>"');
    }
  });
}

function checkCsrf(request: FastifyRequest): void {
  const sent = request.headers[CSRF_HEADER];
  const expected = request.cookies[CSRF_COOKIE];
  const ok =
    typeof sent === 'string' &&
    typeof expected === 'string' &&
    sent.length === expected.length &&
    timingSafeEqual(Buffer.from(sent), Buffer.from(expected));
  if (!ok) throw new Forbidden(`A write with the session cookie needs the ${CSRF_HEADER} header (the value of the ${CSRF_COOKIE} cookie)`);
}

/** The signed-in caller; routes that are not public can rely on it. */
export function callerOf(request: FastifyRequest): Caller {
  if (!request.caller) throw new Unauthorized('Not signed in');
  return request.caller;
}

export function setSessionCookies(reply: FastifyReply, token: string, csrf: string, options: { secure: boolean; maxAgeMs: number }): void {
  const common = { path: '/', sameSite: 'lax' as const, secure: options.secure, maxAge: Math.floor(options.maxAgeMs / 1000) };
  reply.setCookie(SESSION_COOKIE, token, { ...common, httpOnly: true });
  reply.setCookie(CSRF_COOKIE, csrf, { ...common, httpOnly: false });
}

export function clearSessionCookies(reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/' });
  reply.clearCookie(CSRF_COOKIE, { path: '/' });
}

/** The caller's User-Agent, kept with a session so its person can tell their sessions apart. */
export function userAgentOf(request: FastifyRequest): string | null {
  const agent = request.headers['user-agent'];
  return typeof agent === 'string' && agent !== '' ? agent.slice(0, 400) : null;
}
