// Request bodies are decoded as UTF-8 strictly: a byte sequence that is not
// UTF-8 is refused with a 400 naming the field it is in, instead of being
// stored as U+FFFD (the replacement character a lenient decoder puts there).
// An empty JSON body is no body at all, as if none had been sent.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Invalid } from '../errors.ts';

const MESSAGE = 'must be valid UTF-8';
const strict = new TextDecoder('utf-8', { fatal: true });
const lenient = new TextDecoder('utf-8');

/** The body as text, or a 400 naming where the first ill-formed bytes are (`name` gives that place from the text decoded leniently). */
export function decodeUtf8(body: Buffer, name: (lossy: string) => string): string {
  try {
    return strict.decode(body);
  } catch {
    throw Invalid.field(name(lenient.decode(body)), MESSAGE);
  }
}

/** The path of the first string or key holding U+FFFD in a JSON document decoded leniently ('body' when there is none or it does not parse). */
export function jsonPathOfReplacement(lossy: string): string {
  let found: string | null = null;
  const walk = (value: unknown, path: string[]): void => {
    if (found !== null) return;
    if (typeof value === 'string') {
      if (value.includes('\uFFFD')) found = path.join('.') || 'body';
      return;
    }
    if (typeof value !== 'object' || value === null) return;
    for (const [key, item] of Object.entries(value)) {
      if (key.includes('\uFFFD')) found = [...path, key].join('.');
      walk(item, [...path, key]);
      if (found !== null) return;
    }
  };
  try {
    walk(JSON.parse(lossy), []);
  } catch {
    return 'body';
  }
  return found ?? 'body';
}

/** Replaces Fastify's JSON body parser with one that decodes strictly, and takes an empty body for none. */
export function registerJsonBody(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request: FastifyRequest, body: Buffer, done) => {
    let text: string;
    try {
      text = decodeUtf8(body, jsonPathOfReplacement);
    } catch (error) {
      done(error as Error, undefined);
      return;
    }
    if (text.trim() === '') {
      done(null, undefined);
      return;
    }
    parseJson(request, text, done);
  });
}
