// What an export through the API leaves out: every secret. A column is a
// secret by its name (a deny-list of name patterns, so a column added later —
// a new table's token hash or client secret — is covered without being listed),
// and a table that holds nothing but credentials (sign-ins, reset links,
// two-factor enrolments) is left out whole. The command line's full backup,
// which only whoever runs the server can take, keeps everything.
import { randomBytes } from 'node:crypto';

/** Column names that hold a secret or what checks one: *_hash, *secret*, password*, code verifiers, nonces, TOTP seeds. */
const SECRET_COLUMN = /(^|_)hash$|secret|(^|_)password$|verifier|nonce|totp|(^|_)token$|(^|_)seed$/i;

/** Tables that are credentials and nothing else: without their secrets the rows mean nothing, so none is exported. */
const CREDENTIAL_TABLE = /^(tokens|password_resets|recovery_codes|two_factor\w*|sso_logins|invitations|calendar_feeds|idempotency_keys|\w*_tokens|\w*_secrets)$/i;

export function isSecretColumn(name: string): boolean {
  return SECRET_COLUMN.test(name);
}

export function isCredentialTable(name: string): boolean {
  return CREDENTIAL_TABLE.test(name);
}

/** The row without its secret columns. */
export function withoutSecrets(row: Record<string, unknown>): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  for (const [column, value] of Object.entries(row)) if (!isSecretColumn(column)) kept[column] = value;
  return kept;
}

/**
 * What a restore puts in a secret column the backup left out and the schema
 * requires: a value nothing can match (a token hash no token has) — a
 * webhook gets a new signing secret nobody knows until an admin replaces it.
 */
export function unknownSecret(table: string, column: string): string {
  const random = randomBytes(24).toString('base64url');
  if (table === 'webhooks' && column === 'secret') return `whsec_${random}`;
  return `not-restored:${random}`;
}
