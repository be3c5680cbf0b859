// Settings: the business's public lead form — its link to put on the website, an embed snippet, and (admins) its address.
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { Org } from '../api/types.ts';
import { type Errors, errorsOf, FieldError, save } from '../people/settingsForm.tsx';
import { showToast } from '../shell/toasts.tsx';
import { keys, useOrg } from '../tasks/queries.ts';

export function LeadFormSettings({ canEdit }: { canEdit: boolean }) {
  const org = useOrg();
  const qc = useQueryClient();
  const [errors, setErrors] = useState<Errors>({});
  if (!org.data) return null;
  const current = org.data;
  const link = `${window.location.origin}/f/${current.slug}`;
  const snippet = `<iframe src="${link}" title="Ask ${escapeAttribute(current.name)} for help" style="width:100%;max-width:560px;height:760px;border:0" loading="lazy"></iframe>`;
  const copy = (text: string, what: string) =>
    navigator.clipboard?.writeText(text).then(
      () => showToast(`${what} copied`),
      () => showToast(`Could not copy the ${what.toLowerCase()}; select it and copy it instead`, { tone: 'error' }),
    );
  const changeSlug = async (slug: string) => {
    setErrors({});
    try {
      const updated = await save<Org>('PATCH', '/api/v1/org', { slug }, current.version);
      qc.setQueryData(keys.org, updated);
      showToast('The form has its new address');
    } catch (error) {
      setErrors(errorsOf(error));
    }
  };
  return (
    <section className="settings-section" aria-label="Website request form">
      <h2>Website request form</h2>
      <p className="muted">Link to this form from your website. Each request becomes a contact and a new lead from the website, and your rules for new leads run on it.</p>
      <div className="lead-form-link">
        <a href={link} target="_blank" rel="noreferrer" data-testid="lead-form-link">{link}</a>
        <button type="button" className="button button-small" onClick={() => void copy(link, 'Link')}>Copy link</button>
      </div>
      {canEdit && (
        <div className="detail-grid">
          <label htmlFor="lead-form-slug">Address ends with</label>
          <div>
            <input id="lead-form-slug" key={`s${current.version}`} defaultValue={current.slug} onBlur={(e) => e.target.value !== current.slug && void changeSlug(e.target.value.trim())} />
            <FieldError errors={errors} path="slug" />
            <FieldError errors={errors} path="_" />
          </div>
        </div>
      )}
      <h3 className="sub">Put the form on a page of your website</h3>
      <textarea className="embed-snippet" readOnly rows={3} value={snippet} aria-label="Embed code" onFocus={(e) => e.target.select()} />
      <button type="button" className="button button-small" onClick={() => void copy(snippet, 'Embed code')}>Copy embed code</button>
    </section>
  );
}

function escapeAttribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}
