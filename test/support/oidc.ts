// A real OpenID provider (the certified `oidc-provider`) on a local port, in the
// test process, for single sign-on tests: one client, accounts named by their
// email, and its own login and consent pages (any password signs in).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

export interface TestProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Signs in at the provider as `email` (its login and consent pages, as a browser would post them) and returns where it sends the browser back to. */
  signIn(authorizationUrl: string, email: string): Promise<URL>;
  close(): Promise<void>;
}

/** Display names the provider gives, by email. */
export const NAMES: Record<string, string> = {};

export async function startProvider(redirectUris: string[]): Promise<TestProvider> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clientId = 'finishline';
  const clientSecret = 'a client secret that is long enough for HS256 signing';
  const provider = new Provider(issuer, {
    clients: [{ client_id: clientId, client_secret: clientSecret, redirect_uris: redirectUris, grant_types: ['authorization_code'], response_types: ['code'], token_endpoint_auth_method: 'client_secret_post' }],
    async findAccount(_ctx, id) {
      return { accountId: id, claims: async () => ({ sub: id, email: id, email_verified: !id.startsWith('unverified'), name: NAMES[id] ?? 'Sam Single' }) };
    },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    cookies: { keys: ['a cookie signing key for the test provider'] },
    ttl: { AccessToken: 600, AuthorizationCode: 60, Grant: 3600, IdToken: 600, Interaction: 600, Session: 3600 },
    features: { devInteractions: { enabled: true } },
  });
  // The provider warns about its development login page on the console: it is what the tests use.
  provider.on('server_error', (_ctx, error) => console.error('test OpenID provider:', error));
  server.on('request', provider.callback());
  const back = (url: URL) => redirectUris.some((uri) => url.toString().startsWith(uri));
  return {
    issuer,
    clientId,
    clientSecret,
    async signIn(authorizationUrl, email) {
      const jar = new Map<string, string>();
      let url = new URL(authorizationUrl);
      let init: RequestInit = {};
      for (let hop = 0; hop < 20; hop++) {
        const res = await fetch(url, { ...init, redirect: 'manual', headers: { ...(init.headers as Record<string, string>), cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') } });
        for (const cookie of res.headers.getSetCookie()) {
          const [pair] = cookie.split(';');
          const at = pair!.indexOf('=');
          jar.set(pair!.slice(0, at), pair!.slice(at + 1));
        }
        const location = res.headers.get('location');
        if (location) {
          url = new URL(location, url);
          init = {};
          if (back(url)) return url;
          continue;
        }
        const html = await res.text();
        const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
        const prompt = /name="prompt" value="(\w+)"/.exec(html)?.[1];
        if (!action || !prompt) throw new Error(`the provider answered ${res.status}: ${html.slice(0, 300)}`);
        const form = new URLSearchParams({ prompt, ...(prompt === 'login' && { login: email, password: 'anything' }) });
        url = new URL(action, url);
        init = { method: 'POST', body: form.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } };
      }
      throw new Error('the provider never sent the browser back');
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
