// Single sign-on with OpenID Connect (openid-client): an organisation's admin
// enters its provider (issuer, client id and secret, allowed email domains, the
// button's name); the sign-in page, opened with the organisation's address
// (/login?org=<slug>), offers "Sign in with <name>". The authorization code flow
// uses PKCE (S256), a state bound to the browser by a cookie and kept once in the
// database, and a nonce; openid-client checks the ID token's signature, issuer,
// audience, expiry and nonce. A first-time person from an allowed domain is added
// as a member, or with the role and teams of their open invitation. The client
// secret is sealed at rest and never shown again.
import * as oidc from 'openid-client';
import type { Actor, Deps } from '../platform/context.ts';
import { Conflict, Forbidden, Invalid, NotFound, Unauthorized } from '../platform/errors.ts';
import { addressRefusal, guardedFetch, isLoopback, literalAddress, shownAddress } from '../platform/egress.ts';
import { iso } from '../platform/pagination.ts';
import type { Sealer } from '../platform/secrets.ts';
import { recordAudit } from '../audit/service.ts';
import { credentials as people, publicOrg } from '../people/service.ts';
import type { Role } from '../platform/context.ts';
import type { SsoSettingsInput } from './account.ts';
import type { Origin } from './invitations.ts';
import * as store from './store.ts';

type Db = Deps['db'];

export const SSO_LOGIN_TTL_MS = 10 * 60_000;
export const SSO_CALLBACK_PATH = '/sso/callback';
const DISCOVERY_TTL_MS = 10 * 60_000;

export interface SsoOptions {
  /** FINISHLINE_PUBLIC_URL: the provider sends people back to <publicUrl>/sso/callback. */
  publicUrl: string;
  /**
   * For tests with a provider on this machine, and nothing else (no setting sets it): issuers at
   * http:// and loopback addresses are let through. Otherwise https only, and never a loopback,
   * private, link-local or other non-public address — not by its name's answer either.
   */
  allowLocalIssuers?: boolean;
  /**
   * FINISHLINE_SSO_ALLOW_PRIVATE: a provider on the business's own network (a private or loopback
   * address, literal or by its name's answer) is reached like a public one. Still https only.
   */
  allowPrivate?: boolean;
}

/** The server would have connected to an address that is not public, for a provider. */
class AddressRefused extends Error {
  constructor(readonly host: string, readonly address: string, readonly refusal: string) {
    super(host === address ? `${shownAddress(address)} is ${refusal}` : `${host} resolves to ${shownAddress(address)}, ${refusal}`);
  }
}

const PUBLIC_ONLY = '; single sign-on providers are reached at public addresses only, unless whoever runs the server allows a provider on the private network';

/** Which addresses that are not public a provider may still be reached at: any, when allowed; loopback, for the tests' own provider. */
function allowedAddress(options: SsoOptions): ((address: string) => boolean) | undefined {
  if (options.allowPrivate) return () => true;
  return options.allowLocalIssuers ? isLoopback : undefined;
}

/** Every request to a provider — discovery, its keys, the token exchange, userinfo — goes through this. */
function fetchFor(options: SsoOptions) {
  const allow = allowedAddress(options);
  return guardedFetch({ refused: (host, address, refusal) => new AddressRefused(host, address, refusal), ...(allow && { allow }) });
}

/** Which non-public address a URL of the provider's names literally ("10.0.0.1, a private network address"); null when none. Host names are checked as they are connected to. */
function nonPublic(options: SsoOptions, raw: string | undefined): string | null {
  if (raw === undefined) return null;
  const address = literalAddress(new URL(raw));
  if (address === null || allowedAddress(options)?.(address)) return null;
  const refusal = addressRefusal(address);
  return refusal && `${shownAddress(address)}, ${refusal}`;
}

/** What went wrong reaching the provider, in words for the issuer field. */
function discoveryFailure(error: unknown): string {
  for (let cause: unknown = error; cause instanceof Error || cause instanceof Response; cause = cause instanceof Error ? cause.cause : undefined) {
    if (cause instanceof AddressRefused) return `must not lead to an address that is not public: ${cause.message}${PUBLIC_ONLY}`;
    if (cause instanceof Response && cause.status >= 300 && cause.status < 400) {
      return `redirects elsewhere (${cause.status}${cause.headers.get('location') ? ` to ${cause.headers.get('location')}` : ''}); redirects are not followed: enter the provider's own issuer address`;
    }
  }
  return `is not an OpenID provider that answers discovery (${(error as Error).message})`;
}

function requireAdmin(actor: Actor): void {
  if (actor.role !== 'owner' && actor.role !== 'admin') throw new Forbidden('Single sign-on settings need the admin role or above');
}

const secretContext = (orgId: string) => `sso:${orgId}`;
export const redirectUriOf = (options: SsoOptions) => new URL(SSO_CALLBACK_PATH, options.publicUrl).toString();

function present(row: store.SsoProviderRow, options: SsoOptions) {
  return {
    name: row.name,
    issuer: row.issuer,
    clientId: row.client_id,
    allowedDomains: JSON.parse(row.allowed_domains) as string[],
    redirectUri: redirectUriOf(options),
    updatedAt: iso(row.updated_at)!,
  };
}

// Discovered provider metadata, per organisation and settings version, for a few minutes.
const discovered = new Map<string, { config: oidc.Configuration; at: number }>();

async function discover(options: SsoOptions, issuer: string, clientId: string, clientSecret: string): Promise<oidc.Configuration> {
  const insecure = options.allowLocalIssuers && issuer.startsWith('http:');
  return oidc.discovery(new URL(issuer), clientId, clientSecret, undefined, { timeout: 10, [oidc.customFetch]: fetchFor(options), ...(insecure && { execute: [oidc.allowInsecureRequests] }) });
}

async function configFor(options: SsoOptions, sealer: Sealer, row: store.SsoProviderRow): Promise<oidc.Configuration> {
  const key = `${row.org_id}:${row.version}`;
  const cached = discovered.get(key);
  if (cached && Date.now() - cached.at < DISCOVERY_TTL_MS) return cached.config;
  const config = await discover(options, row.issuer, row.client_id, sealer.open(row.client_secret, secretContext(row.org_id))).catch((error: Error) => {
    throw new Unauthorized(`${row.name} could not be reached to sign in (${error.message}); try again, or ask an admin to check the single sign-on settings`);
  });
  if (discovered.size > 1000) discovered.clear();
  discovered.set(key, { config, at: Date.now() });
  return config;
}

export async function getSettings(deps: Deps, options: SsoOptions, actor: Actor) {
  requireAdmin(actor);
  const row = await store.findSsoProvider(deps.db, actor.orgId);
  return row ? present(row, options) : null;
}

/** Saves the provider after checking that its issuer answers OpenID Connect discovery. */
export async function putSettings(deps: Deps, sealer: Sealer, options: SsoOptions, actor: Actor, input: SsoSettingsInput) {
  requireAdmin(actor);
  const issuer = input.issuer.replace(/\/+$/, '');
  if (!issuer.startsWith('https:') && !options.allowLocalIssuers) throw Invalid.field('issuer', 'must be an https:// address');
  const refused = nonPublic(options, issuer);
  if (refused) throw Invalid.field('issuer', `must not point at ${refused}${PUBLIC_ONLY}`);
  const existing = await store.findSsoProvider(deps.db, actor.orgId);
  const secret = input.clientSecret ?? (existing ? sealer.open(existing.client_secret, secretContext(actor.orgId)) : undefined);
  if (secret === undefined) throw Invalid.field('clientSecret', 'is required the first time');
  let metadata: oidc.ServerMetadata;
  try {
    metadata = (await discover(options, issuer, input.clientId, secret)).serverMetadata();
  } catch (error) {
    throw Invalid.field('issuer', discoveryFailure(error));
  }
  // The provider's own addresses that the server will call (not the sign-in page, which the browser opens).
  const called = { 'token endpoint': metadata.token_endpoint, 'key set': metadata.jwks_uri, 'userinfo endpoint': metadata.userinfo_endpoint };
  for (const [name, endpoint] of Object.entries(called)) {
    const refusal = nonPublic(options, endpoint);
    if (refusal) throw Invalid.field('issuer', `is a provider whose ${name} (${endpoint}) points at ${refusal}${PUBLIC_ONLY}`);
  }
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (trx) => {
    const before = await store.findSsoProvider(trx, actor.orgId);
    const row: store.SsoProviderRow = {
      org_id: actor.orgId,
      name: input.name,
      issuer,
      client_id: input.clientId,
      client_secret: sealer.seal(secret, secretContext(actor.orgId)),
      allowed_domains: JSON.stringify([...new Set(input.allowedDomains)].sort()),
      created_at: before?.created_at ?? now,
      updated_at: now,
      version: (before?.version ?? 0) + 1,
    };
    await store.putSsoProvider(trx, row);
    const data = { name: row.name, issuer, clientId: row.client_id, allowedDomains: JSON.parse(row.allowed_domains), secretChanged: input.clientSecret !== undefined, created: !before };
    await recordAudit(trx, { orgId: actor.orgId, actorId: actor.userId, action: 'sso.settings_changed', subject: { type: 'org', id: actor.orgId }, data }, now);
    return present(row, options);
  });
}

export async function deleteSettings(deps: Deps, actor: Actor): Promise<void> {
  requireAdmin(actor);
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (trx) => {
    const policy = await people.signInPolicy(trx, actor.orgId);
    if (!policy.passwordSignIn) throw new Conflict('Turn password sign-in back on before removing single sign-on, or nobody but the owner could sign in');
    if ((await store.deleteSsoProvider(trx, actor.orgId)) === 0) throw new NotFound('Single sign-on settings');
    await recordAudit(trx, { orgId: actor.orgId, actorId: actor.userId, action: 'sso.settings_removed', subject: { type: 'org', id: actor.orgId } }, now);
  });
}

/** For PATCH /org: password sign-in can be turned off only while single sign-on is set up. */
export async function mayTurnOffPasswordSignIn(trx: Db, orgId: string): Promise<void> {
  if (!(await store.findSsoProvider(trx, orgId))) {
    throw new Conflict('Set up single sign-on before turning password sign-in off', [{ path: 'passwordSignIn', message: 'can be turned off only once single sign-on is set up' }]);
  }
}

/** What the sign-in page of an organisation offers: its name, its single sign-on button, and whether passwords sign in. */
export async function signInOptions(deps: Deps, slug: string) {
  const org = await publicOrg(deps.db, slug);
  if (!org) throw new NotFound('Organisation', [{ path: 'slug', message: 'is not the address of any business' }]);
  const [row, policy] = await Promise.all([store.findSsoProvider(deps.db, org.id), people.signInPolicy(deps.db, org.id)]);
  return { name: org.name, slug: org.slug, sso: row ? { name: row.name } : null, passwordSignIn: policy.passwordSignIn };
}

/** Starts a sign-in at the organisation's provider: the address to send the browser to, and the state to bind to it. */
export async function startSignIn(deps: Deps, sealer: Sealer, options: SsoOptions, slug: string) {
  const org = await publicOrg(deps.db, slug);
  const row = org && (await store.findSsoProvider(deps.db, org.id));
  if (!org || !row) throw new NotFound('Single sign-on', [{ path: 'org', message: 'has no single sign-on' }]);
  const config = await configFor(options, sealer, row);
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const verifier = oidc.randomPKCECodeVerifier();
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (trx) => {
    await store.pruneSsoLogins(trx, now);
    await store.insertSsoLogin(trx, { state, org_id: org.id, code_verifier: verifier, nonce, created_at: now, expires_at: now + SSO_LOGIN_TTL_MS });
  });
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: redirectUriOf(options),
    scope: 'openid email profile',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  });
  return { url: url.toString(), state };
}

export interface CallbackInput {
  state: string;
  code: string;
  iss?: string;
}

/**
 * The provider sent the browser back: the state must be the one this browser started
 * (its cookie) and still open; openid-client exchanges the code with the PKCE verifier
 * and verifies the ID token and its nonce. The person is signed in, added, or refused.
 */
export async function finishSignIn(deps: Deps, sealer: Sealer, options: SsoOptions, input: CallbackInput, browserState: string | undefined, ttlMs: number, origin: Origin) {
  if (browserState !== input.state) throw Invalid.field('state', 'does not belong to a sign-in started in this browser');
  const now = deps.clock.now();
  const login = await deps.db.transaction().execute((trx) => store.takeSsoLogin(trx, input.state, now));
  if (!login) throw Invalid.field('state', 'is unknown, was used already, or has expired; sign in again');
  const row = await store.findSsoProvider(deps.db, login.org_id);
  if (!row) throw Invalid.field('state', 'is for an organisation that no longer has single sign-on');
  const config = await configFor(options, sealer, row);
  const back = new URL(redirectUriOf(options));
  back.searchParams.set('code', input.code);
  back.searchParams.set('state', input.state);
  if (input.iss !== undefined) back.searchParams.set('iss', input.iss);
  let claims: { sub: string; email?: unknown; email_verified?: unknown; name?: unknown };
  try {
    const tokens = await oidc.authorizationCodeGrant(config, back, { pkceCodeVerifier: login.code_verifier, expectedState: input.state, expectedNonce: login.nonce, idTokenExpected: true });
    claims = tokens.claims()!;
    // Providers that keep the email out of the ID token give it at their userinfo endpoint.
    if (typeof claims.email !== 'string') claims = { ...claims, ...(await oidc.fetchUserInfo(config, tokens.access_token, claims.sub)) };
  } catch (error) {
    throw new Unauthorized(`${row.name} did not confirm this sign-in (${(error as Error).message}); sign in again`, [{ path: 'code', message: 'was not accepted by the provider' }]);
  }
  const email = typeof claims.email === 'string' ? claims.email.trim().toLowerCase() : '';
  if (!/^[^@\s]+@[^@\s]+$/.test(email)) throw new Forbidden(`${row.name} did not tell which email this is`, [{ path: 'email', message: 'was not given by the provider' }]);
  if (claims.email_verified === false) throw new Forbidden(`${row.name} has not verified ${email}`, [{ path: 'email', message: 'is not verified at the provider' }]);
  const domains = JSON.parse(row.allowed_domains) as string[];
  if (!domains.includes(email.slice(email.lastIndexOf('@') + 1))) {
    throw new Forbidden(`${email} may not sign in here: only addresses at ${domains.join(', ')} may`, [{ path: 'email', message: `is not at an allowed domain (${domains.join(', ')})` }]);
  }
  const givenName = typeof claims.name === 'string' && claims.name.trim() ? claims.name.trim().slice(0, 120) : null;
  return deps.db.transaction().execute(async (trx) => {
    const orgId = row.org_id;
    // Matched within this business only: an account with the email in another business is another account.
    const existing = await people.personInOrgByEmail(trx, orgId, email);
    let userId: string;
    let invitationId: string | null = null;
    if (existing) {
      if (!existing.active) throw new Forbidden(`${email} has been deactivated in this business`, [{ path: 'email', message: 'is deactivated' }]);
      userId = existing.id;
    } else {
      const invitation = await store.findPendingInvitation(trx, orgId, email, now);
      userId = await people.addPerson(trx, {
        orgId,
        email,
        name: givenName ?? invitation?.name ?? email.slice(0, email.indexOf('@')),
        role: (invitation?.role ?? 'member') as Role,
        passwordHash: null,
        teamIds: invitation ? (JSON.parse(invitation.team_ids) as string[]) : [],
        now,
      });
      if (invitation && (await store.claimInvitation(trx, invitation.id, now, userId))) {
        invitationId = invitation.id;
        await recordAudit(trx, { orgId, actorId: userId, action: 'invitation.accepted', subject: { type: 'invitation', id: invitation.id }, ip: origin.ip, data: { email, role: invitation.role, via: 'sso' } }, now);
      }
    }
    const session = await people.issueSession(trx, { orgId, userId, name: 'sso', now, ttlMs, userAgent: origin.userAgent, address: origin.ip });
    const data = { email, provider: row.name, created: !existing, ...(invitationId && { invitationId }) };
    await recordAudit(trx, { orgId, actorId: userId, action: 'sso.signed_in', subject: { type: 'session', id: session.id }, ip: origin.ip, data }, now);
    return { token: session.secret, user: await people.presentPerson(trx, orgId, userId) };
  });
}
