// Settings → Sign-in, for admins: who must use two-factor sign-in, the
// business's single sign-on (an OpenID provider: its name on the button, issuer,
// client id and secret — never shown again — and the email domains allowed),
// the sign-in page's address to share, and whether passwords still sign in.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api } from '../api/client.ts';
import type { Org } from '../api/types.ts';
import { type Errors, errorsOf, FieldError, save } from '../people/settingsForm.tsx';
import { showToast } from '../shell/toasts.tsx';
import { keys, useOrg } from '../tasks/queries.ts';

interface SsoSettings {
  name: string;
  issuer: string;
  clientId: string;
  allowedDomains: string[];
  redirectUri: string;
  updatedAt: string;
}

const ssoKey = ['sso', 'settings'];

export function SignInSettings() {
  const org = useOrg();
  const qc = useQueryClient();
  const sso = useQuery({ queryKey: ssoKey, queryFn: () => api.get<SsoSettings | null>('/api/v1/sso/settings') });
  const [policyErrors, setPolicyErrors] = useState<Errors>({});
  const [errors, setErrors] = useState<Errors>({});
  if (!org.data || sso.isPending) return null;
  const current = org.data;
  const settings = sso.data ?? null;
  const policy = async (changes: Partial<Pick<Org, 'requireTwoFactor' | 'passwordSignIn'>>) => {
    setPolicyErrors({});
    try {
      qc.setQueryData(keys.org, await save<Org>('PATCH', '/api/v1/org', changes, current.version));
      showToast('Saved');
    } catch (error) {
      setPolicyErrors(errorsOf(error));
      void qc.invalidateQueries({ queryKey: keys.org });
    }
  };
  const saveSso = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = Object.fromEntries(new FormData(event.currentTarget)) as Record<string, string>;
    setErrors({});
    const body = {
      name: form.name,
      issuer: form.issuer,
      clientId: form.clientId,
      ...(form.clientSecret ? { clientSecret: form.clientSecret } : {}),
      allowedDomains: (form.allowedDomains ?? '').split(/[\s,]+/).filter(Boolean),
    };
    try {
      qc.setQueryData(ssoKey, await api.put<SsoSettings>('/api/v1/sso/settings', body));
      showToast('Single sign-on saved');
    } catch (error) {
      setErrors(errorsOf(error));
    }
  };
  const remove = async () => {
    setErrors({});
    try {
      await api.delete('/api/v1/sso/settings');
      qc.setQueryData(ssoKey, null);
      showToast('Single sign-on removed');
    } catch (error) {
      setErrors(errorsOf(error));
    }
  };
  const signInLink = `${window.location.origin}/login?org=${encodeURIComponent(current.slug)}`;
  return (
    <section className="settings-section" aria-label="Sign-in">
      <h2>Sign-in</h2>
      <div className="detail-grid">
        <label htmlFor="require-two-factor">Two-factor sign-in</label>
        <div>
          <select id="require-two-factor" value={current.requireTwoFactor} onChange={(e) => void policy({ requireTwoFactor: e.target.value as Org['requireTwoFactor'] })}>
            <option value="none">Not required (each person chooses)</option>
            <option value="managers">Required for managers and above</option>
          </select>
          <p className="muted hint">Those it is required of set it up at their next sign-in.</p>
          <FieldError errors={policyErrors} path="requireTwoFactor" />
        </div>
      </div>

      <h3 className="sub">Single sign-on</h3>
      <p className="muted">Let people sign in with your Google Workspace, Microsoft 365, Okta or other OpenID Connect account.</p>
      <form className="sso-form" onSubmit={saveSso} noValidate aria-label="Single sign-on" key={settings?.updatedAt ?? 'new'}>
        <label htmlFor="sso-name">Button name</label>
        <div><input id="sso-name" name="name" defaultValue={settings?.name ?? ''} placeholder="Google" /><FieldError errors={errors} path="name" /></div>
        <label htmlFor="sso-issuer">Issuer address</label>
        <div><input id="sso-issuer" name="issuer" type="url" defaultValue={settings?.issuer ?? ''} placeholder="https://accounts.google.com" /><FieldError errors={errors} path="issuer" /></div>
        <label htmlFor="sso-client-id">Client ID</label>
        <div><input id="sso-client-id" name="clientId" defaultValue={settings?.clientId ?? ''} autoComplete="off" /><FieldError errors={errors} path="clientId" /></div>
        <label htmlFor="sso-client-secret">Client secret</label>
        <div>
          <input id="sso-client-secret" name="clientSecret" type="password" autoComplete="new-password" placeholder={settings ? 'Saved — leave empty to keep it' : ''} />
          <FieldError errors={errors} path="clientSecret" />
        </div>
        <label htmlFor="sso-domains">Allowed email domains</label>
        <div>
          <input id="sso-domains" name="allowedDomains" defaultValue={settings?.allowedDomains.join(', ') ?? ''} placeholder="example.com" />
          <p className="muted hint">People with these addresses can sign in; the first time, they join as members (or as their invitation says).</p>
          <FieldError errors={errors} path="allowedDomains" />
        </div>
        <div className="sso-actions">
          <button type="submit" className="button button-primary">{settings ? 'Save single sign-on' : 'Turn on single sign-on'}</button>
          {settings && <button type="button" className="button" onClick={() => void remove()}>Remove</button>}
        </div>
        <FieldError errors={errors} path="_" />
      </form>
      {settings && (
        <div className="invite-link sso-links">
          <label htmlFor="sso-redirect">Redirect address to register at your provider</label>
          <input id="sso-redirect" readOnly value={settings.redirectUri} onFocus={(e) => e.target.select()} />
          <label htmlFor="sso-login-link">Your sign-in page, to share with your team</label>
          <input id="sso-login-link" readOnly value={signInLink} onFocus={(e) => e.target.select()} />
        </div>
      )}
      <label className="check-row">
        <input type="checkbox" checked={current.passwordSignIn} disabled={!settings && current.passwordSignIn} onChange={(e) => void policy({ passwordSignIn: e.target.checked })} />
        People can also sign in with a password
      </label>
      <p className="muted hint">{settings ? 'When off, everyone but the owner signs in with single sign-on only; the owner keeps a password as a way in.' : 'Turn on single sign-on first to sign in with it only.'}</p>
      <FieldError errors={policyErrors} path="passwordSignIn" />
      <FieldError errors={policyErrors} path="_" />
    </section>
  );
}
