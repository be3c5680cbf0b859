// The public lead form at /f/<business>: what a visitor to the business's website fills in to ask for work.
// No sign-in; it may sit inside the business's own site (an iframe), so it is only the form.
import { type FormEvent, useEffect, useState } from 'react';
import { ApiError, api, describeError } from '../api/client.ts';
import { messagesByField } from '../records/formFields.ts';

interface Business {
  name: string;
  slug: string;
}

const FIELDS = [
  { key: 'name', label: 'Your name', type: 'text', autoComplete: 'name' },
  { key: 'phone', label: 'Phone', type: 'tel', autoComplete: 'tel' },
  { key: 'email', label: 'Email', type: 'email', autoComplete: 'email' },
  { key: 'address', label: 'Address of the job', type: 'text', autoComplete: 'street-address' },
] as const;

export function LeadFormPage({ slug }: { slug: string }) {
  const [business, setBusiness] = useState<Business | null>(null);
  const [missing, setMissing] = useState<string | null>(null);
  const [values, setValues] = useState<Record<string, string>>({ name: '', phone: '', email: '', address: '', need: '', website: '' });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [sending, setSending] = useState(false);
  const [sent, setSent] = useState(false);

  useEffect(() => {
    api.get<Business>(`/api/v1/lead-forms/${encodeURIComponent(slug)}`).then(
      (found) => {
        setBusiness(found);
        document.title = `Ask ${found.name} for help`;
      },
      (error: unknown) => setMissing(error instanceof ApiError && error.status === 404 ? 'There is no request form at this address.' : describeError(error)),
    );
  }, [slug]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSending(true);
    setErrors({});
    try {
      await api.post(`/api/v1/lead-forms/${encodeURIComponent(slug)}`, values);
      setSent(true);
    } catch (error) {
      if (error instanceof ApiError && error.status === 429) setErrors({ _: 'We have had several requests from your connection just now. Please try again in a few minutes, or phone us.' });
      else if (error instanceof ApiError && error.problem.errors?.length) setErrors(messagesByField(error.problem.errors));
      else setErrors({ _: error instanceof ApiError ? 'Your request could not be sent. Please try again.' : describeError(error) });
    } finally {
      setSending(false);
    }
  };

  if (missing) return <main className="lead-form-page"><p className="lead-form-note">{missing}</p></main>;
  if (!business) return <main className="lead-form-page" aria-busy="true" />;
  if (sent) {
    return (
      <main className="lead-form-page">
        <div className="lead-form-card" role="status">
          <h1>Thank you</h1>
          <p>{business.name} has your request and will be in touch soon.</p>
        </div>
      </main>
    );
  }
  const set = (key: string) => (e: { target: { value: string } }) => {
    setValues((v) => ({ ...v, [key]: e.target.value }));
    // A message goes once its field is changed; a phone or an email answers the same one.
    setErrors(({ [key]: _, ...rest }) => (key === 'email' ? (({ phone: __, ...others }) => others)(rest) : rest));
  };
  return (
    <main className="lead-form-page">
      <form className="lead-form-card form" onSubmit={submit} noValidate aria-label={`Request from ${business.name}`}>
        <h1>Ask {business.name} for help</h1>
        <p className="muted">Tell us what you need and how to reach you; we will get back to you.</p>
        {FIELDS.map((field) => (
          <div key={field.key} className={`field ${errors[field.key] ? 'has-error' : ''}`}>
            <label htmlFor={`lf-${field.key}`}>{field.label}</label>
            <input id={`lf-${field.key}`} type={field.type} autoComplete={field.autoComplete} value={values[field.key]} onChange={set(field.key)} />
            {errors[field.key] && <p className="field-error" role="alert">{errors[field.key]}</p>}
          </div>
        ))}
        <div className={`field ${errors.need ? 'has-error' : ''}`}>
          <label htmlFor="lf-need">What do you need?</label>
          <textarea id="lf-need" rows={5} value={values.need} onChange={set('need')} placeholder="For example: the boiler is making a banging noise and there is no hot water." />
          {errors.need && <p className="field-error" role="alert">{errors.need}</p>}
        </div>
        {/* People never see this field; robots that fill in every field do, and their request is dropped. */}
        <div className="lead-form-trap" aria-hidden="true">
          <label htmlFor="lf-website">Leave this empty</label>
          <input id="lf-website" tabIndex={-1} autoComplete="off" value={values.website} onChange={set('website')} />
        </div>
        {errors._ && <p className="field-error" role="alert">{errors._}</p>}
        <button type="submit" className="button button-primary lead-form-send" disabled={sending}>{sending ? 'Sending…' : 'Send request'}</button>
      </form>
    </main>
  );
}
