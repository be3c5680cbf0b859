// What setting up two-factor sign-in looks like wherever it happens (Settings →
// Security, or signing in when the business requires it): the QR code and the
// secret as text, the code that confirms it, and the recovery codes shown once.
import { type FormEvent, useState } from 'react';
import { fieldErrors } from '../pages/Auth.tsx';

export interface Setup {
  secret: string;
  otpauthUrl: string;
  qrCode: string;
}

/** The secret in groups of four, as authenticator apps let you type it. */
function grouped(secret: string): string {
  return secret.replace(/(.{4})/g, '$1 ').trim();
}

export function SetupCode({ setup, confirm, onExpired }: { setup: Setup; confirm: (code: string) => Promise<void>; onExpired?: (message: string) => void }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const code = String(new FormData(event.currentTarget).get('code') ?? '').trim();
    setBusy(true);
    setError(null);
    try {
      await confirm(code);
    } catch (failure) {
      const found = fieldErrors(failure);
      if (found.fields.pendingToken && onExpired) return onExpired(`Your sign-in ${found.fields.pendingToken}.`);
      setError(found.fields.code ? `The code ${found.fields.code}.` : (found.general ?? Object.values(found.fields)[0] ?? 'Something went wrong'));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="two-factor-setup">
      <ol className="two-factor-steps">
        <li>Scan this QR code with an authenticator app (Google Authenticator, Microsoft Authenticator, 1Password, Authy…).</li>
        <li>Or type this key into the app: <code className="two-factor-secret" aria-label="Setup key">{grouped(setup.secret)}</code></li>
        <li>Enter the 6-digit code the app shows.</li>
      </ol>
      <img className="two-factor-qr" src={setup.qrCode} alt="QR code to scan with your authenticator app" width={200} height={200} />
      <form className="form" onSubmit={submit} noValidate aria-label="Confirm two-factor sign-in">
        <div className={`field ${error ? 'has-error' : ''}`}>
          <label htmlFor="two-factor-code">Code from the app</label>
          <input id="two-factor-code" name="code" inputMode="numeric" autoComplete="one-time-code" maxLength={7} aria-invalid={error ? true : undefined} aria-describedby={error ? 'two-factor-code-error' : undefined} />
        </div>
        <div aria-live="assertive">{error && <p className="field-error" id="two-factor-code-error" role="alert">{error}</p>}</div>
        <button type="submit" className="button button-primary" disabled={busy}>Turn on two-factor sign-in</button>
      </form>
    </div>
  );
}

export function RecoveryCodes({ codes }: { codes: string[] }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(codes.join('\n'));
      setCopied(true);
    } catch {
      setCopied(false);
    }
  };
  return (
    <div className="recovery-codes" aria-label="Recovery codes">
      <p>If you lose your phone, each of these codes signs you in once. They are shown only now: save them in a password manager or print them.</p>
      <ul>{codes.map((code) => <li key={code}><code>{code}</code></li>)}</ul>
      <button type="button" className="button" onClick={() => void copy()}>{copied ? 'Copied' : 'Copy the codes'}</button>
    </div>
  );
}
