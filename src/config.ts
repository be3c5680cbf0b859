// The environment, read once into one typed object.
export interface Config {
  port: number;
  host: string;
  databaseUrl: string;
  tickMs: number;
  logLevel: string;
  /** Where the built web app lives; served at / when present. */
  webDist: string;
  sessionTtlMs: number;
  /** SMTP server for email (smtp://user:pass@host:port); email is off when unset. */
  smtpUrl?: string;
  /** The From address of Finishline's email. */
  mailFrom: string;
  /** Where people open Finishline: the links in email point there. */
  publicUrl: string;
  /**
   * Whose X-Forwarded-For / X-Forwarded-Proto to believe (FINISHLINE_TRUST_PROXY):
   * by default only a proxy on this machine (a loopback address), so the client
   * address is the last one in X-Forwarded-For that such a proxy did not add — a
   * client elsewhere on the network, or behind a container's userland proxy,
   * cannot choose its own address; a wider range is configured here; a number trusts that many proxies in front; a list names the proxies'
   * addresses or CIDR ranges; true believes any X-Forwarded-For (its first
   * entry, which a client can write itself); false ignores the headers.
   */
  trustProxy: boolean | number | string;
  /** The most one uploaded file may be, in MB (FINISHLINE_MAX_UPLOAD_MB, default 25). */
  maxUploadMb: number;
  /** The most one organisation's files may take together, in MB (FINISHLINE_ORG_STORAGE_MB); unset: no limit. */
  orgStorageMb: number | null;
  /** Where files are kept on disk (FINISHLINE_FILES_DIR): default `files/` beside the SQLite database; with PostgreSQL, setting it keeps them on disk instead of in the database. */
  filesDir?: string;
  /**
   * The key that seals TOTP secrets and single sign-on client secrets at rest (AES-256-GCM):
   * FINISHLINE_SECRET_KEY, 32 bytes as 64 hex digits or base64. Unset: the key file below.
   */
  secretKey?: string;
  /** FINISHLINE_SSO_ALLOW_PRIVATE=1: single sign-on providers on a private network (or this machine) may be used; off by default. */
  ssoAllowPrivate: boolean;
  /** FINISHLINE_SECRET_KEY_FILE: where the key is kept when FINISHLINE_SECRET_KEY is unset (default `secret.key` beside the SQLite database, ./data/secret.key with PostgreSQL), written on first start. */
  secretKeyFile?: string;
}

export const DEFAULT_TRUST_PROXY = 'loopback';

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return {
    port: integer(env.PORT, 3000, 'PORT'),
    host: env.HOST ?? '0.0.0.0',
    databaseUrl: env.DATABASE_URL || 'sqlite:./data/finishline.db',
    tickMs: integer(env.FINISHLINE_TICK_MS, 5000, 'FINISHLINE_TICK_MS'),
    logLevel: env.LOG_LEVEL ?? 'info',
    webDist: env.FINISHLINE_WEB_DIST ?? new URL('../web/dist', import.meta.url).pathname,
    sessionTtlMs: integer(env.FINISHLINE_SESSION_TTL_HOURS, 24 * 14, 'FINISHLINE_SESSION_TTL_HOURS') * 3600_000,
    smtpUrl: env.SMTP_URL || undefined,
    mailFrom: env.FINISHLINE_MAIL_FROM || 'Finishline <finishline@localhost>',
    publicUrl: env.FINISHLINE_PUBLIC_URL || 'http://localhost:3000',
    trustProxy: trustProxy(env.FINISHLINE_TRUST_PROXY),
    maxUploadMb: integer(env.FINISHLINE_MAX_UPLOAD_MB, 25, 'FINISHLINE_MAX_UPLOAD_MB'),
    orgStorageMb: env.FINISHLINE_ORG_STORAGE_MB ? integer(env.FINISHLINE_ORG_STORAGE_MB, 0, 'FINISHLINE_ORG_STORAGE_MB') : null,
    filesDir: env.FINISHLINE_FILES_DIR || undefined,
    secretKey: env.FINISHLINE_SECRET_KEY || undefined,
    secretKeyFile: env.FINISHLINE_SECRET_KEY_FILE || undefined,
    ssoAllowPrivate: flag(env.FINISHLINE_SSO_ALLOW_PRIVATE, 'FINISHLINE_SSO_ALLOW_PRIVATE'),
  };
}

function integer(raw: string | undefined, fallback: number, name: string): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return value;
}

/** An on/off setting: 1 or true, 0 or false; unset is off. */
function flag(raw: string | undefined, name: string): boolean {
  if (raw === undefined || raw === '') return false;
  if (!['1', '0', 'true', 'false'].includes(raw)) throw new Error(`${name} must be 1 or 0, got "${raw}"`);
  return raw === '1' || raw === 'true';
}

function trustProxy(raw: string | undefined): boolean | number | string {
  const value = raw?.trim() ?? '';
  if (value === '') return DEFAULT_TRUST_PROXY;
  if (value === 'true' || value === 'false') return value === 'true';
  if (/^\d+$/.test(value)) return Number(value);
  return value;
}
