// One form of the pages reached signed out (sign up, log in, accept an invitation, reset a
// password): sends the fields, and shows what the API refused under the field it
// names, or above the button. A problem that means something else — a second step
// of signing in, say — is the caller's to take through onProblem.
import { type FormEvent, useState } from 'react';
import { ApiError, describeError } from '../api/client.ts';

export type Errors = Record<string, string>;

/** A refusal's messages by the field they name, or one general message. */
export function fieldErrors(error: unknown): { fields: Errors; general: string | null } {
  if (error instanceof ApiError && error.problem.errors?.length) {
    return { fields: Object.fromEntries(error.problem.errors.map((e) => [e.path, e.message])), general: null };
  }
  return { fields: {}, general: describeError(error) };
}

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
