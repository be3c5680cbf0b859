// Input the server can handle and the databases can keep exactly as sent: no
// NUL characters (PostgreSQL refuses them), no lone UTF-16 surrogates (neither
// engine can store them, so they would come back changed), and no nesting deeper
// than any payload of ours needs (recursive validators would run out of stack).
// Checked on every path parameter, query string and body before validation, so a client gets a
// 400 naming the field instead of a 500 or a silently altered value.
import type { FastifyInstance } from 'fastify';
import { Invalid } from '../errors.ts';

const MESSAGE = 'must be valid Unicode text without NUL characters';
export const MAX_DEPTH = 32;

class TooDeep extends Error {
  constructor(readonly path: string[]) {
    super('too deep');
  }
}

/** The path of the first string (or key) in `value` that cannot be stored as sent, or null; throws TooDeep past MAX_DEPTH. */
export function firstIllFormedText(value: unknown, path: string[] = [], depth = 0): string[] | null {
  if (typeof value === 'string') return isStorable(value) ? null : path;
  if (typeof value !== 'object' || value === null) return null;
  if (depth >= MAX_DEPTH) throw new TooDeep(path);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = firstIllFormedText(value[i], [...path, String(i)], depth + 1);
      if (found) return found;
    }
    return null;
  }
  for (const [key, item] of Object.entries(value)) {
    if (!isStorable(key)) return [...path, key];
    const found = firstIllFormedText(item, [...path, key], depth + 1);
    if (found) return found;
  }
  return null;
}

function isStorable(text: string): boolean {
  return !text.includes('\u0000') && (text as string & { isWellFormed(): boolean }).isWellFormed();
}

export function registerWellFormedText(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    for (const [where, value] of [['params', request.params], ['query', request.query], ['body', request.body]] as const) {
      const name = (path: string[]) => (path.length > 0 ? path.join('.') : where);
      try {
        const path = firstIllFormedText(value);
        if (path) throw Invalid.field(name(path), MESSAGE);
      } catch (error) {
        if (error instanceof TooDeep) throw Invalid.field(name(error.path), `is nested more than ${MAX_DEPTH} levels deep`);
        throw error;
      }
    }
  });
}
