// Settings → Security, for everyone: your own password (the current one is
// needed), two-factor sign-in (turn it on with a QR code and a code, keep the
// recovery codes, renew them, turn it off with a code), and your sessions and API tokens — where each came from, when it was
// last used — each of which can be ended, or every other session at once.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api, describeError, request } from '../api/client.ts';
import type { User } from '../api/types.ts';
import { type Errors, errorsOf, FieldError } from '../people/settingsForm.tsx';
import { showToast } from '../shell/toasts.tsx';
import { deviceName, formatDate } from './format.ts';
import { RecoveryCodes, type Setup, SetupCode } from './TwoFactorParts.tsx';
import './accounts.css';

interface SignIn {
  id: string;
  kind: 'session' | 'api';
  name: string;
  userAgent: string | null;
  address: string | null;
  createdAt: string;
  lastUsedAt: string | null;
  current: boolean;
}

const sessionsKey = ['me', 'sessions'];

export function SecuritySettings({ me }: { me: User }) {
  return (
    <section className="settings-section" aria-label="Security">
      <h2>Security</h2>
      <PasswordChange me={me} />
      <TwoFactor />
      <Sessions />
    </section>
  );
}

function PasswordChange({ me }: { me: User }) {
  const qc = useQueryClient();
  const [errors, setErrors] = useState<Errors>({});
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const body = Object.fromEntries(new FormData(form));
    setErrors({});
    try {
      await api.patch(`/api/v1/users/${me.id}`, body);
      form.reset();
      showToast('Password changed; you are signed out everywhere else');
      void qc.invalidateQueries({ queryKey: sessionsKey });
    } catch (error) {
      setErrors(errorsOf(error));
    }
  };
  return (
    <form className="password-form" onSubmit={submit} noValidate aria-label="Change your password">
      <h3 className="sub">Password</h3>
      <label htmlFor="current-password">Current password</label>
      <input id="current-password" name="currentPassword" type="password" autoComplete="current-password" />
      <FieldError errors={errors} path="currentPassword" />
      <label htmlFor="new-password">New password</label>
      <input id="new-password" name="password" type="password" autoComplete="new-password" placeholder="At least 12 characters" />
      <FieldError errors={errors} path="password" />
      <FieldError errors={errors} path="_" />
      <button type="submit" className="button">Change password</button>
    </form>
  );
}

function Sessions() {
  const qc = useQueryClient();
  const list = useQuery({ queryKey: sessionsKey, queryFn: () => api.get<{ items: SignIn[] }>('/api/v1/me/sessions') });
  const [error, setError] = useState<string | null>(null);
  const act = async (work: () => Promise<void>, done: string) => {
    setError(null);
    try {
      await work();
      showToast(done);
    } catch (failure) {
      setError(describeError(failure));
    }
    void qc.invalidateQueries({ queryKey: sessionsKey });
  };
  const items = list.data?.items ?? [];
  const others = items.filter((s) => s.kind === 'session' && !s.current).length;
  return (
    <>
      <h3 className="sub">Where you are signed in</h3>
      <div aria-live="polite">{error && <p className="field-error" role="alert">{error}</p>}</div>
      <table className="table sessions-table">
        <thead><tr><th>Device</th><th>Address</th><th>Signed in</th><th>Last used</th><th aria-label="Actions" /></tr></thead>
        <tbody>
          {items.map((s) => {
            const label = s.kind === 'api' ? `API token “${s.name}”` : deviceName(s.userAgent);
            return (
              <tr key={s.id}>
                <td>{label}{s.current && <div className="session-current">This device</div>}</td>
                <td className="muted">{s.address ?? '—'}</td>
                <td className="muted">{formatDate(s.createdAt)}</td>
                <td className="muted">{formatDate(s.lastUsedAt)}</td>
                <td className="row-actions">
                  {!s.current && (
                    <button type="button" className="button" aria-label={`End ${label}, signed in ${formatDate(s.createdAt)}`} onClick={() => void act(() => api.delete(`/api/v1/me/sessions/${s.id}`), `Ended ${label}`)}>
                      End
                    </button>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <button type="button" className="button" disabled={others === 0} onClick={() => void act(() => api.delete('/api/v1/me/sessions'), 'Signed out everywhere else')}>
        Sign out everywhere else
      </button>
    </>
  );
}

interface TwoFactorStatus {
  enabled: boolean;
  required: boolean;
  recoveryCodesLeft: number;
}

const twoFactorKey = ['me', 'two-factor'];

function TwoFactor() {
  const qc = useQueryClient();
  const status = useQuery({ queryKey: twoFactorKey, queryFn: () => api.get<TwoFactorStatus>('/api/v1/me/two-factor') });
  const [setup, setSetup] = useState<Setup | null>(null);
  const [codes, setCodes] = useState<string[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [offErrors, setOffErrors] = useState<Errors>({});
  const refresh = () => void qc.invalidateQueries({ queryKey: twoFactorKey });
  const start = async () => {
    setError(null);
    setCodes(null);
    try {
      setSetup(await api.post<Setup>('/api/v1/me/two-factor'));
    } catch (failure) {
      setError(describeError(failure));
    }
  };
  const turnOff = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    setOffErrors({});
    try {
      await request('DELETE', '/api/v1/me/two-factor', { code: String(new FormData(form).get('code') ?? '').trim() });
      form.reset();
      showToast('Two-factor sign-in is off');
      refresh();
    } catch (failure) {
      setOffErrors(errorsOf(failure));
    }
  };
  const s = status.data;
  return (
    <div className="two-factor" aria-label="Two-factor sign-in" role="group">
      <h3 className="sub">Two-factor sign-in</h3>
      <div aria-live="polite">{error && <p className="field-error" role="alert">{error}</p>}</div>
      {codes && <RecoveryCodes codes={codes} />}
      {s && !s.enabled && !setup && (
        <>
          <p className="muted">{s.required ? 'Your business requires two-factor sign-in for your role. ' : ''}Sign in with your password and a code from an authenticator app on your phone.</p>
          <button type="button" className="button" onClick={() => void start()}>Set up two-factor sign-in</button>
        </>
      )}
      {s && !s.enabled && setup && (
        <SetupCode
          setup={setup}
          confirm={async (code) => {
            const result = await api.post<{ recoveryCodes: string[] }>('/api/v1/me/two-factor/confirm', { code });
            setSetup(null);
            setCodes(result.recoveryCodes);
            showToast('Two-factor sign-in is on');
            refresh();
          }}
        />
      )}
      {s?.enabled && (
        <>
          <p className="two-factor-on">On. {s.recoveryCodesLeft} recovery code{s.recoveryCodesLeft === 1 ? '' : 's'} left.</p>
          <RenewCodes onRenewed={(fresh) => { setCodes(fresh); refresh(); }} />
          {!s.required && (
            <form className="password-form" onSubmit={turnOff} noValidate aria-label="Turn off two-factor sign-in">
              <label htmlFor="two-factor-off-code">Code from the app, or a recovery code</label>
              <input id="two-factor-off-code" name="code" autoComplete="one-time-code" />
              <FieldError errors={offErrors} path="code" />
              <FieldError errors={offErrors} path="_" />
              <button type="submit" className="button">Turn off two-factor sign-in</button>
            </form>
          )}
          {s.required && <p className="muted">Your business requires it for your role, so it stays on.</p>}
        </>
      )}
    </div>
  );
}

/** Ten new recovery codes, proven by a code from the app or the password (a 6-digit code is never a password: those are 12 characters or more). */
function RenewCodes({ onRenewed }: { onRenewed: (codes: string[]) => void }) {
  const [errors, setErrors] = useState<Errors>({});
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const proof = String(new FormData(form).get('proof') ?? '').trim();
    setErrors({});
    try {
      const body = /^\d{3} ?\d{3}$/.test(proof) ? { code: proof } : { password: proof };
      const result = await api.post<{ recoveryCodes: string[] }>('/api/v1/me/two-factor/recovery-codes', body);
      form.reset();
      showToast('New recovery codes made; the old ones no longer work');
      onRenewed(result.recoveryCodes);
    } catch (failure) {
      const found = errorsOf(failure);
      setErrors({ ...found, ...((found.code ?? found.password) && { proof: found.code ? `The code ${found.code}.` : `That ${found.password}.` }) });
    }
  };
  return (
    <form className="password-form" onSubmit={submit} noValidate aria-label="Make new recovery codes">
      <label htmlFor="renew-codes-proof">Code from the app, or your password</label>
      <input id="renew-codes-proof" name="proof" type="password" autoComplete="one-time-code" />
      <FieldError errors={errors} path="proof" />
      <FieldError errors={errors} path="_" />
      <button type="submit" className="button">Make new recovery codes</button>
      <p className="muted hint">The codes you have now stop working.</p>
    </form>
  );
}
