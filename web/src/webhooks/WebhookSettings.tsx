// Settings → Webhooks (admins): subscriptions with their events, the secret shown once
// with a copy button, a test send, recent deliveries, pause/resume and delete.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import type { z } from 'zod';
import type { deliveryView, webhookView, webhookWithSecretView } from '../../../src/webhooks/webhook.ts';
import { ApiError, describeError, request } from '../api/client.ts';
import { EVENT_CHOICES } from '../automation/ruleForm.ts';
import { showToast } from '../shell/toasts.tsx';
import './webhooks.css';

type Webhook = z.infer<typeof webhookView>;
type WebhookWithSecret = z.infer<typeof webhookWithSecretView>;
type Delivery = z.infer<typeof deliveryView>;
type Errors = Record<string, string>;

const webhooksKey = ['webhooks'] as const;
const deliveriesKey = (id: string) => ['webhooks', id, 'deliveries'] as const;

function errorsOf(error: unknown): Errors {
  if (error instanceof ApiError && error.problem.errors?.length) return Object.fromEntries(error.problem.errors.map((e) => [e.path, e.message]));
  return { _: describeError(error) };
}

function errorAt(errors: Errors, path: string): string | undefined {
  return Object.entries(errors).find(([p]) => p === path || p.startsWith(`${path}.`))?.[1];
}

function FieldError({ errors, path, id }: { errors: Errors; path: string; id?: string }) {
  const message = errorAt(errors, path);
  return message ? <p className="field-error" role="alert" id={id}>{message}</p> : null;
}

export function WebhookSettings() {
  const hooks = useQuery({ queryKey: webhooksKey, queryFn: async () => (await request<{ items: Webhook[] }>('GET', '/api/v1/webhooks?limit=200')).data.items });
  const [secret, setSecret] = useState<{ url: string; secret: string } | null>(null);
  return (
    <section className="settings-section" aria-label="Webhooks">
      <h2>Webhooks</h2>
      <p className="muted">Finishline posts events to these addresses, signed with each webhook&apos;s secret, and retries for about two hours when the receiver does not answer.</p>
      {secret && <SecretOnce shown={secret} onDone={() => setSecret(null)} />}
      {(hooks.data ?? []).length === 0 && <p className="muted">No webhooks yet.</p>}
      <ul className="webhook-list">
        {(hooks.data ?? []).map((hook) => <WebhookRow key={hook.id} hook={hook} onSecret={setSecret} />)}
      </ul>
      <AddWebhook onCreated={(created) => setSecret({ url: created.url, secret: created.secret })} />
    </section>
  );
}

function SecretOnce({ shown, onDone }: { shown: { url: string; secret: string }; onDone: () => void }) {
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(shown.secret);
      showToast('Secret copied');
    } catch {
      showToast('Could not copy: select the secret and copy it by hand', { tone: 'error' });
    }
  };
  return (
    <div className="webhook-secret" role="status" aria-label="Signing secret">
      <p>Signing secret for {shown.url} — shown only now. Keep it in your receiver to check the <code>Finishline-Signature</code> header.</p>
      <div className="inline-form">
        <input readOnly aria-label="Signing secret" value={shown.secret} onFocus={(e) => e.target.select()} />
        <button type="button" className="button" onClick={() => void copy()}>Copy</button>
        <button type="button" className="button" onClick={onDone}>Done</button>
      </div>
    </div>
  );
}

function AddWebhook({ onCreated }: { onCreated: (created: WebhookWithSecret) => void }) {
  const qc = useQueryClient();
  const [url, setUrl] = useState('');
  const [all, setAll] = useState(true);
  const [events, setEvents] = useState<string[]>([]);
  const [description, setDescription] = useState('');
  const [errors, setErrors] = useState<Errors>({});
  const [busy, setBusy] = useState(false);
  const toggle = (type: string, on: boolean) => setEvents((list) => (on ? [...list, type] : list.filter((t) => t !== type)));
  const add = async (event: FormEvent) => {
    event.preventDefault();
    setErrors({});
    setBusy(true);
    try {
      const created = (await request<WebhookWithSecret>('POST', '/api/v1/webhooks', { url, events: all ? ['*'] : events, description })).data;
      onCreated(created);
      setUrl('');
      setDescription('');
      setEvents([]);
      setAll(true);
      void qc.invalidateQueries({ queryKey: webhooksKey });
    } catch (error) {
      setErrors(errorsOf(error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="webhook-form" onSubmit={add} noValidate aria-label="Add a webhook">
      <h3 className="sub">Add a webhook</h3>
      <div>
        <label htmlFor="webhook-url">URL</label>
        <input id="webhook-url" type="url" placeholder="https://example.com/hooks/finishline" value={url} onChange={(e) => setUrl(e.target.value)} aria-invalid={errorAt(errors, 'url') ? true : undefined} aria-describedby="webhook-url-error" />
        <FieldError errors={errors} path="url" id="webhook-url-error" />
      </div>
      <div>
        <label htmlFor="webhook-description">Description</label>
        <input id="webhook-description" placeholder="What receives it (optional)" value={description} onChange={(e) => setDescription(e.target.value)} />
        <FieldError errors={errors} path="description" />
      </div>
      <fieldset className="webhook-events">
        <legend>Events</legend>
        <label className="check"><input type="checkbox" checked={all} onChange={(e) => setAll(e.target.checked)} /> All events</label>
        {!all &&
          EVENT_CHOICES.map((group) => (
            <div key={group.group} className="webhook-event-group">
              <span className="muted">{group.group}</span>
              {group.events.map(([type, label]) => (
                <label key={type} className="check"><input type="checkbox" checked={events.includes(type)} onChange={(e) => toggle(type, e.target.checked)} /> {label} <code>{type}</code></label>
              ))}
            </div>
          ))}
        <FieldError errors={errors} path="events" />
      </fieldset>
      <button type="submit" className="button button-primary" disabled={busy}>Add webhook</button>
      <FieldError errors={errors} path="_" />
    </form>
  );
}

function WebhookRow({ hook, onSecret }: { hook: Webhook; onSecret: (shown: { url: string; secret: string }) => void }) {
  const qc = useQueryClient();
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const refresh = () => {
    void qc.invalidateQueries({ queryKey: webhooksKey });
    void qc.invalidateQueries({ queryKey: deliveriesKey(hook.id) });
  };
  const act = async (work: () => Promise<void>) => {
    setError(null);
    try {
      await work();
    } catch (failure) {
      setError(describeError(failure));
    }
    refresh();
  };
  const sendTest = () =>
    act(async () => {
      const delivery = (await request<Delivery>('POST', `/api/v1/webhooks/${hook.id}/test`)).data;
      setOpen(true);
      if (delivery.status === 'succeeded') showToast(`Test delivered (${delivery.responseStatus})`);
      else setError(`Test not delivered: ${delivery.error ?? 'no answer'}`);
    });
  const setActive = (active: boolean) => act(async () => void (await request('PATCH', `/api/v1/webhooks/${hook.id}`, { active }, { 'if-match': `"${hook.version}"` })));
  const rotate = () =>
    act(async () => {
      if (!window.confirm(`Replace the signing secret of ${hook.url}? The receiver must use the new one from now on.`)) return;
      const rotated = (await request<WebhookWithSecret>('POST', `/api/v1/webhooks/${hook.id}/rotate-secret`)).data;
      onSecret({ url: rotated.url, secret: rotated.secret });
    });
  const remove = () =>
    act(async () => {
      if (!window.confirm(`Delete the webhook to ${hook.url} and its delivery log?`)) return;
      await request('DELETE', `/api/v1/webhooks/${hook.id}`, undefined, { 'if-match': `"${hook.version}"` });
      showToast('Webhook deleted');
    });
  return (
    <li className="webhook-row" aria-label={`Webhook ${hook.url}`}>
      <div className="webhook-head">
        <div>
          <strong className="webhook-url">{hook.url}</strong>
          {hook.description && <span className="muted"> — {hook.description}</span>}
          <div className="muted">{hook.events.includes('*') ? 'All events' : hook.events.join(', ')}</div>
          {hook.active ? <span className="chip">On</span> : <span className="chip">Off</span>}
          {hook.disabledReason && <p className="field-error" role="alert">Turned off: {hook.disabledReason}</p>}
        </div>
        <div className="webhook-actions">
          <button type="button" className="button" onClick={() => void sendTest()}>Send test</button>
          <button type="button" className="button" onClick={() => void setActive(!hook.active)}>{hook.active ? 'Turn off' : 'Turn on'}</button>
          <button type="button" className="button" onClick={() => setOpen(!open)} aria-expanded={open}>Deliveries</button>
          <button type="button" className="button" onClick={() => void rotate()}>New secret</button>
          <button type="button" className="button" onClick={() => void remove()}>Delete</button>
        </div>
      </div>
      {error && <p className="field-error" role="alert">{error}</p>}
      {open && <Deliveries webhookId={hook.id} />}
    </li>
  );
}

function Deliveries({ webhookId }: { webhookId: string }) {
  const deliveries = useQuery({
    queryKey: deliveriesKey(webhookId),
    queryFn: async () => (await request<{ items: Delivery[] }>('GET', `/api/v1/webhooks/${webhookId}/deliveries?limit=20`)).data.items,
  });
  if (deliveries.isError) return <p className="field-error" role="alert">{describeError(deliveries.error)}</p>;
  const items = deliveries.data ?? [];
  if (items.length === 0) return <p className="muted">No deliveries yet.</p>;
  return (
    <table className="table" aria-label="Recent deliveries">
      <thead><tr><th>When</th><th>Event</th><th>Status</th><th>Response</th><th>Attempts</th><th>Next attempt</th></tr></thead>
      <tbody>
        {items.map((d) => (
          <tr key={d.id}>
            <td>{new Date(d.lastAttemptAt ?? d.createdAt).toLocaleString()}</td>
            <td><code>{d.eventType}</code></td>
            <td>{d.status}</td>
            <td>{d.responseStatus ?? '—'}{d.error && <span className="muted"> {d.error}</span>}</td>
            <td>{d.attempts}</td>
            <td>{d.nextAttemptAt ? new Date(d.nextAttemptAt).toLocaleString() : '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
