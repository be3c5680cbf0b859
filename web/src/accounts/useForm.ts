// One form of the pages reached signed out (log in, accept an invitation, reset a
// password): sends the fields, and shows what the API refused under the field it
// names, or above the button. A problem that means something else — a second step
// of signing in, say — is the caller's to take through onProblem.
import { type FormEvent, useState } from 'react';
import { type Errors, fieldErrors } from '../pages/Auth.tsx';

export interface FormOptions {
  /** Shown above the button until the next answer (why the person is back on this form). */
  notice?: string | null;
  /** Takes a refusal before it is shown; true when it was dealt with (nothing is shown then). */
  onProblem?: (error: unknown) => boolean;
}

export function useForm(send: (form: Record<string, string>) => Promise<void>, options: FormOptions = {}) {
  const [errors, setErrors] = useState<Errors>({});
  const [general, setGeneral] = useState<string | null>(options.notice ?? null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = Object.fromEntries(new FormData(event.currentTarget)) as Record<string, string>;
    setBusy(true);
    try {
      await send(form);
      setErrors({});
      setGeneral(null);
    } catch (error) {
      if (options.onProblem?.(error)) return;
      const found = fieldErrors(error);
      // A bad or used link is reported on the link itself, which has no field on the page.
      if (found.fields.token) setGeneral(`This link ${found.fields.token}.`);
      else setGeneral(found.general);
      setErrors(found.fields);
    } finally {
      setBusy(false);
    }
  };
  return { errors, general, busy, submit };
}
