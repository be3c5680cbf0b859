// Settings → API tokens (whoever may manage integrations): make a token for an integration with an
// expiry (30 days, 90 days or never), shown once with a copy button; the list says when each
// expires and was last used, and a token can be revoked.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { DateTime } from 'luxon';
import { type FormEvent, useState } from 'react';
import type { TokenView } from '../../../src/people/person.ts';
import { api, describeError } from '../api/client.ts';
import { formatDate } from '../accounts/format.ts';
import { showToast } from '../shell/toasts.tsx';
import { type Errors, errorsOf, FieldError } from './settingsForm.tsx';
import './api-tokens.css';

const tokensKey = ['tokens'] as const;
const LIFETIMES = [
  { value: '30', label: '30 days', days: 30 },
  { value: '90', label: '90 days', days: 90 },
  { value: 'never', label: 'Never', days: null },
] as const;

export function ApiTokenSettings() {
  const tokens = useQuery({ queryKey: tokensKey, queryFn: () => api.get<{ items: TokenView[] }>('/api/v1/tokens') });
  const [shown, setShown] = useState<{ name: string; token: string } | null>(null);
  const live = (tokens.data?.items ?? []).filter((t) => t.revokedAt === null);
  return (
    <section className="settings-section" aria-label="API tokens">
      <h2>API tokens</h2>
      <p className="muted">An integration (your accounting or booking system, a script) signs in with a token. It acts as you, so give each system its own and revoke it when the system goes.</p>
      {shown && <TokenOnce shown={shown} onDone={() => setShown(null)} />}
      {tokens.isError && <p className="field-error" role="alert">{describeError(tokens.error)}</p>}
      {tokens.isSuccess && live.length === 0 && <p className="muted">No API tokens yet.</p>}
      {live.length > 0 && (
        <ul className="token-list" aria-label="Your business's API tokens">
          {live.map((token) => <TokenRow key={token.id} token={token} />)}
        </ul>
      )}
      <NewToken onCreated={setShown} />
    </section>
  );
}

function TokenOnce({ shown, onDone }: { shown: { name: string; token: string }; onDone: () => void }) {
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(shown.token);
      showToast('Token copied');
    } catch {
      showToast('Could not copy: select the token and copy it by hand', { tone: 'error' });
    }
  };
  return (
    <div className="token-once" role="status" aria-label="New API token">
      <p>The token for “{shown.name}” — shown only now. Copy it into the system that will use it.</p>
      <div className="inline-form">
        <input readOnly aria-label="New API token" value={shown.token} onFocus={(e) => e.target.select()} />
        <button type="button" className="button button-primary" onClick={() => void copy()}>Copy</button>
        <button type="button" className="button" onClick={onDone}>Done</button>
      </div>
    </div>
  );
}

function NewToken({ onCreated }: { onCreated: (shown: { name: string; token: string }) => void }) {
  const qc = useQueryClient();
  const [name, setName] = useState('');
  const [lifetime, setLifetime] = useState<(typeof LIFETIMES)[number]['value']>('90');
  const [errors, setErrors] = useState<Errors>({});
  const [busy, setBusy] = useState(false);
  const create = async (event: FormEvent) => {
    event.preventDefault();
    setErrors({});
    setBusy(true);
    try {
      const days = LIFETIMES.find((l) => l.value === lifetime)?.days ?? null;
      const expiresAt = days === null ? null : DateTime.now().plus({ days }).toUTC().toISO();
      const created = await api.post<TokenView & { token: string }>('/api/v1/tokens', { name, expiresAt });
      onCreated({ name: created.name, token: created.token });
      setName('');
      void qc.invalidateQueries({ queryKey: tokensKey });
    } catch (error) {
      setErrors(errorsOf(error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="token-form" onSubmit={create} noValidate aria-label="New API token">
      <h3 className="sub">New token</h3>
      <div>
        <label htmlFor="token-name">Name</label>
        <input id="token-name" placeholder="What will use it, e.g. Accounting sync" value={name} maxLength={80} onChange={(e) => setName(e.target.value)} />
        <FieldError errors={errors} path="name" />
      </div>
      <div>
        <label htmlFor="token-lifetime">Expires after</label>
        <select id="token-lifetime" value={lifetime} onChange={(e) => setLifetime(e.target.value as typeof lifetime)}>
          {LIFETIMES.map((l) => <option key={l.value} value={l.value}>{l.label}</option>)}
        </select>
        <FieldError errors={errors} path="expiresAt" />
      </div>
      <button type="submit" className="button button-primary" disabled={busy}>Create token</button>
      <FieldError errors={errors} path="_" />
    </form>
  );
}

function TokenRow({ token }: { token: TokenView }) {
  const qc = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const expired = token.expiresAt !== null && Date.parse(token.expiresAt) <= Date.now();
  const revoke = async () => {
    if (!window.confirm(`Revoke the token “${token.name}”? Whatever uses it stops working at once.`)) return;
    setError(null);
    try {
      await api.delete(`/api/v1/tokens/${token.id}`);
      showToast(`Revoked “${token.name}”`);
    } catch (failure) {
      setError(describeError(failure));
    }
    void qc.invalidateQueries({ queryKey: tokensKey });
  };
  return (
    <li className="token-row" aria-label={`API token ${token.name}`}>
      <div className="token-facts">
        <strong>{token.name}</strong>
        {expired && <span className="chip">Expired</span>}
        <span className="muted">Made {formatDate(token.createdAt)}</span>
        <span className="muted">{token.lastUsedAt ? `Last used ${formatDate(token.lastUsedAt)}` : 'Never used'}</span>
        <span className="muted">{token.expiresAt === null ? 'Never expires' : `${expired ? 'Expired' : 'Expires'} ${formatDate(token.expiresAt)}`}</span>
      </div>
      <button type="button" className="button" aria-label={`Revoke ${token.name}`} onClick={() => void revoke()}>Revoke</button>
      {error && <p className="field-error" role="alert">{error}</p>}
    </li>
  );
}
