// Log in, when the email and password sign in to more than one business: the
// businesses they sign in to (and no others), one button each.
import { useState } from 'react';
import { AuthFrame, fieldErrors } from '../pages/Auth.tsx';

export interface Business {
  id: string;
  name: string;
}

export function ChooseBusiness({ orgs, onChoose, onBack }: { orgs: Business[]; onChoose: (orgId: string) => Promise<unknown>; onBack: () => void }) {
  const [busy, setBusy] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const choose = async (org: Business) => {
    setBusy(org.id);
    setFailure(null);
    const error = await onChoose(org.id);
    // Signed in (or on to the next step), this page is gone; otherwise say why.
    if (error) {
      const found = fieldErrors(error);
      setFailure(found.general ?? Object.values(found.fields)[0] ?? 'That did not work; try again');
      setBusy(null);
    }
  };
  return (
    <AuthFrame title="Choose a business" subtitle="Your email and password sign in to more than one business. Which one now?">
      <ul className="business-choice" aria-label="Your businesses">
        {orgs.map((org) => (
          <li key={org.id}>
            <button type="button" className="button button-block" disabled={busy !== null} onClick={() => void choose(org)}>{org.name}</button>
          </li>
        ))}
      </ul>
      <div aria-live="assertive">{failure && <p className="field-error" role="alert">{failure}</p>}</div>
      <p className="muted auth-switch"><button type="button" className="link-button" onClick={onBack}>Back to log in</button></p>
    </AuthFrame>
  );
}
