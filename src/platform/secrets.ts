// Secrets kept in the database that the server must read back (a person's TOTP
// secret, an organisation's OpenID Connect client secret) are sealed with
// AES-256-GCM under one server key. Each sealed value names what it belongs to
// (the additional data), so a value copied into another row does not open.
//
// The key: FINISHLINE_SECRET_KEY (32 bytes, as 64 hex digits or base64) when set;
// otherwise the file FINISHLINE_SECRET_KEY_FILE, by default `secret.key` beside
// the SQLite database (or ./data/secret.key with PostgreSQL), written with a new
// random key on first start (mode 0600). Several servers over one PostgreSQL
// database must share the key: set FINISHLINE_SECRET_KEY on each. A backup holds
// sealed values only; restoring it elsewhere needs the same key.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const VERSION = 'v1';

export interface Sealer {
  seal(plaintext: string, context: string): string;
  /** The plaintext, or throws when the value was sealed under another key or for another context. */
  open(sealed: string, context: string): string;
}

export function sealer(key: Buffer): Sealer {
  if (key.length !== 32) throw new Error('The secret key must be 32 bytes');
  return {
    seal(plaintext, context) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(context));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return [VERSION, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
    },
    open(sealed, context) {
      const [version, iv, tag, body] = sealed.split('.');
      if (version !== VERSION || !iv || !tag || body === undefined) throw new Error('Not a sealed value');
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(context));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    },
  };
}

/** 32 bytes from 64 hex digits or base64 (either alphabet). */
export function parseSecretKey(text: string, name = 'FINISHLINE_SECRET_KEY'): Buffer {
  const value = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(value) ? Buffer.from(value, 'hex') : Buffer.from(value, value.includes('-') || value.includes('_') ? 'base64url' : 'base64');
  if (key.length !== 32) throw new Error(`${name} must be 32 bytes, as 64 hex digits or base64 (e.g. \`openssl rand -base64 32\`)`);
  return key;
}

/** Where the key file is by default: beside the SQLite database, or ./data with PostgreSQL. */
export function defaultKeyFile(databaseUrl: string): string {
  const sqlite = /^sqlite:(.*)$/.exec(databaseUrl);
  const path = sqlite?.[1];
  const dir = path && path !== ':memory:' && !path.startsWith('file::memory') ? dirname(resolve(path)) : resolve('data');
  return join(dir, 'secret.key');
}

/** The key from `FINISHLINE_SECRET_KEY`, or read from (and on first start written to) the key file. */
export function loadSecretKey(options: { secretKey?: string; secretKeyFile?: string; databaseUrl: string }): Buffer {
  if (options.secretKey) return parseSecretKey(options.secretKey);
  const file = options.secretKeyFile ?? defaultKeyFile(options.databaseUrl);
  try {
    return parseSecretKey(readFileSync(file, 'utf8'), file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  // Written whole to a file of its own, then linked into place: two servers starting at once agree on one key.
  mkdirSync(dirname(file), { recursive: true });
  const draft = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(draft, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
  try {
    linkSync(draft, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    unlinkSync(draft);
  }
  return parseSecretKey(readFileSync(file, 'utf8'), file);
}
